"""Limits: query length, number of words, short queries, the result count cap."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.triage.search_helpers import (
    both_strategies,  # noqa: F401 - a fixture
    find,
    make_item,
    search_page,
    soup,
)
from triage.search import MAX_QUERY_LENGTH, MAX_TERMS, parse_search, search

pytestmark = pytest.mark.usefixtures("both_strategies")


async def test_it_refuses_a_query_that_is_too_long_and_says_why(client, db, agent) -> None:
    await make_item("Parcel late", "a" * 300)
    await sign_in(client, agent)

    response = await search_page(client, q="a" * (MAX_QUERY_LENGTH + 1))

    assert response.status_code == 422
    page = soup(response.text)
    error = page.select_one("#search-error")
    assert error is not None and f"limited to {MAX_QUERY_LENGTH} characters" in error.get_text()
    assert page.select("li.search-hit") == []
    assert len(page.select_one("#search-q")["value"]) == MAX_QUERY_LENGTH


async def test_it_refuses_too_many_words(db) -> None:
    query = parse_search({"q": " ".join(f"word{n}" for n in range(MAX_TERMS + 1))})

    assert query.error.startswith(f"Use at most {MAX_TERMS} words")
    assert (await search(query)).hits == []


async def test_it_says_short_queries_search_only_the_short_fields(client, db, agent) -> None:
    # "é": never in a random reference (FB-7K3Q9A), which "tv" could be part of.
    subject = await make_item("Télé cassée", "L'écran clignote.")
    await make_item("Radio", "Ma télé et ma radio grésillent.", email="kim@example.com")
    await sign_in(client, agent)

    response = await search_page(client, q="té")

    page = soup(response.text)
    assert [row["id"] for row in page.select("li.search-hit")] == [f"hit-{subject.id}"]
    assert "Messages and notes were not searched" in page.select_one("#search-summary").get_text()


async def test_it_uses_a_short_word_to_narrow_a_longer_one(db) -> None:
    both = await make_item("Screen", "My TV screen flickers.")
    await make_item("Screen", "The laptop screen flickers.", email="kim@example.com")

    assert [hit.item.id for hit in (await find("tv flickers")).hits] == [both.id]


async def test_it_caps_the_count_and_asks_to_narrow(db) -> None:
    for n in range(4):
        await make_item(f"Kettle {n}", "The kettle leaks.", email=f"c{n}@example.com")

    results = await search(parse_search({"q": "kettle"}), page_size=2, cap=3)

    assert results.capped and results.total == 4
    assert len(results.hits) == 2 and results.next_after == results.hits[-1].item.id


async def test_it_ignores_a_nul_character_in_the_query(client, db, agent) -> None:
    item = await make_item("Kettle", "The kettle leaks.")
    await sign_in(client, agent)

    response = await search_page(client, q="ket\x00tle")

    assert response.status_code == 200
    assert [row["id"] for row in soup(response.text).select("li.search-hit")] == [f"hit-{item.id}"]
