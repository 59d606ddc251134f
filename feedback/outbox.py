"""Sending the outbox: claim due mails, send them over SMTP, retry with backoff, never drop one.

Every app process runs a sender (and `portal send-mail` runs one pass). A sender claims a
mail with a conditional UPDATE (status pending, due, no live claim), so two senders never
send the same mail; a claim that outlives a crashed sender expires after `CLAIM_SECONDS`.
A failed attempt is retried after 1, 5, 15, 60 and 240 minutes, then the mail is marked
failed (at once for a permanent 5xx refusal of that mail) and shown on /manage/mail, where
"retry now" puts it back. Without an SMTP host nothing is claimed: mails stay pending.

Each mail gets its Message-ID before its first attempt and keeps it for retries (stored on
the row, so a customer's reply finds its item by In-Reply-To). With an inbound address
(PORTAL_MAIL_IN_ADDRESS) a customer mail also carries a Reply-To with the item's signed
token (`feedback.reply_address`), and automatic mails say so (`Auto-Submitted`, RFC 3834),
so an out-of-office does not answer them.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr
from typing import Any

import aiosmtplib
from tortoise.expressions import F, Q
from tortoise.functions import Count

from feedback.addresses import is_mail_address
from feedback.customer_mail import CUSTOMER_KINDS, NAME_LIMIT, header_text
from feedback.models import MailStatus, OutboxMail
from feedback.reply_address import ReplyAddress

BACKOFF_MINUTES = (1, 5, 15, 60, 240)
MAX_ATTEMPTS = len(BACKOFF_MINUTES) + 1
CLAIM_SECONDS = 300
BATCH_SIZE = 50
ERROR_LIMIT = 500
SMTP_TIMEOUT_SECONDS = 30.0


class PermanentMailError(ValueError):
    """This mail can never be sent as it is (a bad address): no retries."""


@dataclass(frozen=True)
class MailServer:
    """Where and as whom to send (from the settings)."""

    host: str
    port: int
    sender: str
    username: str = ""
    password: str = ""
    # "starttls" (upgrade after connecting), "tls" (implicit TLS, port 465) or "none".
    security: str = "starttls"
    # Extra CA certificates (PEM) to trust for the server; "" = the system's only.
    ca_file: str = ""
    timeout: float = SMTP_TIMEOUT_SECONDS
    reply_address: ReplyAddress | None = None  # inbound mail configured: Reply-To per item

    def __post_init__(self) -> None:
        if self.security not in ("starttls", "tls", "none"):
            raise ValueError(f"security must be starttls, tls or none, got {self.security!r}")

    def connect_options(self) -> dict[str, Any]:
        """aiosmtplib.SMTP's TLS arguments. Certificates are always verified; `ca_file` only
        adds what to trust (for a private CA), it never turns verification off.
        """
        return {
            "use_tls": self.security == "tls",
            "start_tls": self.security == "starttls",
            "validate_certs": True,
            "cert_bundle": self.ca_file or None,
        }

    @classmethod
    def from_settings(cls, settings: Any) -> MailServer | None:
        """None when mail is not configured (no SMTP host)."""
        if not settings.mail_configured:
            return None
        reply_address = None
        if settings.mail_in_address:
            from portal.security import Signer  # the portal's one signing helper

            reply_address = ReplyAddress(settings.mail_in_address, Signer(str(settings.secret_key)))
        return cls(
            host=settings.smtp_host,
            port=settings.smtp_port,
            sender=settings.mail_from,
            username=settings.smtp_username,
            password=str(settings.smtp_password),
            security=settings.smtp_security,
            ca_file=settings.smtp_ca_file,
            reply_address=reply_address,
        )


@dataclass
class SendReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)


def _due(now: datetime) -> Q:
    return Q(status=MailStatus.PENDING, next_attempt_at__lte=now) & (
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )


def new_message_id(mail: OutboxMail, sender: str) -> str:
    """A Message-ID nobody can guess: a reply naming it threads onto the mail's item.

    (`email.utils.make_msgid` draws from `random`, whose output can be predicted from
    enough earlier Message-IDs; this one uses `secrets`.)
    """
    domain = parseaddr(header_text(sender))[1].rpartition("@")[2] or "feedback-portal.invalid"
    return f"<outbox.{mail.id}.{secrets.token_hex(16)}@{header_text(domain, 200)}>"


async def _ensure_message_id(mail: OutboxMail, sender: str) -> None:
    """Give the mail its Message-ID once, before the first attempt (retries reuse it)."""
    if mail.message_id:
        return
    mail.message_id = new_message_id(mail, sender)
    await OutboxMail.filter(id=mail.id, message_id__isnull=True).update(message_id=mail.message_id)


def build_message(
    mail: OutboxMail, sender: str, reply_address: ReplyAddress | None = None
) -> EmailMessage:
    """The MIME message: text part, optional HTML alternative, one-line headers only."""
    if not is_mail_address(mail.to_address):
        raise PermanentMailError(f"not a valid address: {mail.to_address[:80]!r}")
    sender_name, sender_address = parseaddr(header_text(sender))
    message = EmailMessage()
    message["From"] = Address(display_name=header_text(sender_name), addr_spec=sender_address)
    message["To"] = Address(
        display_name=header_text(mail.to_name, NAME_LIMIT), addr_spec=mail.to_address
    )
    message["Subject"] = header_text(mail.subject)
    message["Date"] = format_datetime(mail.created_at)
    message["Message-ID"] = header_text(mail.message_id or new_message_id(mail, sender))
    item_id = mail.item_id  # type: ignore[attr-defined]
    if mail.kind in CUSTOMER_KINDS:
        if reply_address is not None and item_id is not None:
            message["Reply-To"] = reply_address.for_item(item_id)
        if mail.kind == "confirmation":
            message["Auto-Submitted"] = "auto-replied"  # it answers their mail or form
    else:
        message["Auto-Submitted"] = "auto-generated"  # staff alerts from the sweeper
    message.set_content(mail.body_text)
    if mail.body_html:
        message.add_alternative(mail.body_html, subtype="html")
    # After the content: set_content() drops Content-* headers set before it.
    message["Content-Language"] = header_text(mail.language.replace("_", "-"), 16)
    return message


async def _claim(mail_id: int, holder: str, now: datetime) -> bool:
    """Take one due mail for this sender; False if another sender has it."""
    won = await OutboxMail.filter(Q(id=mail_id) & _due(now)).update(
        claimed_by=holder[:80],
        claimed_until=now + timedelta(seconds=CLAIM_SECONDS),
        attempts=F("attempts") + 1,
        last_attempt_at=now,
    )
    return won == 1


def _describe(exc: BaseException) -> str:
    text = str(exc) or repr(exc)
    return header_text(f"{type(exc).__name__}: {text}", ERROR_LIMIT)


def _is_permanent(exc: BaseException) -> bool:
    # ValueError: the message cannot be built (a bad address or header) however often we try.
    if isinstance(exc, ValueError | aiosmtplib.SMTPRecipientsRefused):
        return True
    return isinstance(exc, aiosmtplib.SMTPResponseException) and 500 <= exc.code < 600


async def _mark_sent(mail: OutboxMail, holder: str, now: datetime) -> None:
    await OutboxMail.filter(id=mail.id).update(
        status=MailStatus.SENT, sent_at=now, claimed_by=None, claimed_until=None, last_error=""
    )


async def _mark_failed(
    mail: OutboxMail, exc: BaseException, now: datetime, report: SendReport
) -> None:
    """Schedule the next attempt, or give up after MAX_ATTEMPTS (or a permanent refusal)."""
    error = _describe(exc)
    report.errors.append(error)
    changes: dict[str, Any] = {"last_error": error, "claimed_by": None, "claimed_until": None}
    if _is_permanent(exc) or mail.attempts >= MAX_ATTEMPTS:
        changes["status"] = MailStatus.FAILED
        report.failed += 1
    else:
        delay = BACKOFF_MINUTES[min(mail.attempts, len(BACKOFF_MINUTES)) - 1]
        changes["next_attempt_at"] = now + timedelta(minutes=delay)
        report.retrying += 1
    await OutboxMail.filter(id=mail.id).update(**changes)


async def send_due(
    server: MailServer | None, *, now: datetime, holder: str, limit: int = BATCH_SIZE
) -> SendReport:
    """One pass: claim up to `limit` due mails and send them on one SMTP connection."""
    report = SendReport()
    if server is None:
        return report  # not configured: leave everything pending
    candidates = (
        await OutboxMail.filter(_due(now))
        .order_by("next_attempt_at", "id")
        .limit(limit)
        .values_list("id", flat=True)
    )
    claimed = [mail_id for mail_id in candidates if await _claim(mail_id, holder, now)]
    if not claimed:
        return report
    pending = list(await OutboxMail.filter(id__in=claimed).order_by("id"))
    current: OutboxMail | None = None
    try:
        async with aiosmtplib.SMTP(
            hostname=server.host,
            port=server.port,
            timeout=server.timeout,
            **server.connect_options(),
        ) as smtp:
            if server.username:
                await smtp.login(server.username, server.password)
            while pending:
                current = pending.pop(0)
                try:
                    await _ensure_message_id(current, server.sender)
                    await smtp.send_message(
                        build_message(current, server.sender, server.reply_address)
                    )
                except (aiosmtplib.SMTPResponseException, aiosmtplib.SMTPRecipientsRefused) as exc:
                    await _mark_failed(current, exc, now, report)  # this mail refused
                except ValueError as exc:
                    await _mark_failed(current, exc, now, report)  # cannot be built
                else:
                    await _mark_sent(current, holder, now)
                    report.sent += 1
                current = None
    except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
        # Could not connect or log in, or the connection dropped: every mail not yet
        # handled counts one attempt and waits for the next one.
        for mail in [current, *pending] if current is not None else pending:
            await _mark_failed(mail, exc, now, report)
    return report


async def retry_failed(now: datetime, mail_id: int | None = None) -> int:
    """Put failed mails (or one) back in the queue with a fresh set of attempts."""
    query = OutboxMail.filter(status=MailStatus.FAILED)
    if mail_id is not None:
        query = query.filter(id=mail_id)
    return await query.update(
        status=MailStatus.PENDING,
        attempts=0,
        next_attempt_at=now,
        claimed_by=None,
        claimed_until=None,
    )


@dataclass(frozen=True)
class OutboxSummary:
    counts: dict[str, int]
    retrying: int
    oldest_pending: datetime | None
    problems: list[OutboxMail]
    by_kind: dict[str, int] = field(default_factory=dict)  # every mail, customer and staff

    @property
    def pending(self) -> int:
        return self.counts.get(MailStatus.PENDING.value, 0)

    @property
    def failed(self) -> int:
        return self.counts.get(MailStatus.FAILED.value, 0)


async def outbox_summary(limit: int = 20) -> OutboxSummary:
    """Counts by status and by kind, and the latest mails that failed or are being retried."""
    rows = await OutboxMail.all().group_by("status").annotate(n=Count("id")).values("status", "n")
    kinds = await OutboxMail.all().group_by("kind").annotate(n=Count("id")).values("kind", "n")
    counts = {status.value: 0 for status in MailStatus}
    counts.update({str(row["status"]): int(row["n"]) for row in rows})
    retrying = await OutboxMail.filter(status=MailStatus.PENDING, attempts__gt=0).count()
    oldest = (
        await OutboxMail.filter(status=MailStatus.PENDING)
        .order_by("created_at")
        .limit(1)
        .values_list("created_at", flat=True)
    )
    problems = (
        await OutboxMail.filter(
            Q(status=MailStatus.FAILED) | Q(status=MailStatus.PENDING, attempts__gt=0)
        )
        .order_by("-last_attempt_at", "-id")
        .limit(limit)
        .select_related("item")
    )
    return OutboxSummary(
        counts,
        retrying,
        oldest[0] if oldest else None,
        list(problems),
        {str(row["kind"]): int(row["n"]) for row in sorted(kinds, key=lambda row: row["kind"])},
    )


async def is_troubled() -> bool:
    """Failed mails exist (for the banner on /manage)."""
    return await OutboxMail.filter(status=MailStatus.FAILED).exists()
