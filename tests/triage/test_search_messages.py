"""Search finds what customers and staff wrote: public messages and internal notes."""

from __future__ import annotations

import pytest

from feedback.conversation import add_staff_reply
from tests.conftest import sign_in
from tests.triage.search_helpers import (
    NOW,
    both_strategies,  # noqa: F401 - a fixture
    find,
    found,
    hit_rows,
    make_item,
    search_page,
)

pytestmark = pytest.mark.usefixtures("both_strategies")


async def test_it_finds_a_word_in_the_customers_message(db) -> None:
    fire = await make_item("Broken blender", "The blender caught fire on the second day!")
    await make_item("Parcel late", "Still waiting for the kettle.", email="kim@example.com")

    assert await found("fire") == [fire.reference]
    assert await found("CAUGHT FIRE") == [fire.reference]  # any case
    assert await found("blend") == [fire.reference]  # part of a word


async def test_it_needs_every_word_in_the_same_message(db) -> None:
    both = await make_item("Noise", "The fridge hums all night and the door rattles.")
    await make_item("Other", "The fridge is fine.", email="kim@example.com")

    assert await found("fridge rattles") == [both.reference]
    assert await found('"door rattles"') == [both.reference]
    assert await found('"rattles door"') == []


async def test_it_finds_an_internal_note_and_says_so(db, agent) -> None:
    item = await make_item("Refund", "Please refund my order.")
    await add_staff_reply(
        item, agent, "Customer threatened legal action, escalate to Priya.", now=NOW, internal=True
    )

    results = await find("legal action")

    assert [hit.item.id for hit in results.hits] == [item.id]
    assert results.hits[0].source == "note"
    assert [text for text, is_match in results.hits[0].snippet if is_match] == ["legal", "action"]


async def test_it_searches_only_notes_or_only_messages_when_asked(db, agent) -> None:
    item = await make_item("Returns", "What is the new returns policy?")
    await add_staff_reply(
        item, agent, "The new returns policy confuses everyone.", now=NOW, internal=True
    )
    other = await make_item(
        "Returns too", "I read the returns policy twice.", email="kim@example.com"
    )

    assert set(await found("returns policy", **{"in": "notes"})) == {item.reference}
    assert set(await found("returns policy", **{"in": "messages"})) == {
        item.reference,
        other.reference,
    }
    assert await found("confuses", **{"in": "messages"}) == []


async def test_it_shows_the_matching_staff_reply_on_the_page(client, db, agent) -> None:
    item = await make_item("Warranty", "Is the toaster covered?")
    await add_staff_reply(item, agent, "Yes, the toaster has a two-year warranty.", now=NOW)
    await sign_in(client, agent)

    response = await search_page(client, q="two-year warranty")

    assert response.status_code == 200
    rows = hit_rows(response.text)
    assert [row["id"] for row in rows] == [f"hit-{item.id}"]
    assert rows[0].select_one(".source").get_text(strip=True) == "in a staff reply:"
    assert [m.get_text() for m in rows[0].select("p.snippet mark")] == ["two-year", "warranty"]
