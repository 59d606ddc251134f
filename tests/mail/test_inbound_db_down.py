"""While the database fails, the SMTP listener answers 451 so the sending server retries,
and a mail that failed half-way left nothing behind (one transaction per mail)."""

from __future__ import annotations

import aiosmtplib
import pytest
from tortoise import Tortoise

from feedback.models import Customer, FeedbackItem, InboundMail, Message
from tests.mail.conftest import compose, send_to


async def test_it_answers_451_while_the_database_fails(mail_server) -> None:
    connection = Tortoise.get_connection("default")
    # The audit trail is written after the customer, the item and its message: failing
    # there shows that none of those is kept.
    await connection.execute_script("ALTER TABLE event RENAME TO event_away")
    try:
        with pytest.raises(aiosmtplib.SMTPResponseException) as refused:
            await send_to(mail_server, compose(message_id="<retry.1@example.org>"))
        assert refused.value.code == 451
    finally:
        await connection.execute_script("ALTER TABLE event_away RENAME TO event")
    assert await FeedbackItem.all().count() == 0  # nothing half-written
    assert await Customer.all().count() == 0 and await Message.all().count() == 0
    assert await InboundMail.all().count() == 0

    errors, reply = await send_to(mail_server, compose(message_id="<retry.1@example.org>"))
    assert errors == {} and reply.startswith("2.0.0 OK: new item")
    assert await InboundMail.all().count() == 1
