"""A reply to the signed Reply-To address lands on its item, like a tracking-page reply."""

from __future__ import annotations

from feedback.conversation import change_status
from feedback.models import (
    AuthorKind,
    Event,
    FeedbackItem,
    InboundMail,
    InboundOutcome,
    Message,
    Status,
)
from portal.clock import utcnow
from tests.mail.conftest import compose, send_to


async def _item_by_mail(mail_server) -> FeedbackItem:
    await send_to(mail_server, compose("Parcel late", "My parcel is late. Where is it?"))
    return await FeedbackItem.get()


async def test_it_resumes_a_waiting_item(mail_server, inbound) -> None:
    item = await _item_by_mail(mail_server)
    await change_status(item, Status.WAITING_ON_CUSTOMER, now=utcnow())
    reply_to = inbound.reply_address.for_item(item.id)
    assert reply_to.startswith("support+") and reply_to.endswith("@example.test")

    errors, reply = await send_to(
        mail_server,
        compose("Re: Parcel late", "It finally arrived today, thank you so much!", to=reply_to),
        recipients=[reply_to],
    )
    assert errors == {} and reply == f"2.0.0 OK: added to {item.reference}"

    await item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS
    assert await FeedbackItem.all().count() == 1
    messages = await Message.filter(item_id=item.id).order_by("id")
    assert [m.author_kind for m in messages] == [AuthorKind.CUSTOMER, AuthorKind.CUSTOMER]
    assert messages[1].body == "It finally arrived today, thank you so much!"
    assert messages[1].sentiment_label == "positive"  # scored like a tracking-page reply
    actions = [e.action for e in await Event.filter(item_id=item.id)]
    assert "customer_reply" in actions
    received = await Event.filter(item_id=item.id, action="mail_received").order_by("-id").first()
    assert received is not None and received.detail == "reply by e-mail, matched by address token"
    row = await InboundMail.filter(outcome=InboundOutcome.THREADED).get()
    assert row.item_id == item.id and row.added_message_id == messages[1].id  # type: ignore[attr-defined]


async def test_it_reopens_a_resolved_item_within_the_window(mail_server, inbound) -> None:
    item = await _item_by_mail(mail_server)
    await change_status(item, Status.RESOLVED, now=utcnow())
    reply_to = inbound.reply_address.for_item(item.id)
    await send_to(mail_server, compose("Re: Parcel late", "No, it is still not here.", to=reply_to))
    await item.refresh_from_db()
    assert item.status == Status.IN_PROGRESS and item.reopen_count == 1
    assert await Event.filter(item_id=item.id, action="reopened").count() == 1


async def test_it_notes_a_sender_who_is_not_the_customer(mail_server, inbound) -> None:
    item = await _item_by_mail(mail_server)
    reply_to = inbound.reply_address.for_item(item.id)
    await send_to(
        mail_server,
        compose(
            "Re: Parcel late",
            "I am Kim's partner; the parcel came.",
            sender="Lee Partner <partner@example.net>",
            to=reply_to,
        ),
        sender="partner@example.net",
    )
    assert await FeedbackItem.all().count() == 1  # the token is the secret: accepted
    assert await Message.filter(item_id=item.id).count() == 2
    received = await Event.filter(item_id=item.id, action="mail_received").order_by("-id").first()
    assert received is not None
    assert "sent from partner@example.net, not the customer's address" in received.detail


async def test_it_makes_a_new_item_for_a_reply_to_a_closed_one(mail_server, inbound) -> None:
    item = await _item_by_mail(mail_server)
    await change_status(item, Status.CLOSED, now=utcnow())
    reply_to = inbound.reply_address.for_item(item.id)
    await send_to(mail_server, compose("Re: Parcel late", "Another problem now.", to=reply_to))
    assert await Message.filter(item_id=item.id).count() == 1
    new = await FeedbackItem.exclude(id=item.id).get()
    row = await InboundMail.get(item_id=new.id)
    assert row.outcome == InboundOutcome.NEW
    assert row.reason == f"a reply to {item.reference}, which is closed for replies"
