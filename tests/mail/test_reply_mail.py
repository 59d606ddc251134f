"""A public staff reply is mailed to the customer; an internal note never is."""

from __future__ import annotations

from urllib.parse import urlsplit

from feedback.models import FeedbackItem, OutboxMail
from tests.conftest import get_csrf, sign_in, submit
from tests.mail.conftest import deliver


async def _reply(client, item: FeedbackItem, body: str, *, internal: bool = False):
    token = await get_csrf(client, f"/staff/items/{item.id}")
    data = {"csrf_token": token, "body": body}
    if internal:
        data["internal"] = "on"
    response = await client.post(f"/staff/items/{item.id}/reply", data=data)
    assert response.status_code == 303
    return response


async def test_it_mails_no_internal_note(client, agent, mail_settings, smtp_server) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    await OutboxMail.filter(kind="confirmation").delete()
    await sign_in(client, agent)
    await _reply(client, item, "Customer sounds upset; check the courier first.", internal=True)
    assert await OutboxMail.all().count() == 0
    assert (await deliver(mail_settings)).sent == 0
    assert smtp_server.received == []


async def test_it_mails_a_public_reply_with_the_tracking_link(
    client, agent, mail_settings, smtp_server
) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    await OutboxMail.filter(kind="confirmation").delete()
    await sign_in(client, agent)
    await _reply(client, item, "Sorry, Jo — a refund is on its way <today>.")
    mail = await OutboxMail.get()
    assert mail.kind == "staff_reply" and mail.item_id == item.id  # type: ignore[attr-defined]
    assert (await deliver(mail_settings)).sent == 1
    [received] = smtp_server.received
    assert received.message["Subject"] == f"You have a reply on {item.reference}"
    assert "Sorry, Jo — a refund is on its way <today>." in received.text()
    assert "Ana answered your message" in received.text()
    assert "a refund is on its way &lt;today&gt;." in received.html()  # escaped in HTML
    assert "<today>" not in received.html()
    [link] = received.links()
    client.cookies.clear()
    page = await client.get(urlsplit(link).path)
    assert page.status_code == 200 and "a refund is on its way" in page.text
