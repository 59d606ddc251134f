"""/manage/mail's "Incoming" section: configured or not, counts by day, last received."""

from __future__ import annotations

import httpx
import pytest
from bs4 import BeautifulSoup

from feedback.inbound_mail import MailRefused, receive_mail
from portal.app import create_app
from portal.clock import utcnow
from tests.conftest import sign_in
from tests.mail.conftest import compose


def _counts(page: BeautifulSoup, row: str) -> dict[str, int]:
    cells = page.select(f"#mail-incoming-days {row} td")
    return {cell["data-outcome"]: int(cell.get_text()) for cell in cells}


async def test_it_says_when_incoming_mail_is_not_configured(client, manager) -> None:
    await sign_in(client, manager)
    page = BeautifulSoup((await client.get("/manage/mail")).text, "html.parser")
    setting = page.select_one("#mail-incoming-setting")
    assert "Incoming mail is not configured" in setting.get_text()
    assert page.select_one("#mail-incoming-last").get_text() == "nothing yet"


async def test_it_counts_what_came_in_today(inbound_settings, inbound, manager) -> None:
    now = utcnow()
    first = await receive_mail(compose("One", "First.").as_bytes(), now=now, config=inbound)
    assert first.item_id is not None
    item_reply = compose("Re: One", "Second.", to=inbound.reply_address.for_item(first.item_id))
    await receive_mail(item_reply.as_bytes(), now=now, config=inbound)
    auto = compose("Away", "Out of office.", headers={"Auto-Submitted": "auto-replied"})
    await receive_mail(auto.as_bytes(), now=now, config=inbound)
    with pytest.raises(MailRefused):
        await receive_mail(b"garbage", now=now, config=inbound)

    app = create_app(inbound_settings, manage_database=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await sign_in(client, manager)
        response = await client.get("/manage/mail")
    assert response.status_code == 200
    page = BeautifulSoup(response.text, "html.parser")
    assert "support@example.test" in page.select_one("#mail-incoming-setting").get_text()
    today = _counts(page, f'tr[data-day="{now.date().isoformat()}"]')
    expected = {"received": 4, "threaded": 1, "new": 1, "ignored": 1, "refused": 1}
    assert today == expected
    assert _counts(page, "tfoot tr") == expected
    assert len(page.select("#mail-incoming-days tbody tr")) == 7
    assert page.select_one("#mail-incoming-last").get_text().endswith(" UTC")
