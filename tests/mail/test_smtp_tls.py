"""SMTP over TLS: implicit TLS (port 465 style) and STARTTLS against a real aiosmtpd server
on the loopback, with a certificate from a throw-away CA the test makes (trustme). The
sender trusts that CA through PORTAL_SMTP_CA_FILE; verification is never turned off, so
without the CA file the same server is refused.
"""

from __future__ import annotations

import dataclasses
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import trustme
from aiosmtpd.controller import Controller
from bs4 import BeautifulSoup

from feedback.models import MailStatus, OutboxMail
from feedback.outbox import SendReport
from portal.app import create_app
from portal.settings import Settings
from tests.conftest import sign_in, submit
from tests.mail.conftest import SmtpServer, _Collector, deliver, free_port, with_smtp


class _TlsCollector(_Collector):
    """Also records the TLS version each message arrived over (None: plain text)."""

    def __init__(self) -> None:
        super().__init__()
        self.tls_versions: list[str | None] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        ssl_object = server.transport.get_extra_info("ssl_object")
        self.tls_versions.append(ssl_object.version() if ssl_object is not None else None)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> str:
    path = tmp_path / "smtp-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


def _server_context(ca: trustme.CA) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
    return context


@contextmanager
def _serve(**tls: Any) -> Iterator[tuple[SmtpServer, _TlsCollector]]:
    collector = _TlsCollector()
    port = free_port()
    controller = Controller(collector, hostname="127.0.0.1", port=port, **tls)
    controller.start()
    try:
        yield SmtpServer("127.0.0.1", port, collector), collector
    finally:
        controller.stop()


@pytest.fixture
def implicit_tls_server(ca: trustme.CA) -> Iterator[tuple[SmtpServer, _TlsCollector]]:
    """TLS from the first byte, as on port 465."""
    with _serve(ssl_context=_server_context(ca)) as served:
        yield served


@pytest.fixture
def starttls_server(ca: trustme.CA) -> Iterator[tuple[SmtpServer, _TlsCollector]]:
    """Plain text until STARTTLS, which it requires before any mail."""
    with _serve(tls_context=_server_context(ca), require_starttls=True) as served:
        yield served


def _using(settings: Settings, server: SmtpServer, security: str, ca_file: str = "") -> Settings:
    return dataclasses.replace(
        with_smtp(settings, server.port), smtp_security=security, smtp_ca_file=ca_file
    )


async def _send_one(client: httpx.AsyncClient, settings: Settings) -> SendReport:
    """A public submission (which queues its confirmation), then one sender pass."""
    await submit(client)
    return await deliver(settings)


async def test_it_sends_over_implicit_tls_trusting_the_ca_file(
    client, db, implicit_tls_server, ca_file
) -> None:
    server, collector = implicit_tls_server
    report = await _send_one(client, _using(db, server, "tls", ca_file))
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [mail] = server.received
    assert mail.rcpt_tos == ["jo.park@example.com"]
    assert collector.tls_versions == ["TLSv1.3"]
    assert (await OutboxMail.get()).status == MailStatus.SENT


async def test_it_refuses_a_server_it_cannot_verify(client, db, implicit_tls_server) -> None:
    server, _collector = implicit_tls_server
    report = await _send_one(client, _using(db, server, "tls"))  # the test CA is not trusted
    assert (report.sent, report.retrying) == (0, 1)
    assert server.received == []
    mail = await OutboxMail.get()
    assert mail.status == MailStatus.PENDING
    assert "CERTIFICATE_VERIFY_FAILED" in mail.last_error


async def test_it_checks_the_certificate_names_the_host(
    client, db, ca: trustme.CA, ca_file
) -> None:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("mail.example.test").configure_cert(context)  # not 127.0.0.1
    with _serve(ssl_context=context) as (server, _collector):
        report = await _send_one(client, _using(db, server, "tls", ca_file))
        assert report.retrying == 1 and server.received == []
        assert "CERTIFICATE_VERIFY_FAILED" in (await OutboxMail.get()).last_error


async def test_it_upgrades_with_starttls_trusting_the_ca_file(
    client, db, starttls_server, ca_file
) -> None:
    server, collector = starttls_server
    report = await _send_one(client, _using(db, server, "starttls", ca_file))
    assert report.sent == 1
    assert collector.tls_versions == ["TLSv1.3"]


async def test_implicit_tls_does_not_talk_plain_smtp_first(
    client, db, starttls_server, ca_file
) -> None:
    # A STARTTLS server greets in plain text: a sender set to implicit TLS must not fall
    # back to talking plain text to it.
    server, _collector = starttls_server
    report = await _send_one(client, _using(db, server, "tls", ca_file))
    assert report.sent == 0 and report.retrying == 1
    assert server.received == []


async def test_the_mail_page_says_which_security_is_used(
    db, manager, implicit_tls_server, ca_file
) -> None:
    server, _collector = implicit_tls_server
    app = create_app(_using(db, server, "tls", ca_file), manage_database=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as tls_client:
        await sign_in(tls_client, manager)
        page = BeautifulSoup((await tls_client.get("/manage/mail")).text, "html.parser")
    text = page.find(id="mail-server-host").get_text(" ", strip=True)
    assert text == f"127.0.0.1:{server.port}, implicit TLS"
