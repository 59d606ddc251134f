"""A hit in an item merged into another shows the item it was merged into."""

from __future__ import annotations

import pytest

from feedback.duplicates import merge_items
from tests.conftest import sign_in
from tests.triage.search_helpers import (
    NOW,
    both_strategies,  # noqa: F401 - a fixture
    find,
    hit_rows,
    make_item,
    search_page,
)

pytestmark = pytest.mark.usefixtures("both_strategies")


async def test_it_points_a_hit_in_a_merged_item_to_its_target(client, db, agent) -> None:
    target = await make_item("Parcel late", "My parcel is two weeks late.")
    source = await make_item("Parcel still late", "The courier left a note saying Gdansk depot.")
    await merge_items(source, target, staff=agent, now=NOW)

    results = await find("gdansk depot")

    assert [hit.item.id for hit in results.hits] == [target.id]
    assert results.hits[0].found_in == source.reference
    assert results.total == 1

    await sign_in(client, agent)
    rows = hit_rows((await search_page(client, q="gdansk depot")).text)
    assert [row["id"] for row in rows] == [f"hit-{target.id}"]
    assert source.reference in rows[0].select_one(".source").get_text()


async def test_it_shows_the_target_once_when_both_items_match(db, agent) -> None:
    target = await make_item("Blender broken", "The blender stopped.")
    source = await make_item("Blender still broken", "The blender smokes.")
    await merge_items(source, target, staff=agent, now=NOW)

    assert [hit.item.id for hit in (await find("blender")).hits] == [target.id]


async def test_it_follows_a_merge_of_a_merge(db, agent) -> None:
    first = await make_item("Parcel late", "The courier mentioned the Gdansk depot.")
    second = await make_item("Parcel late again", "Still waiting.")
    third = await make_item("Where is my parcel", "Three weeks now.")
    await merge_items(first, second, staff=agent, now=NOW)
    await merge_items(second, third, staff=agent, now=NOW)

    assert [hit.item.id for hit in (await find("gdansk")).hits] == [third.id]
