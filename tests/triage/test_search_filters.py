"""Filters: open or closed items, and the kind of feedback."""

from __future__ import annotations

import pytest

from feedback.conversation import change_status
from feedback.models import Status
from tests.triage.search_helpers import (
    NOW,
    both_strategies,  # noqa: F401 - a fixture
    found,
    make_item,
)

pytestmark = pytest.mark.usefixtures("both_strategies")


async def test_it_filters_by_open_or_closed(db) -> None:
    still_open = await make_item("Kettle", "The kettle leaks.")
    closed = await make_item("Kettle again", "The kettle leaks too.", email="kim@example.com")
    await change_status(closed, Status.RESOLVED, now=NOW)

    assert await found("kettle", status="open") == [still_open.reference]
    assert await found("kettle", status="closed") == [closed.reference]
    assert set(await found("kettle")) == {still_open.reference, closed.reference}


async def test_it_filters_by_kind(db) -> None:
    praise = await make_item("Kettle", "Lovely kettle.", kind="praise")
    await make_item("Kettle", "The kettle leaks.", kind="complaint", email="kim@example.com")

    assert await found("kettle", kind="praise") == [praise.reference]


async def test_it_ignores_unknown_filter_values(db) -> None:
    item = await make_item("Kettle", "The kettle leaks.")

    assert await found("kettle", status="bogus", kind="nope", **{"in": "x"}) == [item.reference]
