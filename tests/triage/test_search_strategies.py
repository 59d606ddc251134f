""" "auto" walks the items newest first when matches are common, and falls back to the index
when the walk ends short: the results are the index's either way."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.triage.search_helpers import NOW, make_item
from triage import search as search_module
from triage.search import parse_search, search


async def _ids(q: str, strategy: str, size: int) -> list[int]:
    results = await search(parse_search({"q": q}), page_size=size, cap=size, strategy=strategy)
    return [hit.item.id for hit in results.hits]


async def test_it_walks_when_recent_items_mostly_match(db, monkeypatch) -> None:
    monkeypatch.setattr(search_module, "SAMPLE_ITEMS", 5)
    for n in range(12):
        await make_item(
            f"Kettle {n}",
            "The kettle leaks.",
            email=f"c{n}@example.com",
            now=NOW + timedelta(minutes=n),
        )
    walked: list[str] = []
    choose = search_module._choose

    async def spy(*args):
        choice = await choose(*args)
        walked.append(choice[0])
        return choice

    monkeypatch.setattr(search_module, "_choose", spy)

    assert await _ids("kettle", "auto", 3) == await _ids("kettle", "index", 3)
    assert walked == ["walk"]


@pytest.mark.parametrize("size", [2, 5])
async def test_it_falls_back_to_the_index_when_the_walk_ends_short(db, monkeypatch, size) -> None:
    monkeypatch.setattr(search_module, "SAMPLE_ITEMS", 4)
    old = await make_item("Toaster", "The toaster smokes.", email="old@example.com", now=NOW)
    for n in range(20):
        await make_item(
            f"Lamp {n}",
            "The lamp flickers.",
            email=f"l{n}@example.com",
            now=NOW + timedelta(hours=1, minutes=n),
        )
    for n in range(4):
        await make_item(
            f"Toaster {n}",
            "The toaster smokes.",
            email=f"t{n}@example.com",
            now=NOW + timedelta(hours=2, minutes=n),
        )

    found = await _ids("toaster", "auto", size)

    assert found == await _ids("toaster", "index", size)
    assert (old.id in found) == (size == 5)
