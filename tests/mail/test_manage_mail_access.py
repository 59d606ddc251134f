"""/manage/mail is for managers and admins; agents and anonymous visitors get nothing."""

from __future__ import annotations

from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from feedback.models import MailStatus, OutboxMail
from feedback.outbox import MAX_ATTEMPTS
from tests.conftest import get_csrf, sign_in, submit


async def test_it_returns_403_for_an_agent(client, agent) -> None:
    await submit(client)
    await OutboxMail.all().update(status=MailStatus.FAILED, attempts=MAX_ATTEMPTS)
    await sign_in(client, agent)
    assert (await client.get("/manage/mail")).status_code == 403
    token = await get_csrf(client, "/staff/items")
    response = await client.post("/manage/mail/retry", data={"csrf_token": token})
    assert response.status_code == 403
    assert (await OutboxMail.get()).status == MailStatus.FAILED


async def test_it_sends_anonymous_visitors_to_sign_in(client) -> None:
    response = await client.get("/manage/mail")
    assert response.status_code == 303
    assert urlsplit(response.headers["location"]).path == "/staff/sign-in"


async def test_it_shows_the_page_to_an_admin_linked_from_the_settings(client, admin) -> None:
    await sign_in(client, admin)
    page = BeautifulSoup((await client.get("/manage")).text, "html.parser")
    sections = page.select_one("nav.manage-sections")
    link = sections.find("a", string="Customer e-mail")
    assert link is not None and link["href"].endswith("/manage/mail")
    assert (await client.get("/manage/mail")).status_code == 200
