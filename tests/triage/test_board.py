"""The triage board: filters, columns, counts, sorting, the two renderings and polling."""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from feedback.models import FeedbackItem
from portal.models import StaffUser
from portal.settings import load_settings
from tests.conftest import sign_in
from tests.triage.board_helpers import card_ids, make_item, soup
from triage.board import (
    BoardFilters,
    change_stamp,
    column_for,
    due_pill,
    load_board,
    local_midnight,
    parse_filters,
)
from triage.models import Team

CATEGORIES = load_settings().categories
T0 = datetime(2026, 3, 3, 14, 0, tzinfo=UTC)


def _now() -> datetime:
    return datetime.now(UTC)


def _today_start() -> datetime:
    return local_midnight(_now(), ZoneInfo("UTC"))


class _User:
    id = 42


# -- parsing ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {}),
        ({"mine": "1"}, {"mine": True}),
        (
            {"mine": "on", "my_team": "true", "unassigned": "yes"},
            {"mine": True, "my_team": True, "unassigned": True},
        ),
        ({"mine": "0", "unassigned": "nope"}, {}),
        ({"owner": "7", "team": "3"}, {"owner": 7, "team": 3}),
        ({"owner": "abc", "team": "-3"}, {}),
        ({"owner": "0", "team": "99999999999"}, {}),
        ({"category": "Delivery"}, {"category": "Delivery"}),
        ({"category": "Gossip"}, {}),
        ({"kind": "praise"}, {"kind": "praise"}),
        ({"kind": "rant"}, {}),
        ({"priority": "urgent"}, {"priority": "urgent"}),
        ({"priority": "URGENT!"}, {}),
        ({"sentiment": "negative"}, {"sentiment": "negative"}),
        ({"sentiment": "angry"}, {}),
        ({"due": "breached"}, {"due": "breached"}),
        ({"due": "at_risk"}, {"due": "at_risk"}),
        ({"due": "late_or_risky"}, {"due": "late_or_risky"}),
        ({"due": "soon"}, {}),
        ({"q": "  parcel   late "}, {"q": "parcel late"}),
        ({"q": "x" * 300}, {"q": "x" * 100}),
        ({"sort": "newest"}, {"sort": "newest"}),
        ({"sort": "random"}, {}),
        ({"since": "abc", "page": "2"}, {}),
    ],
)
def test_it_parses_filters_and_ignores_bad_values(query, expected) -> None:
    filters = parse_filters(query, _User(), categories=CATEGORIES)  # type: ignore[arg-type]
    assert filters == replace(BoardFilters(user_id=42), **expected)


def test_it_round_trips_filters_through_the_url() -> None:
    filters = BoardFilters(user_id=42, mine=True, owner=3, kind="praise", q="late", sort="newest")
    assert filters.to_query() == {
        "mine": "1",
        "owner": "3",
        "kind": "praise",
        "q": "late",
        "sort": "newest",
    }
    assert parse_filters(filters.to_query(), _User()) == filters  # type: ignore[arg-type]
    assert BoardFilters(user_id=42).to_query() == {}
    assert not BoardFilters(sort="newest").active and BoardFilters(mine=True).active


# -- the due-time pill (pure) ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("due", "state", "warn", "expected_state", "expected_text"),
    [
        (T0 + timedelta(hours=2, minutes=10, seconds=30), "ok", None, "ok", "in 2h 10m"),
        (T0 + timedelta(days=1, hours=3), "ok", None, "ok", "in 1d 3h"),
        (T0 + timedelta(minutes=40), "ok", T0 - timedelta(minutes=5), "at_risk", "in 40m"),
        (T0 + timedelta(minutes=40), "at_risk", None, "at_risk", "in 40m"),
        (T0 - timedelta(minutes=25), "ok", None, "breached", "breached 25m ago"),
        (T0 + timedelta(hours=1), "breached", None, "breached", "in 1h"),
        (T0 + timedelta(hours=1), "paused", None, "paused", "paused"),
        (None, "ok", None, "none", "no target"),
        (None, "met", None, "met", "target met"),
        (None, "missed", None, "missed", "target missed"),
    ],
)
def test_it_words_the_countdown(due, state, warn, expected_state, expected_text) -> None:
    pill = due_pill(due, state, T0, warn)
    assert (pill.state, pill.text) == (expected_state, expected_text)


def test_it_starts_today_at_the_viewers_midnight() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    start = local_midnight(datetime(2026, 3, 3, 16, 30, tzinfo=UTC), tokyo)
    assert start == datetime(2026, 3, 4, 0, 0, tzinfo=tokyo)
    assert start.astimezone(UTC) == datetime(2026, 3, 3, 15, 0, tzinfo=UTC)


# -- loading ---------------------------------------------------------------------------------


