"""A reply that started from a saved reply is sent as any other; its use is counted once."""

from __future__ import annotations

import asyncio

from feedback.models import Message, OutboxMail, SavedReply
from feedback.saved_replies import record_use
from portal.clock import utcnow
from tests.conftest import csrf_from, sign_in
from tests.feedback.saved_reply_helpers import insert, make_item, make_reply, soup


async def _send(client, item, body: str, reply_id: str, **extra: str):
    token = csrf_from((await client.get(f"/staff/items/{item.id}")).text)
    return await client.post(
        f"/staff/items/{item.id}/reply",
        data={"csrf_token": token, "body": body, "saved_reply": reply_id, **extra},
    )


async def test_it_counts_a_sent_reply_once(client, agent) -> None:
    reply = await make_reply()
    item = await make_item(client)
    await sign_in(client, agent)
    # Inserting is not using: nothing is counted yet.
    await client.get(f"/staff/items/{item.id}?saved_reply={reply.id}")
    await insert(client, item, reply.id)
    assert (await SavedReply.get(id=reply.id)).use_count == 0
    response = await _send(client, item, "Hi Jo, edited refund text. Ana", str(reply.id))
    assert response.status_code == 303
    saved = await SavedReply.get(id=reply.id)
    assert saved.use_count == 1 and saved.last_used_at is not None
    message = await Message.filter(item_id=item.id, author_kind="staff").get()
    assert message.body == "Hi Jo, edited refund text. Ana" and not message.is_internal
    assert await OutboxMail.filter(kind="staff_reply", item_id=item.id).count() == 1
    # A second reply without it does not count it again.
    await _send(client, item, "Another reply", "")
    assert (await SavedReply.get(id=reply.id)).use_count == 1


async def test_it_counts_an_internal_note_too(client, agent) -> None:
    reply = await make_reply(body="Escalated to the courier, waiting for {reference}.")
    item = await make_item(client)
    await sign_in(client, agent)
    response = await _send(client, item, "Escalated to the courier.", str(reply.id), internal="on")
    assert response.status_code == 303
    assert (await SavedReply.get(id=reply.id)).use_count == 1
    assert await Message.filter(item_id=item.id, is_internal=True).count() == 1
    assert await OutboxMail.filter(kind="staff_reply").count() == 0


async def test_it_does_not_count_a_reply_that_was_not_sent(client, agent) -> None:
    reply = await make_reply()
    item = await make_item(client)
    await sign_in(client, agent)
    response = await _send(client, item, "   ", str(reply.id))
    assert response.status_code == 422
    page = soup(response)
    assert page.find(id="body-error") is not None
    assert page.find(id="saved-reply-used")["value"] == str(reply.id)  # kept for the retry
    assert (await SavedReply.get(id=reply.id)).use_count == 0


async def test_it_refuses_to_send_an_unfilled_gap(client, agent) -> None:
    reply = await make_reply()
    item = await make_item(client, order_reference="")
    await sign_in(client, agent)
    text = "Hi Jo, refunds for [order reference] reach your card in 5 working days. Ana"
    response = await _send(client, item, text, str(reply.id))
    assert response.status_code == 422
    page = soup(response)
    assert "[order reference]" in page.find(id="body-error").text
    assert page.find(id="body").text == text
    assert await Message.filter(item_id=item.id, author_kind="staff").count() == 0
    assert (await SavedReply.get(id=reply.id)).use_count == 0
    response = await _send(client, item, text.replace("[order reference]", "A-7"), str(reply.id))
    assert response.status_code == 303
    assert (await SavedReply.get(id=reply.id)).use_count == 1


async def test_it_ignores_a_reply_id_it_may_not_use(client, agent) -> None:
    off = await make_reply(is_active=False)
    item = await make_item(client)
    await sign_in(client, agent)
    for reply_id in (str(off.id), "999999", "x"):
        response = await _send(client, item, "Sent anyway", reply_id)
        assert response.status_code == 303
    assert (await SavedReply.get(id=off.id)).use_count == 0
    assert await Message.filter(item_id=item.id, author_kind="staff").count() == 3


async def test_it_counts_every_one_of_many_sends_at_once(db) -> None:
    reply = await make_reply()
    now = utcnow()
    await asyncio.gather(*(record_use(reply.id, now=now) for _ in range(20)))
    assert (await SavedReply.get(id=reply.id)).use_count == 20
