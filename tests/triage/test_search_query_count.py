"""No N+1: the search page runs as many queries for many results as for a few."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.portal.test_query_counts import counting
from tests.triage.search_helpers import (
    both_strategies,  # noqa: F401 - a fixture
    hit_rows,
    make_item,
    search_page,
)

pytestmark = pytest.mark.usefixtures("both_strategies")


async def _statements(client, q: str) -> list[str]:  # type: ignore[no-untyped-def]
    with counting() as counter:
        response = await search_page(client, q=q)
    assert response.status_code == 200
    return [statement.split(": [")[0] for statement in counter.statements]


async def test_it_runs_no_more_queries_for_more_results(client, db, agent) -> None:
    await make_item("Kettle 0", "The kettle leaks.", email="c0@example.com")
    await sign_in(client, agent)
    few = await _statements(client, "kettle")

    for n in range(1, 12):
        await make_item(f"Kettle {n}", "The kettle leaks.", email=f"c{n}@example.com")
    many = await _statements(client, "kettle")

    assert len(hit_rows((await search_page(client, q="kettle")).text)) == 12
    assert len(many) == len(few), "\n".join(many)