async def test_it_puts_items_in_columns_with_counts(agent) -> None:
    now = _now()
    today = _today_start()
    new = await make_item("New one", now=now)
    flagged = await make_item("Flagged", now=now, status="assigned", needs_triage=True)
    answered = await make_item(
        "Answered", now=now, status="in_progress", needs_triage=True, owner_id=agent.id
    )
    assigned = await make_item("Assigned", now=now, status="assigned", owner_id=agent.id)
    working = await make_item("Working", now=now, status="in_progress", owner_id=agent.id)
    waiting = await make_item("Waiting", now=now, status="waiting_on_customer")
    resolved = await make_item("Done today", now=now, status="resolved", resolved_at=now)
    closed = await make_item("Closed today", now=now, status="closed", resolved_at=now)
    await make_item(
        "Done before", now=now, status="resolved", resolved_at=today - timedelta(hours=1)
    )
    await make_item(
        "Closed long ago", now=now, status="closed", resolved_at=now - timedelta(days=9)
    )

    board = await load_board(BoardFilters(), agent, now, today)

    columns = {c.key: {card.item.id for card in c.cards} for c in board.columns}
    assert columns == {
        "new": {new.id, flagged.id},
        "assigned": {assigned.id},
        "in_progress": {working.id, answered.id},
        "waiting_on_customer": {waiting.id},
        "resolved_today": {resolved.id, closed.id},
    }
    assert [c.count for c in board.columns] == [2, 1, 2, 1, 2]
    assert board.total == 8
    for column in board.columns:
        assert all(column_for(card.item, today) == column.key for card in column.cards)


async def test_it_sorts_cards_by_due_with_undated_ones_last(agent) -> None:
    now = _now()
    later = await make_item("Later", now=now, next_due=now + timedelta(hours=5))
    undated = await make_item("Undated", now=now, next_due=None)
    sooner = await make_item("Sooner", now=now, next_due=now + timedelta(hours=1))
    overdue = await make_item("Overdue", now=now, next_due=now - timedelta(hours=1))

    board = await load_board(BoardFilters(), agent, now, _today_start())
    assert [c.item.id for c in board.columns[0].cards] == [
        overdue.id,
        sooner.id,
        later.id,
        undated.id,
    ]

    await FeedbackItem.filter(id=later.id).update(created_at=now + timedelta(minutes=3))
    await FeedbackItem.filter(id=sooner.id).update(created_at=now - timedelta(days=2))
    newest = await load_board(BoardFilters(sort="newest"), agent, now, _today_start())
    assert [c.item.id for c in newest.columns[0].cards] == [
        later.id,
        overdue.id,
        undated.id,
        sooner.id,
    ]


@pytest.fixture
async def scenario(agent, teammate):
    """Five items that each filter tells apart."""
    now = _now()
    team = await Team.create(name="Billing desk")
    await team.members.add(agent)
    other_team = await Team.create(name="Stores")
    items = {
        "mine": await make_item(
            "Mine",
            now=now,
            status="assigned",
            owner_id=agent.id,
            team_id=other_team.id,
            priority="urgent",
            sla_state="breached",
        ),
        "teammates": await make_item(
            "Teammate's",
            now=now,
            status="in_progress",
            owner_id=teammate.id,
            team_id=team.id,
            category="Billing",
            sla_state="at_risk",
            priority="high",
        ),
        "praise": await make_item(
            "Lovely staff",
            now=now,
            kind="praise",
            category="Staff",
            name="Kim Lee",
            email="kim@shop.example",
            sentiment_label="positive",
            priority="low",
        ),
        "neutral": await make_item(
            "Opening hours?",
            now=now,
            kind="question",
            sentiment_label="neutral",
            team_id=team.id,
            priority="normal",
        ),
        "late": await make_item(
            "Refund missing",
            now=now,
            category="Billing",
            sentiment_label="negative",
            sla_state="breached",
            priority="high",
        ),
    }
    return items, team, other_team


FILTER_CASES = [
    ({"mine": "1"}, {"mine"}),
    ({"my_team": "1"}, {"teammates", "neutral"}),
    ({"unassigned": "1"}, {"praise", "neutral", "late"}),
    ({"owner": "<teammate>"}, {"teammates"}),
    ({"team": "<other_team>"}, {"mine"}),
    ({"category": "Billing"}, {"teammates", "late"}),
    ({"kind": "praise"}, {"praise"}),
    ({"priority": "urgent"}, {"mine"}),
    ({"sentiment": "positive"}, {"praise"}),
    ({"sentiment": "neutral"}, {"neutral"}),
    ({"due": "breached"}, {"mine", "late"}),
    ({"due": "at_risk"}, {"teammates"}),
    ({"due": "late_or_risky"}, {"mine", "teammates", "late"}),
    ({"q": "REFUND"}, {"late"}),
    ({"q": "kim lee"}, {"praise"}),
    ({"q": "shop.example"}, {"praise"}),
    ({"q": "<reference of late>"}, {"late"}),
    ({"category": "Billing", "unassigned": "1"}, {"late"}),
    ({"due": "breached", "mine": "1"}, {"mine"}),
    ({"q": "nothing like this"}, set()),
]


