"""No N+1 queries: every list page runs as many queries for many rows as for a few.

Each page is loaded with a few items behind it, then again after more items (with messages,
owners and customers of their own) were added; the number of SQL statements must not grow.
Statements are counted from Tortoise's own query log (`tortoise.db_client` at DEBUG).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import httpx
import pytest

from feedback.conversation import add_customer_reply, add_staff_reply
from feedback.models import Customer, FeedbackItem
from portal.models import StaffUser
from tests.conftest import sign_in, submit
from triage.actions import assign

NOW = datetime.now(UTC)


class _Counter(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.statements: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.statements.append(record.getMessage())


@contextmanager
def counting() -> Iterator[_Counter]:
    """Collect every SQL statement run inside the block."""
    counter = _Counter()
    logger = logging.getLogger("tortoise.db_client")
    old_level = logger.level
    logger.addHandler(counter)
    logger.setLevel(logging.DEBUG)
    try:
        yield counter
    finally:
        logger.removeHandler(counter)
        logger.setLevel(old_level)


async def add_items(client: httpx.AsyncClient, agent: StaffUser, start: int, count: int) -> None:
    """`count` complaints from new customers, each answered by the agent and the customer."""
    for n in range(start, start + count):
        response = await submit(
            client, email=f"customer{n}@example.com", subject=f"Complaint number {n}"
        )
        assert response.status_code == 303
        item = await FeedbackItem.get(subject=f"Complaint number {n}")
        await assign(item, agent, actor=agent, now=NOW)
        item = await FeedbackItem.get(id=item.id)
        await add_staff_reply(item, agent, f"Sorry about that, looking into it ({n}).", now=NOW)
        item = await FeedbackItem.get(id=item.id)
        await add_customer_reply(item, f"Thank you, waiting for news ({n}).", now=NOW)


async def statements_for(client: httpx.AsyncClient, path: str) -> list[str]:
    with counting() as counter:
        response = await client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    # Without the parameters, so the same statement for another row compares equal.
    return [statement.split(": [")[0] for statement in counter.statements]


async def pages(client: httpx.AsyncClient) -> dict[str, str]:
    """The list pages, and the pages of the first customer and item (which gain rows too)."""
    first = await FeedbackItem.filter(subject="Complaint number 0").first()
    assert first is not None
    customer = await Customer.get(id=first.customer_id)  # type: ignore[attr-defined]
    board = await client.get("/staff/board")
    assert board.status_code == 200
    return {
        "item list": "/staff/items",
        "board": "/staff/board",
        "board, my items": "/staff/board?owner=me",
        "notifications": "/staff/notifications",
        "follow-ups": "/staff/follow-ups",
        "customers at risk": "/staff/at-risk",
        "dashboard": "/manager",
        "drill-down": "/manager/items?figure=received",
        "customer history": f"/staff/customers/{customer.id}",
        "item page": f"/staff/items/{first.id}",
    }


@pytest.fixture
async def manager_client(client: httpx.AsyncClient, manager: StaffUser) -> httpx.AsyncClient:
    await sign_in(client, manager)
    return client


async def more_from_the_first_customer(client: httpx.AsyncClient, round_: int) -> None:
    """The first customer writes again and complains again: their pages gain rows."""
    first = await FeedbackItem.get(subject="Complaint number 0")
    for n in range(3):
        await add_customer_reply(first, f"Any news? ({round_}.{n})", now=NOW)
    response = await submit(
        client, email="customer0@example.com", subject=f"Complaint number 0, again {round_}"
    )
    assert response.status_code == 303


async def test_it_runs_no_more_queries_for_more_rows(
    client: httpx.AsyncClient, app, agent: StaffUser, manager: StaffUser
) -> None:
    # "Some" already has one of every kind of row (a repeat complaint, a possible duplicate,
    # a customer at risk), so a section appearing for the first time is not counted as growth.
    await add_items(client, agent, 0, 3)
    await more_from_the_first_customer(client, 1)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.9", 50001))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as staff:
        await sign_in(staff, manager)
        paths = await pages(staff)
        some = {name: await statements_for(staff, path) for name, path in paths.items()}
        at_risk = await staff.get("/staff/at-risk")
        assert "/staff/customers/" in at_risk.text, "the at-risk list should not be empty here"

        await add_items(client, agent, 3, 6)
        await more_from_the_first_customer(client, 2)
        await more_from_the_first_customer(client, 3)
        many = {name: await statements_for(staff, path) for name, path in paths.items()}
    grew = {
        name: [statement for statement in many[name] if statement not in some[name]] or many[name]
        for name in paths
        if len(many[name]) > len(some[name])
    }
    assert not grew, f"queries grew with the rows; new or repeated statements: {grew}"


async def test_the_counter_sees_statements(client: httpx.AsyncClient) -> None:
    """Guard against a silent pass: Tortoise's log must carry the SQL this test counts."""
    with counting() as counter:
        await Customer.filter(email="nobody@example.com").count()
    assert any(re.search(r"\bSELECT\b", statement) for statement in counter.statements)
