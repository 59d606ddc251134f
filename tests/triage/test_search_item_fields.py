"""Search finds items by subject, reference and order number."""

from __future__ import annotations

import pytest

from tests.triage.search_helpers import (
    both_strategies,  # noqa: F401 - a fixture
    find,
    found,
    make_item,
)

pytestmark = pytest.mark.usefixtures("both_strategies")


async def test_it_finds_a_word_in_the_subject(db) -> None:
    item = await make_item("Scratched dishwasher door", "It arrived like that.")
    await make_item("Parcel late", "Where is it?", email="kim@example.com")

    results = await find("dishwasher")

    assert [hit.item.id for hit in results.hits] == [item.id]
    assert results.hits[0].source == "subject"
    assert [t for t, is_match in results.hits[0].snippet if is_match] == ["dishwasher"]


async def test_it_finds_the_reference_in_any_case(db) -> None:
    item = await make_item("Parcel late", "Where is it?")
    await make_item("Another", "Something else.", email="kim@example.com")

    assert await found(item.reference.lower()) == [item.reference]


async def test_it_finds_everything_mentioning_an_order_number(db) -> None:
    on_item = await make_item("Wrong colour", "I wanted blue.", order_reference="A-7731")
    in_text = await make_item("Refund", "Refund for order A-7731 please.", email="kim@example.com")
    await make_item("Other order", "Order A-7732 is fine.", email="lee@example.com")

    results = await find("A-7731")

    assert {hit.item.reference for hit in results.hits} == {
        on_item.reference,
        in_text.reference,
    }
    sources = {hit.item.reference: hit.source for hit in results.hits}
    assert sources == {on_item.reference: "order", in_text.reference: "message"}


async def test_it_treats_like_wildcards_as_plain_characters(db) -> None:
    item = await make_item("Discount 100% off", "A 100% discount was promised.")
    await make_item("Discount 1000 off", "A 1000 discount.", email="kim@example.com")

    assert await found("100%") == [item.reference]
    assert await found("0%") == [item.reference]  # a short term, the short fields only