async def test_it_applies_each_filter_in_the_database(scenario, agent, teammate) -> None:
    # One scenario for the whole table: creating staff (argon2) is the slow part.
    items, _team, other_team = scenario
    substitutions = {
        "<teammate>": str(teammate.id),
        "<other_team>": str(other_team.id),
        "<reference of late>": items["late"].reference.lower(),
    }
    for query, expected in FILTER_CASES:
        query = {key: substitutions.get(value, value) for key, value in query.items()}
        filters = parse_filters(query, agent, categories=CATEGORIES)
        board = await load_board(filters, agent, _now(), _today_start())
        shown = {card.item.subject for column in board.columns for card in column.cards}
        assert shown == {items[name].subject for name in expected}, query
        assert board.total == len(expected), query


async def test_it_limits_cards_per_column_and_counts_the_rest(agent) -> None:
    now = _now()
    for n in range(5):
        await make_item(f"Item {n}", now=now, next_due=now + timedelta(hours=n + 1))
    board = await load_board(BoardFilters(), agent, now, _today_start(), limit=3)
    column = board.columns[0]
    assert (len(column.cards), column.count, column.more) == (3, 5, 2)
    assert [c.item.subject for c in column.cards] == ["Item 0", "Item 1", "Item 2"]


async def _queries_to_load(caplog, user: StaffUser) -> int:
    caplog.clear()
    with caplog.at_level(logging.DEBUG, logger="tortoise.db_client"):
        board = await load_board(BoardFilters(), user, _now(), _today_start())
        for column in board.columns:  # what the template reads must already be loaded
            for card in column.cards:
                assert card.item.customer.name
                assert card.item.owner is None or card.item.owner.name
    return len([r for r in caplog.records if r.name == "tortoise.db_client"])


async def test_it_loads_the_board_without_a_query_per_card(caplog, agent) -> None:
    now = _now()
    await make_item("One", now=now, owner_id=agent.id, status="assigned")
    few = await _queries_to_load(caplog, agent)
    for n in range(8):
        await make_item(
            f"More {n}", now=now, email=f"c{n}@example.com", owner_id=agent.id, status="assigned"
        )
    # One per column, and one for every card's file count.
    assert await _queries_to_load(caplog, agent) == few <= 6


async def test_it_changes_the_stamp_only_when_the_board_changes(agent) -> None:
    now = _now()
    today = _today_start()
    item = await make_item("Watch me", now=now)
    first = await change_stamp(BoardFilters(), agent, today)
    assert await change_stamp(BoardFilters(), agent, today) == first
    # The sweeper marks a breach without touching updated_at: still a change.
    await FeedbackItem.filter(id=item.id).update(sla_state="breached")
    second = await change_stamp(BoardFilters(), agent, today)
    assert second != first
    await FeedbackItem.filter(id=item.id).update(version=item.version + 1, updated_at=now)
    assert await change_stamp(BoardFilters(), agent, today) != second
    # A filter that hides the item does not see its changes.
    hidden = BoardFilters(kind="praise")
    quiet = await change_stamp(hidden, agent, today)
    await FeedbackItem.filter(id=item.id).update(priority="low", version=item.version + 2)
    assert await change_stamp(hidden, agent, today) == quiet


# -- over HTTP ---------------------------------------------------------------------------------


async def test_it_asks_anonymous_visitors_to_sign_in(client) -> None:
    response = await client.get("/staff/board")
    assert response.status_code == 303
    assert response.headers["location"].startswith("http://testserver/staff/sign-in")


async def test_it_sends_the_board_fragment_to_htmx_and_the_page_otherwise(client, agent) -> None:
    item = await make_item("Parcel late", now=_now())
    await sign_in(client, agent)

    full = await client.get("/staff/board")
    fragment = await client.get("/staff/board", headers={"HX-Request": "true"})

    assert full.status_code == fragment.status_code == 200
    assert "HX-Request" in full.headers["vary"] and "HX-Request" in fragment.headers["vary"]
    page, part = soup(full.text), soup(fragment.text)
    assert page.find("html") is not None and part.find("html") is None
    ids = {tag["id"] for tag in part.select("[id]")}
    assert {"board", "column-new", "column-resolved_today", f"card-{item.id}"} <= ids
    assert ids <= {tag["id"] for tag in page.select("[id]")}
    assert card_ids(full.text, "new") == card_ids(fragment.text, "new") == [f"card-{item.id}"]


