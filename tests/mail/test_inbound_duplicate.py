"""The same Message-ID delivered twice makes one message (a unique constraint, not a check)."""

from __future__ import annotations

import asyncio

from feedback.inbound_mail import receive_mail
from feedback.models import FeedbackItem, InboundMail, Message
from portal.clock import utcnow
from tests.mail.conftest import compose, send_to


async def test_it_stores_a_redelivered_mail_once(mail_server) -> None:
    mail = compose(message_id="<same.1@example.org>")
    await send_to(mail_server, mail)
    errors, reply = await send_to(mail_server, mail)
    assert errors == {} and reply == "2.0.0 OK: duplicate: already received"
    assert await FeedbackItem.all().count() == 1
    assert await Message.all().count() == 1
    assert await InboundMail.all().count() == 1


async def test_it_stores_two_simultaneous_deliveries_once(inbound) -> None:
    raw = compose(message_id="<same.2@example.org>").as_bytes()
    receipts = await asyncio.gather(
        *(receive_mail(raw, now=utcnow(), config=inbound) for _ in range(3))
    )
    assert sorted(r.duplicate for r in receipts) == [False, True, True]
    assert await FeedbackItem.all().count() == 1 and await Message.all().count() == 1


async def test_it_tells_mails_without_a_message_id_apart_by_content(inbound) -> None:
    first = compose("One", "First text.")
    del first["Message-ID"]
    second = compose("Two", "Second text.")
    del second["Message-ID"]
    for mail in (first, second, first):
        await receive_mail(mail.as_bytes(), now=utcnow(), config=inbound)
    assert await FeedbackItem.all().count() == 2
