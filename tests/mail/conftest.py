"""Fixtures for customer e-mail: a real SMTP server on the loopback (aiosmtpd) and settings
that point the sender at it. Nothing is mocked: mails go through aiosmtplib to the server.
"""

from __future__ import annotations

import dataclasses
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from feedback.outbox import MailServer, SendReport, send_due
from portal.clock import utcnow
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
        smtp_starttls=False,
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
