"""Resolving mails the customer the outcome, the rep's message and the link to rate it."""

from __future__ import annotations

from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from feedback.models import FeedbackItem, OutboxMail
from tests.conftest import get_csrf, sign_in, submit
from tests.feedback.test_resolve import GOOD_MESSAGE, resolve_form
from tests.mail.conftest import deliver


async def test_it_mails_the_resolution_with_the_rating_link(
    client, agent, mail_settings, smtp_server
) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    await OutboxMail.filter(kind="confirmation").delete()
    await sign_in(client, agent)
    token = await get_csrf(client, f"/staff/items/{item.id}")
    response = await client.post(
        f"/staff/items/{item.id}/resolve", data={"csrf_token": token, **resolve_form()}
    )
    assert response.status_code == 303
    # One mail: the resolution (its message is not mailed a second time as a reply).
    mail = await OutboxMail.get()
    assert mail.kind == "resolution"

    assert (await deliver(mail_settings)).sent == 1
    [received] = smtp_server.received
    assert received.message["Subject"] == f"Our answer on {item.reference}"
    text = received.text()
    assert "We have resolved this." in text
    assert GOOD_MESSAGE.splitlines()[1] in text
    [link] = received.links()
    assert link.endswith("#survey")
    client.cookies.clear()
    page = await client.get(urlsplit(link).path)
    survey = BeautifulSoup(page.text, "html.parser").find(id="survey")
    assert page.status_code == 200 and survey is not None
    assert survey.find("input", attrs={"name": "satisfaction"}) is not None
