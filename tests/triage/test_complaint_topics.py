"""What customers complain about: complaints per topic in the view and the period before."""

from __future__ import annotations

from datetime import timedelta

import time_machine
from bs4 import BeautifulSoup

from feedback.models import Kind
from tests.conftest import sign_in
from tests.triage.metrics_helpers import NOW, VIEW, item
from triage.metrics import complaint_topics, items_for_figure, previous_period


def test_the_period_before_has_as_many_days() -> None:
    before = previous_period(VIEW)
    assert before.days == VIEW.days
    assert before.end == VIEW.start - timedelta(days=1)


async def test_it_counts_complaints_and_negative_feedback_per_topic(db) -> None:
    await item(category="Delivery")
    await item(category="Delivery", kind=Kind.COMMENT, sentiment_label="negative")
    await item(category="Delivery", kind=Kind.PRAISE, sentiment_label="positive")  # not one
    await item(category="Billing")
    await item(category="Billing", at=NOW - timedelta(days=40))  # the period before
    await item(category="Billing", at=NOW - timedelta(days=45))
    await item(category="Website", at=NOW - timedelta(days=50))  # fixed since
    await item(category="Website", at=NOW - timedelta(days=80))  # before the period before

    topics = await complaint_topics(VIEW)

    assert [(t.category, t.items, t.previous, t.change) for t in topics] == [
        ("Delivery", 2, 0, 2),
        ("Billing", 1, 2, -1),
        ("Website", 0, 1, -1),
    ]


async def test_it_keeps_to_the_view_filters(db, agent) -> None:
    await item(category="Delivery", owner=agent)
    await item(category="Delivery")
    view = VIEW.__class__(start=VIEW.start, end=VIEW.end, rep_id=agent.id)
    assert [(t.category, t.items) for t in await complaint_topics(view)] == [("Delivery", 1)]


async def test_the_drill_down_lists_a_topics_complaints(db) -> None:
    wanted = await item(category="Delivery")
    await item(category="Delivery", kind=Kind.PRAISE, sentiment_label="positive")
    await item(category="Billing")
    found = await items_for_figure(VIEW, "complaints", "Delivery", NOW)
    assert [i.id for i in found] == [wanted.id]


async def test_the_dashboard_shows_them_with_the_change(client, manager) -> None:
    with time_machine.travel(NOW, tick=False):
        await item(category="Delivery")
        await item(category="Delivery", at=NOW - timedelta(days=40))
        await item(category="Delivery", at=NOW - timedelta(days=41))
        await sign_in(client, manager)
        response = await client.get("/manager")
        page = BeautifulSoup(response.text, "html.parser")
        rows = page.select("section#complaint-topics table tbody tr")
        cells = [[c.get_text(strip=True) for c in row.find_all(["th", "td"])] for row in rows]
        assert cells == [["Delivery", "1", "2", "-1"]], response.text[:300]
        drill = rows[0].find("a")["href"]
        listing = BeautifulSoup((await client.get(drill)).text, "html.parser")
    assert "Complaints by topic" in listing.find("h1").text
