"""The search index follows the database: new, edited and removed text (the triggers)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from feedback.conversation import add_customer_reply, add_staff_reply
from feedback.models import Customer, FeedbackItem, Message
from tests.triage.search_helpers import (
    NOW,
    both_strategies,  # noqa: F401 - a fixture
    found,
    make_item,
)

pytestmark = pytest.mark.usefixtures("both_strategies")


async def test_it_finds_a_message_added_later(db, agent) -> None:
    item = await make_item("Kettle", "The kettle leaks.")
    assert await found("limescale") == []

    await add_staff_reply(item, agent, "Could limescale be the cause?", now=NOW)
    await add_customer_reply(
        item, "No, there is no limescale at all.", now=NOW + timedelta(hours=1)
    )

    assert await found("limescale") == [item.reference]


async def test_it_finds_the_new_text_of_an_edited_message_and_not_the_old(db) -> None:
    item = await make_item("Kettle", "The kettle leaks.")
    message = await Message.get(item_id=item.id)

    message.body = "The kettle sparks when switched on."
    await message.save(update_fields=["body"])

    assert await found("sparks") == [item.reference]
    assert await found("leaks") == []


async def test_it_follows_a_changed_subject_and_customer_phone(db) -> None:
    item = await make_item("Kettle", "It is broken.", phone="0161 496 0000")
    await FeedbackItem.filter(id=item.id).update(subject="Toaster")
    await Customer.filter(id=item.customer_id).update(phone="0161 496 1111")

    assert await found("toaster") == [item.reference]
    assert await found("kettle") == []
    assert await found("496 1111") == [item.reference]
    assert await found("496 0000") == []


async def test_it_forgets_a_deleted_item(db) -> None:
    item = await make_item("Kettle", "Unique words: xylophone quartet.")
    assert await found("xylophone") == [item.reference]

    await Message.filter(item_id=item.id).delete()
    await FeedbackItem.filter(id=item.id).delete()

    assert await found("xylophone") == []
