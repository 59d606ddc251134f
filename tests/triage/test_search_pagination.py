"""Results come newest activity first, in pages joined by a "More results" link (keyset)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from feedback.conversation import add_customer_reply
from tests.conftest import sign_in
from tests.triage.search_helpers import (
    NOW,
    both_strategies,  # noqa: F401 - a fixture
    hit_references,
    make_item,
    search_page,
    soup,
)
from triage.search import PAGE_SIZE, parse_search, search

pytestmark = pytest.mark.usefixtures("both_strategies")


async def test_it_orders_by_latest_activity_and_pages_without_gaps(db) -> None:
    items = [
        await make_item(
            f"Kettle {n}",
            "The kettle leaks.",
            email=f"c{n}@example.com",
            now=NOW + timedelta(minutes=n),
        )
        for n in range(7)
    ]
    # New activity on the oldest item brings it to the top.
    await add_customer_reply(items[0], "Still leaking.", now=NOW + timedelta(hours=2))
    expected = [items[0].id, *(item.id for item in reversed(items[1:]))]

    seen: list[int] = []
    after: str | None = None
    for _ in range(4):
        params = {"q": "kettle", **({"after": after} if after else {})}
        results = await search(parse_search(params), page_size=3)
        seen += [hit.item.id for hit in results.hits]
        if results.next_after is None:
            break
        after = str(results.next_after)

    assert seen == expected


async def test_it_links_to_more_results_and_htmx_gets_only_the_next_rows(client, db, agent) -> None:
    for n in range(PAGE_SIZE + 2):
        await make_item(
            f"Kettle {n}",
            "The kettle leaks.",
            email=f"c{n}@example.com",
            now=NOW + timedelta(minutes=n),
        )
    await sign_in(client, agent)

    first = soup((await search_page(client, q="kettle")).text)
    assert len(first.select("li.search-hit")) == PAGE_SIZE
    assert (
        first.select_one("#search-summary")
        .get_text(strip=True)
        .startswith(f"{PAGE_SIZE + 2} items match")
    )
    more = first.select_one("#search-more a")
    assert more["hx-target"] == "#search-more" and more["hx-swap"] == "outerHTML"

    rows = await client.get(more["hx-get"], headers={"HX-Request": "true"})
    plain = await client.get(more["href"])

    assert rows.status_code == plain.status_code == 200
    assert soup(rows.text).find("html") is None
    assert "HX-Request" in rows.headers["vary"] and "HX-Request" in plain.headers["vary"]
    assert len(hit_references(rows.text)) == 2
    assert hit_references(plain.text) == hit_references(rows.text)
    assert not set(hit_references(rows.text)) & {
        a.get_text(strip=True) for a in first.select("li.search-hit a.reference")
    }
    assert soup(rows.text).select_one("#search-more") is None
