"""A sender whose mail program answers without auto-reply headers cannot open items (and
get a confirmation for each) without end: past the hourly limit, mails join their newest."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from feedback.inbound_mail import receive_mail
from feedback.models import FeedbackItem, InboundOutcome, Message, OutboxMail
from portal.clock import utcnow
from tests.mail.conftest import compose


async def test_it_adds_mail_past_the_hourly_limit_to_the_newest_item(inbound) -> None:
    config = dataclasses.replace(inbound, new_items_per_hour=2)
    now = utcnow()
    receipts = []
    for n in range(4):
        mail = compose(f"Automatic answer {n}", f"Thank you for your mail {n}.")
        receipts.append(await receive_mail(mail.as_bytes(), now=now, config=config))
    assert [r.outcome for r in receipts] == [
        InboundOutcome.NEW,
        InboundOutcome.NEW,
        InboundOutcome.THREADED,
        InboundOutcome.THREADED,
    ]
    assert receipts[2].reason == "matched by sender's mail rate"
    newest = await FeedbackItem.get(id=receipts[1].item_id)
    assert await Message.filter(item_id=newest.id).count() == 3
    assert await OutboxMail.filter(kind="confirmation").count() == 2  # no ping-pong

    later = compose("A real question", "Where is my order?")
    receipt = await receive_mail(later.as_bytes(), now=now + timedelta(hours=2), config=config)
    assert receipt.outcome == InboundOutcome.NEW  # the next hour starts afresh