async def test_it_shows_counts_and_helpful_empty_columns(client, agent) -> None:
    await make_item("Parcel late", now=_now())
    await sign_in(client, agent)
    page = soup((await client.get("/staff/board")).text)
    headings = [h.get_text(" ", strip=True) for h in page.select(".board-column h2")]
    assert headings == [
        "New / needs triage (1)",
        "Assigned (0)",
        "In progress (0)",
        "Waiting on customer (0)",
        "Resolved today (0)",
    ]
    assert "Take an item" in page.select_one("#column-assigned .empty").text
    assert page.select_one("a.skip[href='#board']") is not None


async def test_it_draws_a_card_with_everything_triage_needs(client, agent, teammate) -> None:
    now = _now()
    item = await make_item(
        "Parcel late and the box was crushed " + "x" * 150,
        now=now,
        status="assigned",
        owner_id=teammate.id,
        next_due=now + timedelta(hours=2, minutes=10, seconds=40),
        sla_state="ok",
    )
    await sign_in(client, agent)
    card = soup((await client.get("/staff/board")).text).select_one(f"#card-{item.id}")
    assert card is not None and card["data-version"] == str(item.version)
    assert card.select_one("a.ref")["href"].endswith(f"/staff/items/{item.id}")
    assert card.select_one("a.ref").text == item.reference
    assert card.select_one(".owner-name").text == "Ben Okafor"
    assert len(card.select_one(".subject").text) <= 90
    assert card.select_one(".badge.segment").text == "new"
    assert card.select_one("[class*=sentiment-]") is not None
    assert card.select_one(".priority-" + item.priority) is not None
    due = card.select_one("time.due")
    assert due["class"] == ["due", "due-ok"]
    assert due.text == "in 2h 10m"
    assert datetime.fromisoformat(due["datetime"]) == item.next_due
    assert card.select_one("input.card-version")["value"] == str(item.version)
    for action in ("take", "move", "assign", "priority", "category"):
        form = card.select_one(f"form.{action}")
        assert form is not None and form["hx-target"] == f"#card-{item.id}"
        assert form.select_one("input[name=version]")["value"] == str(item.version)
        assert form.select_one("input[name=next]")["value"] == "/staff/board"


async def test_it_shows_breached_and_paused_countdowns(client, agent) -> None:
    now = _now()
    late = await make_item(
        "Late", now=now, next_due=now - timedelta(minutes=25, seconds=20), sla_state="at_risk"
    )
    paused = await make_item(
        "Paused",
        now=now,
        status="waiting_on_customer",
        next_due=now + timedelta(hours=3),
        sla_state="paused",
    )
    await sign_in(client, agent)
    page = soup((await client.get("/staff/board")).text)
    late_pill = page.select_one(f"#card-{late.id} time.due")
    assert (late_pill["class"], late_pill.text) == (["due", "due-breached"], "breached 25m ago")
    paused_pill = page.select_one(f"#card-{paused.id} time.due")
    assert (paused_pill["class"], paused_pill.text) == (["due", "due-paused"], "paused")


async def test_it_keeps_filters_in_every_url(client, agent) -> None:
    await make_item("Parcel late", now=_now(), owner_id=agent.id, status="assigned")
    await sign_in(client, agent)
    response = await client.get("/staff/board?mine=1&kind=complaint&owner=&bogus=1")
    page = soup(response.text)
    assert page.select_one("#filter-mine").has_attr("checked")
    assert page.select_one("#filter-kind option[selected]")["value"] == "complaint"
    board = page.select_one("#board")
    assert board["hx-get"].startswith("/staff/board?mine=1&kind=complaint&since=")
    assert board["hx-trigger"] == "every 10s, board-changed from:body"
    nexts = {tag["value"] for tag in page.select("input[name=next]")}
    assert nexts == {"/staff/board?mine=1&kind=complaint"}


async def test_it_answers_a_poll_with_204_until_something_changes(client, agent) -> None:
    item = await make_item("Parcel late", now=_now())
    await sign_in(client, agent)
    poll_url = soup((await client.get("/staff/board")).text).select_one("#board")["hx-get"]
    htmx = {"HX-Request": "true"}

    unchanged = await client.get(poll_url, headers=htmx)
    assert unchanged.status_code == 204 and unchanged.content == b""
    assert "HX-Request" in unchanged.headers["vary"]

    await FeedbackItem.filter(id=item.id).update(
        status="in_progress", version=item.version + 1, updated_at=_now()
    )
    changed = await client.get(poll_url, headers=htmx)
    assert changed.status_code == 200
    assert card_ids(changed.text, "in_progress") == [f"card-{item.id}"]
    new_poll_url = soup(changed.text).select_one("#board")["hx-get"]
    assert new_poll_url != poll_url
    assert (await client.get(new_poll_url, headers=htmx)).status_code == 204
    # Without htmx the same URL is always the full page.
    assert "<html" in (await client.get(new_poll_url)).text
