"""Fixtures for customer e-mail: a real SMTP server on the loopback (aiosmtpd) and settings
that point the sender at it; for inbound mail, the portal's own SMTP listener and mails sent
to it. Nothing is mocked: mails go through aiosmtplib to the servers.
"""

from __future__ import annotations

import dataclasses
import re
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime, make_msgid
from typing import Any

import aiosmtplib
import pytest
from aiosmtpd.controller import Controller

from feedback.inbound_mail import InboundConfig
from feedback.outbox import MailServer, SendReport, send_due
from portal.clock import utcnow
from portal.mail_server import InboundHandler, inbound_config, start_mail_server
from portal.settings import Settings

URL = re.compile(r"https?://\S+")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Received:
    """One message as the server got it: the envelope and the parsed MIME message."""

    mail_from: str
    rcpt_tos: list[str]
    message: EmailMessage

    def text(self) -> str:
        return self.message.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]

    def html(self) -> str:
        return self.message.get_body(preferencelist=("html",)).get_content()  # type: ignore[union-attr]

    def links(self) -> list[str]:
        return URL.findall(self.text())


@dataclass
class _Collector:
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        message = message_from_bytes(envelope.original_content or envelope.content, policy=default)
        with self.lock:
            self.received.append(
                Received(envelope.mail_from, list(envelope.rcpt_tos), message)  # type: ignore[arg-type]
            )
        return "250 OK"


@dataclass
class SmtpServer:
    host: str
    port: int
    collector: _Collector

    @property
    def received(self) -> list[Received]:
        with self.collector.lock:
            return list(self.collector.received)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    collector = _Collector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, collector)
    finally:
        controller.stop()


def with_smtp(settings: Settings, port: int, host: str = "127.0.0.1") -> Settings:
    return dataclasses.replace(
        settings,
        smtp_host=host,
        smtp_port=port,
        smtp_security="none",
        mail_from="Customer care <care@example.test>",
    )


@pytest.fixture
def mail_settings(db: Settings, smtp_server: SmtpServer) -> Settings:
    """The test installation, sending to the loopback SMTP server."""
    return with_smtp(db, smtp_server.port)


async def deliver(settings: Settings, now: datetime | None = None) -> SendReport:
    """One sender pass, as the app's background sender runs it."""
    server = MailServer.from_settings(settings)
    return await send_due(server, now=now or utcnow(), holder="test-sender")


# --- Inbound mail: the portal's own SMTP listener, started in the test's event loop ---------

INBOUND = "support@example.test"
CUSTOMER = "Kim Lee <kim.lee@example.org>"


@pytest.fixture
def inbound_settings(db: Settings) -> Settings:
    """The test installation receiving mail for INBOUND (64 KiB at most per mail)."""
    return dataclasses.replace(db, mail_in_address=INBOUND, mail_in_max_bytes=64 * 1024)


@pytest.fixture
def inbound(inbound_settings: Settings) -> InboundConfig:
    return inbound_config(inbound_settings)


@dataclass(frozen=True)
class Listener:
    host: str
    port: int


@pytest.fixture
async def mail_server(inbound: InboundConfig) -> AsyncIterator[Listener]:
    """`portal mail-server`'s handler listening on a free loopback port."""
    port = free_port()
    server = await start_mail_server(InboundHandler(inbound), "127.0.0.1", port)
    try:
        yield Listener("127.0.0.1", port)
    finally:
        server.close()
        await server.wait_closed()


def compose(
    subject: str = "Parcel late",
    body: str = "My parcel is two weeks late and nobody answers. I want a refund.",
    *,
    sender: str = CUSTOMER,
    to: str = INBOUND,
    message_id: str | None = None,
    headers: dict[str, str] | None = None,
) -> EmailMessage:
    """A plain-text mail as a customer's mail program would send it."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id or make_msgid(domain="example.org")
    message.set_content(body)
    for name, value in (headers or {}).items():  # after: set_content drops Content-* headers
        message[name] = value
    return message


async def send_to(
    listener: Listener,
    message: EmailMessage | bytes,
    *,
    sender: str = "kim.lee@example.org",
    recipients: list[str] | None = None,
) -> Any:
    """Send over SMTP with aiosmtplib, as a relaying MTA would."""
    if isinstance(message, bytes):
        return await aiosmtplib.send(
            message,
            sender=sender,
            recipients=recipients or [INBOUND],
            hostname=listener.host,
            port=listener.port,
            start_tls=False,
        )
    return await aiosmtplib.send(
        message,
        sender=sender,
        recipients=recipients,
        hostname=listener.host,
        port=listener.port,
        start_tls=False,
    )
