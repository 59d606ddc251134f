"""Inbound mail wiring: the settings -> `feedback.inbound_mail`, and the SMTP listener.

`portal mail-server` runs :func:`serve_mail`: an aiosmtpd SMTP server (loopback by default)
that an MTA relays the support address to. The handler is thin: RCPT refuses addresses that
are not ours (550), aiosmtpd refuses mail over the size limit (552), and DATA hands the mail
to :func:`feedback.inbound_mail.receive_mail` and turns its answer into an SMTP reply
(250 stored or ignored, 554 malformed, 451 try again later).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any, AnyStr

from aiosmtpd.smtp import SMTP, Envelope, Session
from starlette.routing import Router

from feedback.attachments import AttachmentStore
from feedback.customer_mail import CustomerLinks
from feedback.inbound_mail import (
    InboundConfig,
    MailRefused,
    TemporaryFailure,
    receive_mail,
    record_refusal,
)
from feedback.models import FeedbackItem
from feedback.reply_address import ReplyAddress
from portal.clock import utcnow
from portal.security import Signer
from portal.settings import Settings

log = logging.getLogger("portal.mail_server")
MAX_RECIPIENTS = 20
IDENT = "feedback-portal inbound mail"


def customer_links_for(settings: Settings, signer: Signer) -> CustomerLinks:
    """Tracking links for mails written outside a request (the same route and signing)."""
    from portal.mail_links import TRACKING
    from portal.routes import routes

    router = Router(routes)
    base_url = settings.base_url.rstrip("/")

    def tracking(item: FeedbackItem) -> str:
        token = signer.sign(item.id, purpose=TRACKING)
        return f"{base_url}{router.url_path_for('tracking', token=token)}"

    return CustomerLinks(tracking=tracking)


def inbound_config(settings: Settings) -> InboundConfig:
    signer = Signer(str(settings.secret_key))
    reply_address = (
        ReplyAddress(settings.mail_in_address, signer) if settings.mail_in_address else None
    )
    return InboundConfig(
        reply_address=reply_address,
        max_bytes=settings.mail_in_max_bytes,
        reopen_window_days=settings.reopen_window_days,
        categories=settings.categories,
        new_customer_segment=settings.segments[-1],
        language=settings.default_language,
        links=customer_links_for(settings, signer),
        new_items_per_hour=settings.submissions_per_hour,
        attachment_store=AttachmentStore(settings.attachment_dir),
        attachment_limits=settings.attachment_limits,
    )


class InboundHandler:
    """aiosmtpd handler: one mail at a time into `receive_mail`."""

    def __init__(self, config: InboundConfig, clock: Callable[[], datetime] = utcnow) -> None:
        if config.reply_address is None:
            raise ValueError("PORTAL_MAIL_IN_ADDRESS is not set: no address to receive mail for")
        self.config = config
        self.reply_address = config.reply_address
        self.clock = clock

    async def handle_RCPT(  # noqa: N802 - aiosmtpd's hook name
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        if not self.reply_address.is_ours(address):
            return "550 5.1.1 Not a mailbox here"
        if len(envelope.rcpt_tos) >= MAX_RECIPIENTS:
            return "452 4.5.3 Too many recipients"
        envelope.rcpt_tos.append(address)
        return "250 2.1.5 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        raw = envelope.original_content or b""
        try:
            receipt = await receive_mail(
                raw,
                now=self.clock(),
                config=self.config,
                envelope_sender=envelope.mail_from or "",
                envelope_recipients=envelope.rcpt_tos,
            )
        except MailRefused as exc:
            if exc.code == "too_large":
                return "552 5.3.4 Message too big"
            return "554 5.6.0 Message refused: " + exc.reason[:120]
        except TemporaryFailure:
            return "451 4.3.0 Temporary failure, please try again later"
        log.info("mail from %s: %s", envelope.mail_from, receipt.describe())
        return "250 2.0.0 OK: " + receipt.describe()[:120]

    async def count_too_large(self, envelope: Envelope | None) -> None:
        """aiosmtpd refused a mail over the limit itself: count it on /manage/mail too."""
        sender = (envelope.mail_from or "") if envelope is not None else ""
        log.info("mail from %s refused: over %s bytes", sender, self.config.max_bytes)
        await record_refusal(
            f"too large: over {self.config.max_bytes} bytes (refused by the SMTP listener)",
            0,
            self.clock(),
            None,
        )


class _PortalSMTP(SMTP):
    """aiosmtpd's SMTP, telling the handler when it refuses a mail for its size (552)."""

    async def push(self, status: AnyStr) -> None:
        text = status.decode() if isinstance(status, bytes) else status
        # aiosmtpd's own size refusals ("552 Error: …"); ours from handle_DATA are counted
        # by receive_mail already.
        if text.startswith("552 Error") and isinstance(self.event_handler, InboundHandler):
            await self.event_handler.count_too_large(self.envelope)
        await super().push(status)


async def start_mail_server(
    handler: InboundHandler, host: str = "127.0.0.1", port: int = 2525
) -> asyncio.AbstractServer:
    """Listen for SMTP on host:port in the running event loop (where Tortoise lives)."""
    loop = asyncio.get_running_loop()
    max_bytes = handler.config.max_bytes

    def factory() -> Any:
        return _PortalSMTP(
            handler,
            data_size_limit=max_bytes,
            enable_SMTPUTF8=True,
            hostname=None,
            ident=IDENT,
            loop=loop,
        )

    return await loop.create_server(factory, host=host, port=port)


async def serve_mail(settings: Settings, host: str, port: int) -> None:
    """Run the listener until cancelled (the caller has set up Tortoise)."""
    server = await start_mail_server(InboundHandler(inbound_config(settings)), host, port)
    async with server:
        await server.serve_forever()
