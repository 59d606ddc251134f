"""A reply is held back when others wrote on the item after the page showed it.

Two reps answering the same question twice, or a rep promising what a colleague's internal
note just withdrew, is what this guards against. The reply form carries the id of the newest
message it showed (`last_seen_message`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from bs4 import BeautifulSoup

from feedback.conversation import add_customer_reply, add_staff_reply, messages_written_since
from feedback.models import FeedbackItem, Message
from tests.conftest import sign_in, submit

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


async def _open_item(client, agent) -> tuple[FeedbackItem, dict[str, str]]:
    """Submit feedback, sign in and read the item page's reply form as the browser would."""
    await submit(client)
    item = await FeedbackItem.get().select_related("customer")
    await sign_in(client, agent)
    page = BeautifulSoup((await client.get(f"/staff/items/{item.id}")).text, "html.parser")
    form = page.find("form", id="reply")
    fields = {field["name"]: field.get("value", "") for field in form.find_all("input")}
    fields.pop("internal", None)
    return item, fields


async def test_it_sends_the_newest_message_id_with_the_form(client, agent) -> None:
    item, fields = await _open_item(client, agent)
    newest = await Message.filter(item_id=item.id).order_by("-id").first()
    assert fields["last_seen_message"] == str(newest.id)


async def test_it_sends_when_nothing_new_arrived(client, agent) -> None:
    item, fields = await _open_item(client, agent)
    response = await client.post(
        f"/staff/items/{item.id}/reply", data={**fields, "body": "We are on it."}
    )
    assert response.status_code == 303
    assert await Message.filter(item_id=item.id, body="We are on it.").exists()


async def test_it_holds_a_reply_back_when_the_customer_wrote_meanwhile(client, agent) -> None:
    item, fields = await _open_item(client, agent)
    customer_reply = await add_customer_reply(item, "Never mind, it arrived today.", now=NOW)

    response = await client.post(
        f"/staff/items/{item.id}/reply", data={**fields, "body": "Refund on its way."}
    )

    assert response.status_code == 409
    assert not await Message.filter(body="Refund on its way.").exists()
    page = BeautifulSoup(response.text, "html.parser")
    assert page.find("textarea", id="body").text == "Refund on its way."
    error = page.find(id="body-error").text
    assert item.customer.name in error and "a message" in error
    new = page.select("li.message.new")
    assert [li["id"] for li in new] == [f"message-{customer_reply.id}"]
    # The re-shown form has now seen that message: pressing Send again sends.
    again = {
        field["name"]: field.get("value", "")
        for field in page.find("form", id="reply").find_all("input")
    }
    again.pop("internal", None)
    assert again["last_seen_message"] == str(customer_reply.id)
    response = await client.post(
        f"/staff/items/{item.id}/reply", data={**again, "body": "Glad it arrived!"}
    )
    assert response.status_code == 303
    assert await Message.filter(body="Glad it arrived!").exists()


async def test_it_names_a_colleague_who_wrote_a_note_meanwhile(client, agent, teammate) -> None:
    item, fields = await _open_item(client, agent)
    await add_staff_reply(
        item, teammate, "No refunds on this order, see policy.", now=NOW, internal=True
    )
    await add_staff_reply(item, teammate, "Hello, I am looking into it.", now=NOW)

    response = await client.post(
        f"/staff/items/{item.id}/reply",
        data={**fields, "body": "Refund on its way.", "internal": "on"},
    )

    assert response.status_code == 409
    error = BeautifulSoup(response.text, "html.parser").find(id="body-error").text
    assert teammate.name in error and "2 messages" in error
    assert await Message.filter(item_id=item.id).count() == 3


async def test_it_ignores_the_senders_own_messages(client, agent) -> None:
    item, fields = await _open_item(client, agent)
    # Sent from another tab by the same rep: nothing they have not read.
    await add_staff_reply(item, agent, "First answer from my other tab.", now=NOW)
    response = await client.post(
        f"/staff/items/{item.id}/reply", data={**fields, "body": "And a second thought."}
    )
    assert response.status_code == 303


async def test_it_sends_a_form_without_the_field_as_before(client, agent) -> None:
    item, fields = await _open_item(client, agent)
    await add_customer_reply(item, "Any news?", now=NOW)
    del fields["last_seen_message"]
    response = await client.post(
        f"/staff/items/{item.id}/reply", data={**fields, "body": "Yes: shipped."}
    )
    assert response.status_code == 303


async def test_it_finds_only_later_messages_by_others(db, agent, teammate, client) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    first = await Message.get(item_id=item.id)
    mine = await add_staff_reply(item, agent, "Mine.", now=NOW, internal=True)
    theirs = await add_staff_reply(item, teammate, "Theirs.", now=NOW, internal=True)
    customer = await add_customer_reply(item, "The customer's.", now=NOW)
    found = await messages_written_since(item, first.id, agent)
    assert [m.id for m in found] == [theirs.id, customer.id]
    assert mine.id not in [m.id for m in await messages_written_since(item, 0, agent)]
    assert await messages_written_since(item, customer.id, agent) == []
