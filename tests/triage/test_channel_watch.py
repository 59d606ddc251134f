"""The channel watch tells managers when a usually busy feedback channel has gone quiet."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from feedback.models import Channel, FeedbackItem
from portal.models import Role, StaffUser
from tests.conftest import sign_in
from tests.triage.board_helpers import make_item, soup
from triage.channel_watch import (
    MIN_QUIET,
    is_quiet,
    notification_kind,
    quiet_channels,
    warn_managers,
)
from triage.escalation import sweep
from triage.models import Notification

NOW = datetime(2026, 3, 30, 15, 0, tzinfo=UTC)  # a Monday afternoon


@pytest.mark.parametrize(
    ("quiet_for", "usual_counts", "expected"),
    [
        (timedelta(hours=3), (6, 5, 7, 6), True),
        (timedelta(hours=3), (5, 5, 5, 5), True),  # mean exactly the minimum
        (timedelta(hours=3), (4, 5, 5, 5), False),  # mean 4.75: an empty spell is plausible
        (timedelta(hours=3), (20, 20, 20, 0), False),  # one week had nothing: holidays happen
        (timedelta(minutes=59), (60, 60, 60, 60), False),  # too short to call
        (MIN_QUIET, (6, 6, 6, 6), True),
        (timedelta(hours=3), (), False),
    ],
)
def test_it_applies_the_quiet_rule(quiet_for, usual_counts, expected) -> None:  # noqa: ANN001
    assert is_quiet(quiet_for, usual_counts) is expected


async def _history(
    *, last: datetime, per_week: tuple[int, ...], channel: str = "web", now: datetime = NOW
) -> None:
    """Items in the same hours as (last, now] of earlier weeks, and the last one at `last`."""
    for week, count in enumerate(per_week, start=1):
        start = last - timedelta(weeks=week)
        span = (now - last) / (count + 1)
        for n in range(count):
            await make_item(
                f"Week {week} item {n}",
                now=start + span * (n + 1),
                email=f"w{week}n{n}{now:%H}@example.com",
                channel=channel,
            )
    await make_item("The last one", now=last, email=f"last{now:%H}@example.com", channel=channel)


async def test_it_finds_a_channel_quiet_for_hours_that_are_usually_busy(db) -> None:
    await _history(last=NOW - timedelta(hours=4), per_week=(6, 5, 7, 6))
    [quiet] = await quiet_channels(NOW)
    assert quiet.channel == "web" and quiet.usual_counts == (6, 5, 7, 6)
    assert quiet.quiet_for == timedelta(hours=4)
    assert "the web form for 4 hours" in quiet.describe()
    assert "brought 5–7 items" in quiet.describe()


async def test_it_compares_like_with_like_not_with_the_daily_average(db) -> None:
    # Busy weekday afternoons, but the same night hours were always empty: not an alarm.
    await _history(last=NOW - timedelta(hours=4), per_week=(0, 0, 0, 0))
    for week in range(1, 5):
        for hour in range(9, 13):  # the mornings before, outside the compared hours
            await make_item(
                "Morning",
                now=NOW - timedelta(weeks=week, hours=15 - hour),
                email=f"m{week}{hour}@example.com",
            )
    assert await quiet_channels(NOW) == []


async def test_it_says_nothing_while_items_keep_arriving(db) -> None:
    await _history(last=NOW - timedelta(minutes=20), per_week=(6, 6, 6, 6))
    assert await quiet_channels(NOW) == []


async def test_it_ignores_channels_not_in_use(db) -> None:
    await make_item("Long ago", now=NOW - timedelta(weeks=8))
    assert await quiet_channels(NOW) == []


async def test_it_watches_each_channel_on_its_own(db) -> None:
    await _history(last=NOW - timedelta(hours=4), per_week=(6, 6, 6, 6), channel="phone")
    await make_item("Web is fine", now=NOW - timedelta(minutes=5), email="web@example.com")
    assert [q.channel for q in await quiet_channels(NOW)] == ["phone"]
    assert (await FeedbackItem.filter(channel=Channel.PHONE).count()) == 25


async def test_it_tells_active_managers_and_admins_once_per_quiet_spell(
    db, agent, manager, admin
) -> None:
    away = await StaffUser.create(
        email="gone@example.com",
        name="Gone",
        role=Role.MANAGER,
        password_hash="x",
        is_active=False,
    )
    await _history(last=NOW - timedelta(hours=4), per_week=(6, 6, 6, 6))

    first = await warn_managers(NOW)
    again = await warn_managers(NOW + timedelta(minutes=30))

    assert [q.channel for q in first] == ["web"] and again == []
    notes = await Notification.filter(kind=notification_kind("web")).order_by("recipient_id")
    assert [n.recipient_id for n in notes] == sorted([manager.id, admin.id])
    assert away.id not in [n.recipient_id for n in notes]
    assert all(n.item_id is None and "the web form" in n.text for n in notes)


async def test_it_tells_again_when_a_new_spell_starts(db, manager) -> None:
    await _history(last=NOW - timedelta(hours=4), per_week=(6, 6, 6, 6))
    assert len(await warn_managers(NOW)) == 1
    # The form works again an hour later, then goes quiet for another four busy hours.
    later = NOW + timedelta(hours=5)
    await _history(last=NOW + timedelta(hours=1), per_week=(6, 6, 6, 6), now=later)

    assert [q.channel for q in await warn_managers(later)] == ["web"]
    assert await Notification.filter(kind=notification_kind("web")).count() == 2


async def test_the_sweeper_runs_the_watch(db, manager) -> None:
    await _history(last=NOW - timedelta(hours=4), per_week=(6, 6, 6, 6))
    report = await sweep(NOW)
    assert report.quiet_channels == ["web"]
    assert await Notification.filter(recipient_id=manager.id, kind="quiet_web").count() == 1


async def test_managers_see_it_on_the_dashboard_and_the_board(
    db, client, manager, monkeypatch
) -> None:
    await _history(last=NOW - timedelta(hours=4), per_week=(6, 6, 6, 6))
    monkeypatch.setattr("portal.handlers.dashboard.utcnow", lambda: NOW)
    monkeypatch.setattr("portal.handlers.board.utcnow", lambda: NOW)
    await sign_in(client, manager)
    for path in ("/manager", "/staff/board"):
        page = soup((await client.get(path)).text)
        [banner] = page.select(".quiet-channels")
        assert banner.get("role") == "alert"
        assert "the web form" in banner.get_text()


async def test_agents_do_not_get_the_banner(db, client, agent, monkeypatch) -> None:
    await _history(last=NOW - timedelta(hours=4), per_week=(6, 6, 6, 6))
    monkeypatch.setattr("portal.handlers.board.utcnow", lambda: NOW)
    await sign_in(client, agent)
    page = soup((await client.get("/staff/board")).text)
    assert page.select(".quiet-channels") == []


async def test_the_dashboard_figures_fragment_has_no_banner(db, client, manager) -> None:
    await sign_in(client, manager)
    response = await client.get("/manager", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "quiet-channels" not in response.text
