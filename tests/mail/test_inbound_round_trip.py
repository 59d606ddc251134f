"""Round trip: a staff reply is mailed with a Reply-To; the customer's mail reply comes back
through the portal's SMTP listener onto the item and the customer's tracking page."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from feedback.models import FeedbackItem, InboundMail, InboundOutcome, OutboxMail
from tests.conftest import get_csrf, sign_in, submit
from tests.mail.conftest import deliver, send_to, with_smtp


def _answer(received: EmailMessage, text: str) -> EmailMessage:
    """What a mail program makes of "Reply": our mail quoted under the customer's text."""
    original = received.get_body(preferencelist=("plain",)).get_content()  # type: ignore[union-attr]
    quoted = "\n".join(f"> {line}" for line in original.splitlines())
    reply = EmailMessage()
    reply["From"] = "Jo Park <jo.park@example.com>"
    reply["To"] = received["Reply-To"]
    reply["Subject"] = f"Re: {received['Subject']}"
    reply["In-Reply-To"] = received["Message-ID"]
    reply["References"] = received["Message-ID"]
    reply.set_content(f"{text}\n\nOn Mon, Customer care <care@example.test> wrote:\n{quoted}\n")
    return reply


async def test_it_brings_a_mail_reply_back_to_the_conversation(
    client, agent, inbound_settings, smtp_server, mail_server
) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    await OutboxMail.filter(kind="confirmation").delete()
    await sign_in(client, agent)
    token = await get_csrf(client, f"/staff/items/{item.id}")
    posted = await client.post(
        f"/staff/items/{item.id}/reply",
        data={"csrf_token": token, "body": "Sorry, Jo. Could you send us the order number?"},
    )
    assert posted.status_code == 303

    sending = with_smtp(inbound_settings, smtp_server.port)
    assert (await deliver(sending)).sent == 1
    [received] = smtp_server.received
    reply_to = received.message["Reply-To"]
    assert reply_to.startswith("support+") and reply_to.endswith("@example.test")
    stored = await OutboxMail.get(kind="staff_reply")
    assert received.message["Message-ID"] == stored.message_id
    assert received.text().startswith("##- Please type your reply above this line -##")

    answer = "The order number is A-1001. Thanks for the quick answer!"
    errors, response = await send_to(
        mail_server,
        _answer(received.message, answer),
        sender="jo.park@example.com",
        recipients=[reply_to],
    )
    assert errors == {} and response == f"2.0.0 OK: added to {item.reference}"
    assert (await InboundMail.get()).outcome == InboundOutcome.THREADED

    staff_page = BeautifulSoup((await client.get(f"/staff/items/{item.id}")).text, "html.parser")
    assert answer in staff_page.get_text()
    assert "Please type your reply" not in staff_page.get_text()

    [link] = received.links()
    client.cookies.clear()
    tracking = await client.get(urlsplit(link).path)
    assert tracking.status_code == 200
    page_text = BeautifulSoup(tracking.text, "html.parser").get_text()
    assert answer in page_text
    assert "Could you send us the order number?" in page_text
