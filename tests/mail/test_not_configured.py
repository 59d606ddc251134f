"""Without an SMTP host mails wait in the outbox — never dropped — and managers are told."""

from __future__ import annotations

import dataclasses

from bs4 import BeautifulSoup

from feedback.models import MailStatus, OutboxMail
from feedback.outbox import MailServer
from tests.conftest import sign_in, submit
from tests.mail.conftest import deliver


async def test_it_keeps_mails_pending_when_mail_is_not_configured(client, manager, db) -> None:
    assert not db.mail_configured and MailServer.from_settings(db) is None
    await submit(client)
    for _ in range(3):
        report = await deliver(db)
        assert (report.sent, report.retrying, report.failed) == (0, 0, 0)
    mail = await OutboxMail.get()
    assert mail.status == MailStatus.PENDING and mail.attempts == 0 and mail.last_error == ""

    await sign_in(client, manager)
    soup = BeautifulSoup((await client.get("/manage/mail")).text, "html.parser")
    warning = soup.find(id="mail-not-configured")
    assert warning is not None and "1 mail waiting" in warning.text
    assert soup.find(id="count-pending").text == "1"
    overview = BeautifulSoup((await client.get("/manage")).text, "html.parser")
    assert "not configured" in overview.find(id="mail-banner").text


async def test_it_shows_no_warning_when_configured_and_nothing_failed(
    db, manager, mail_settings
) -> None:
    import httpx

    from portal.app import create_app

    app = create_app(dataclasses.replace(mail_settings), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await sign_in(client, manager)
        soup = BeautifulSoup((await client.get("/manage/mail")).text, "html.parser")
        assert soup.find(id="mail-not-configured") is None
        assert soup.find(id="mail-failures-warning") is None
        assert soup.find(id="mail-server-host").text.startswith("127.0.0.1:")
        overview = BeautifulSoup((await client.get("/manage")).text, "html.parser")
        assert overview.find(id="mail-banner") is None
