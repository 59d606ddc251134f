"""Many mails at once through the SMTP listener: each stored, none lost or mixed up."""

from __future__ import annotations

import asyncio

from feedback.models import Customer, FeedbackItem, InboundMail, Message
from tests.mail.conftest import compose, send_to


async def test_it_stores_mails_arriving_at_the_same_time(mail_server) -> None:
    mails = [
        compose(f"Feedback {n}", f"Message number {n}.", sender=f"Customer {n} <c{n}@example.org>")
        for n in range(12)
    ]
    replies = await asyncio.gather(
        *(send_to(mail_server, mail, sender=f"c{n}@example.org") for n, mail in enumerate(mails))
    )
    assert all(reply.startswith("2.0.0 OK: new item") for _errors, reply in replies)
    assert await FeedbackItem.all().count() == 12 and await InboundMail.all().count() == 12
    for n in range(12):
        customer = await Customer.get(email=f"c{n}@example.org")
        item = await FeedbackItem.get(customer_id=customer.id)
        assert item.subject == f"Feedback {n}"
        assert (await Message.get(item_id=item.id)).body == f"Message number {n}."
