"""Without a token, a reply is matched by In-Reply-To/References to the mails we sent."""

from __future__ import annotations

from feedback.models import FeedbackItem, InboundMail, InboundOutcome, Message, OutboxMail
from tests.mail.conftest import INBOUND, compose, send_to


async def test_it_threads_by_in_reply_to(mail_server) -> None:
    await send_to(mail_server, compose("Parcel late", "My parcel is late."))
    item = await FeedbackItem.get()
    sent = await OutboxMail.get(item_id=item.id)
    sent.message_id = "<outbox.1.abc@example.test>"  # as the sender stores it when sending
    await sent.save(update_fields=["message_id"])

    await send_to(
        mail_server,
        compose(
            "Re: We received your message",
            "Any news?",
            to=INBOUND,  # the plain address: the token was lost on the way
            headers={"In-Reply-To": sent.message_id, "References": sent.message_id},
        ),
    )
    assert await FeedbackItem.all().count() == 1
    last = await Message.filter(item_id=item.id).order_by("-id").first()
    assert last is not None and last.body == "Any news?"
    row = await InboundMail.filter(outcome=InboundOutcome.THREADED).get()
    assert row.reason == "matched by In-Reply-To/References"


async def test_it_threads_a_follow_up_to_the_senders_own_first_mail(mail_server) -> None:
    first = compose("Parcel late", "My parcel is late.", message_id="<first.1@example.org>")
    await send_to(mail_server, first)
    item = await FeedbackItem.get()
    await send_to(
        mail_server,
        compose(
            "Re: Parcel late",
            "Forgot: order A-1001.",
            headers={"References": "<first.1@example.org>"},
        ),
    )
    assert await FeedbackItem.all().count() == 1
    assert await Message.filter(item_id=item.id).count() == 2


async def test_it_never_threads_someone_elses_first_mail(mail_server) -> None:
    await send_to(mail_server, compose("Parcel late", "Late.", message_id="<first.2@example.org>"))
    await send_to(
        mail_server,
        compose(
            "Re: Parcel late",
            "Me too.",
            sender="Other <other@example.net>",
            headers={"References": "<first.2@example.org>"},
        ),
        sender="other@example.net",
    )
    assert await FeedbackItem.all().count() == 2


async def test_it_ignores_references_to_staff_mails(mail_server) -> None:
    await send_to(mail_server, compose("Parcel late", "Late."))
    item = await FeedbackItem.get()
    await OutboxMail.create(
        kind="staff_warning",
        item=item,
        to_address="ana@example.test",
        subject="Due soon",
        body_text="x",
        next_attempt_at=item.created_at,
        created_at=item.created_at,
        message_id="<staff.1@example.test>",
    )
    await send_to(
        mail_server,
        compose(
            "Re: Due soon",
            "Replying to a staff alert.",
            headers={"In-Reply-To": "<staff.1@example.test>"},
        ),
    )
    assert await FeedbackItem.all().count() == 2
