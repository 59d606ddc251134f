"""Dashboard figures on hand-built items with known answers (business seconds stored per item)."""

from __future__ import annotations

import statistics
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest
from tortoise.functions import Count

from feedback.models import (
    FollowUp,
    Status,
)
from tests.triage.metrics_helpers import HOUR, NOW, TODAY, VIEW, customer, item, resolve, survey
from triage import metrics
from triage.metrics import MetricFilters, parse_metric_filters
from triage.models import Team

# --------------------------------------------------------------------------- filters (pure)


def said(f: MetricFilters) -> list[str]:
    """The notices in English, dates as ISO (the page writes them in the reader's language)."""
    return [notice.message % notice.params for notice in f.problems]


LAST_28 = date(2026, 3, 4)
LONGEST = metrics.MAX_PERIOD_DAYS - 1  # days from the first to the last day of a longest period


@pytest.mark.parametrize(
    ("query", "start", "end", "period", "notices"),
    [
        ({}, LAST_28, TODAY, "28", []),
        ({"period": "7"}, date(2026, 3, 25), TODAY, "7", []),
        ({"period": "90"}, date(2026, 1, 1), TODAY, "90", []),
        ({"period": "12"}, LAST_28, TODAY, "28", ["Unknown period: showing the last 28 days."]),
        (
            {"period": "custom", "start": "2026-01-01", "end": "2026-01-31"},
            date(2026, 1, 1),
            date(2026, 1, 31),
            "custom",
            [],
        ),
        (
            {"start": "2026-02-01", "end": "2026-02-10"},
            date(2026, 2, 1),
            date(2026, 2, 10),
            "custom",
            [],
        ),
        ({"period": "custom", "start": "2026-03-30"}, date(2026, 3, 30), TODAY, "custom", []),
        (
            {"period": "custom", "start": "31/03/2026"},
            LAST_28,
            TODAY,
            "custom",
            ["The start date should look like 2026-03-31."],
        ),
        (  # too long: the end stays, the start moves
            {"period": "custom", "start": "2020-01-01", "end": "2026-01-01"},
            date(2026, 1, 1) - timedelta(days=LONGEST),
            date(2026, 1, 1),
            "custom",
            [
                "A period can be at most 1,098 days: showing 2022-12-31 to 2026-01-01 "
                "(you asked from 2020-01-01)."
            ],
        ),
        (  # an end in the future is today
            {"period": "custom", "start": "2026-03-01", "end": "2999-12-31"},
            date(2026, 3, 1),
            TODAY,
            "custom",
            ["The end date 2999-12-31 is in the future: showing up to today, 2026-03-31."],
        ),
        (  # both: the end is today, then the start moves to fit
            {"period": "custom", "start": "1900-01-01", "end": "2999-12-31"},
            TODAY - timedelta(days=LONGEST),
            TODAY,
            "custom",
            [
                "The end date 2999-12-31 is in the future: showing up to today, 2026-03-31.",
                "A period can be at most 1,098 days: showing 2023-03-30 to 2026-03-31 "
                "(you asked from 1900-01-01).",
            ],
        ),
        (
            {"end": "2999-12-31"},
            LAST_28,
            TODAY,
            "custom",
            ["The end date 2999-12-31 is in the future: showing up to today, 2026-03-31."],
        ),
        (  # start after end: refused, the default period instead
            {"period": "custom", "start": "2026-02-10", "end": "2026-02-01"},
            LAST_28,
            TODAY,
            "28",
            [
                "The start date 2026-02-10 is after the end date 2026-02-01: choose a start on "
                "or before the end.",
                "Showing the last 28 days instead.",
            ],
        ),
        (  # a start in the future is after the end (today) too
            {"period": "custom", "start": "2027-01-01", "end": "2027-02-01"},
            LAST_28,
            TODAY,
            "28",
            [
                "The end date 2027-02-01 is in the future: showing up to today, 2026-03-31.",
                "The start date 2027-01-01 is after the end date 2026-03-31: choose a start on "
                "or before the end.",
                "Showing the last 28 days instead.",
            ],
        ),
    ],
)
def test_it_reads_the_period(query, start, end, period, notices) -> None:  # noqa: ANN001
    f = parse_metric_filters(query, TODAY)
    assert (f.start, f.end, f.period) == (start, end, period)
    assert said(f) == notices
    assert f.days <= metrics.MAX_PERIOD_DAYS and f.end <= TODAY


def test_refused_dates_are_kept_as_typed_for_the_form() -> None:
    f = parse_metric_filters(
        {"period": "custom", "start": "2026-02-10", "end": "2026-02-01"}, TODAY
    )
    assert f.date_error is not None and f.date_error in f.problems
    assert (f.typed_start, f.typed_end) == ("2026-02-10", "2026-02-01")
    assert f.query_params() == {"period": "28"}  # links and exports carry what is shown
    fine = parse_metric_filters({"start": "2026-02-01", "end": "2026-02-10"}, TODAY)
    assert fine.date_error is None


CHOICES = metrics.FilterChoices(
    teams=[{"id": 3, "name": "Care"}],
    reps=[
        {"id": 7, "name": "Ann", "is_active": True},
        {"id": 8, "name": "Old", "is_active": False},
    ],
    categories=("Billing", "Delivery"),
    segments=("key", "regular"),
)


@pytest.mark.parametrize(
    ("query", "team", "rep", "category", "segment", "notices"),
    [
        ({"team": "3", "rep": "7"}, 3, 7, "", "", []),
        ({"rep": "8"}, None, 8, "", "", []),  # an inactive rep's items can still be looked at
        (
            {"team": "", "rep": "", "category": " billing ", "segment": "KEY"},
            None,
            None,
            "Billing",  # spelled as configured
            "key",
            [],
        ),
        ({"team": "x"}, None, None, "", "", ["Unknown team “x”: showing all teams."]),
        ({"team": "999"}, None, None, "", "", ["Unknown team “999”: showing all teams."]),
        (
            {"team": "99999999999"},
            None,
            None,
            "",
            "",
            ["Unknown team “99999999999”: showing all teams."],
        ),
        ({"rep": "abc"}, None, None, "", "", ["Unknown rep “abc”: showing all reps."]),
        ({"rep": "-1"}, None, None, "", "", ["Unknown rep “-1”: showing all reps."]),
        ({"rep": "²"}, None, None, "", "", ["Unknown rep “²”: showing all reps."]),
        ({"rep": "999"}, None, None, "", "", ["Unknown rep “999”: showing all reps."]),
        (
            {"category": "Nope"},
            None,
            None,
            "",
            "",
            ["Unknown category “Nope”: showing all categories."],
        ),
        ({"segment": "zzz"}, None, None, "", "", ["Unknown segment “zzz”: showing all segments."]),
        (
            {"team": "999", "rep": "7", "segment": "zzz"},
            None,
            7,
            "",
            "",
            [
                "Unknown team “999”: showing all teams.",
                "Unknown segment “zzz”: showing all segments.",
            ],
        ),
    ],
)
def test_it_ignores_unknown_teams_reps_categories_and_segments_alike(
    query, team, rep, category, segment, notices
) -> None:  # noqa: ANN001
    f = parse_metric_filters(query, TODAY, CHOICES)
    assert (f.team_id, f.rep_id, f.category, f.segment) == (team, rep, category, segment)
    assert said(f) == notices


def test_the_filters_round_trip_through_the_url() -> None:
    for query in (
        {"period": "7", "team": "2", "segment": "key"},
        {"period": "custom", "start": "2026-01-01", "end": "2026-01-31", "rep": "4"},
        {"period": "28", "category": "Billing"},
    ):
        f = parse_metric_filters(query, TODAY)
        assert f.query_params() == query
        assert parse_metric_filters(f.query_params(), TODAY) == f


def test_long_periods_are_grouped_into_at_most_26_trend_points() -> None:
    year = MetricFilters(start=date(2025, 4, 1), end=TODAY)
    buckets = metrics.trend_buckets(year)
    # 365 days touch 53 weeks: grouped by 3 weeks, 18 points
    assert len(buckets) == 18 and {b.weeks for b in buckets[:-1]} == {3}
    assert buckets[0].start == date(2025, 3, 31) and buckets[-1].end > TODAY
    assert [b.start.weekday() for b in buckets] == [0] * len(buckets)
    four_weeks = metrics.trend_buckets(VIEW)
    assert [b.start for b in four_weeks] == [
        date(2026, 3, 2),
        date(2026, 3, 9),
        date(2026, 3, 16),
        date(2026, 3, 23),
        date(2026, 3, 30),
    ]


# --------------------------------------------------------------------------- timings


@pytest.mark.parametrize(
    ("hours", "median", "p90"),
    [
        ([], None, None),
        ([7], 7, 7),
        ([1, 2, 3, 4, 5], 3, 4.6),  # odd: the middle value; p90 at position 3.6
        ([4, 1, 3, 2], 2.5, 3.7),  # even: the mean of the middle two; p90 at 2.7
        ([1, 1, 1, 10], 1, 7.3),
        ([0, 100], 50, 90),
    ],
)
async def test_it_computes_median_and_p90_in_business_hours(db, hours, median, p90) -> None:  # noqa: ANN001
    for h in hours:
        await item(
            first_response_business_seconds=h * HOUR, resolution_business_seconds=2 * h * HOUR
        )
    await item()  # not answered yet: no value, not counted
    await item(at=NOW - timedelta(days=40), first_response_business_seconds=999 * HOUR)  # too old
    first = await metrics.response_time(VIEW, "first_response")
    resolution = await metrics.response_time(VIEW, "resolution")
    assert first.count == len(hours) == resolution.count
    assert first.median_hours == pytest.approx(median)
    assert first.p90_hours == pytest.approx(p90)
    assert resolution.median_hours == pytest.approx(None if median is None else 2 * median)


async def test_percentiles_match_the_inclusive_quantile_definition(db) -> None:
    seconds = [(n * 7919) % 50_000 for n in range(1, 38)]  # 37 scattered values with ties
    for value in seconds:
        await item(first_response_business_seconds=value)
    timing = await metrics.response_time(VIEW, "first_response")
    deciles = statistics.quantiles(seconds, n=10, method="inclusive")
    assert timing.median == pytest.approx(statistics.median(seconds))
    assert timing.p90 == pytest.approx(deciles[8])


async def test_long_periods_read_percentiles_in_value_order_with_the_same_answers(db) -> None:
    year = MetricFilters(start=TODAY - timedelta(days=364), end=TODAY, period="custom")
    assert year.days > metrics.ORDERED_READ_AFTER_DAYS
    seconds = [(n * 7919) % 50_000 for n in range(1, 38)]  # 37 scattered values with ties
    for n, value in enumerate(seconds):
        await item(
            at=NOW - timedelta(days=9 * n),
            first_response_business_seconds=value,
            resolution_business_seconds=None if n % 4 == 0 else 3 * value,
        )
    await item(at=NOW - timedelta(days=400), first_response_business_seconds=10**6)  # too old
    await item(merged_into=await item(), first_response_business_seconds=10**6)  # a duplicate
    await item()  # not answered yet
    for kind, values in [
        ("first_response", seconds),
        ("resolution", [3 * v for n, v in enumerate(seconds) if n % 4]),
    ]:
        timing = await metrics.response_time(year, kind)
        assert timing.count == len(values)
        assert timing.median == pytest.approx(statistics.median(values))
        assert timing.p90 == pytest.approx(
            statistics.quantiles(values, n=10, method="inclusive")[8]
        )


async def test_it_counts_promises_kept_and_breaches(db) -> None:
    await item(first_response_met=True, resolution_met=True)
    await item(first_response_met=True, resolution_met=False)
    await item(first_response_met=False, resolution_met=None)  # breached while still open
    await item(first_response_met=True, resolution_met=None, escalated_for="resolution")
    await item()  # nothing known yet
    kept = await metrics.promises_kept(VIEW)
    assert (kept.first_response_met, kept.first_response_known) == (3, 4)
    assert (kept.resolution_met, kept.resolution_known) == (1, 2)
    assert kept.first_response_share == pytest.approx(0.75)
    assert kept.resolution_share == pytest.approx(0.5)
    assert await metrics.breaches(VIEW) == metrics.Breaches(
        total=3, first_response=1, resolution=1, escalated=1
    )


async def test_shares_are_none_without_known_outcomes(db) -> None:
    await item()
    kept = await metrics.promises_kept(VIEW)
    assert kept.first_response_share is None and kept.resolution_share is None


# --------------------------------------------------------------------------- backlog


async def test_it_buckets_the_backlog_by_age_at_a_fixed_now(db) -> None:
    ages = {
        timedelta(hours=2): "day",
        timedelta(days=1): "days",  # exactly one day old: no longer "under 1 day"
        timedelta(days=2, hours=23): "days",
        timedelta(days=3): "week",
        timedelta(days=6): "week",
        timedelta(days=10): "weeks",
        timedelta(days=27): "weeks",
        timedelta(days=40): "older",  # outside the period: the backlog ignores it
        timedelta(days=400): "older",
    }
    for age in ages:
        await item(at=NOW - age, status=Status.IN_PROGRESS)
    await item(at=NOW - timedelta(hours=1), status=Status.RESOLVED, resolved_at=NOW)
    await item(at=NOW - timedelta(hours=1), status=Status.CLOSED)
    await item(at=NOW - timedelta(hours=1), status=Status.WAITING_ON_CUSTOMER)
    backlog = await metrics.backlog_by_age(VIEW, NOW)
    assert {b.key: b.count for b in backlog} == {
        "day": 2,
        "days": 2,
        "week": 2,
        "weeks": 2,
        "older": 2,
    }
    for bucket in backlog:
        drilled = metrics.items_for_figure(VIEW, "backlog", bucket.key, NOW)
        assert await drilled.count() == bucket.count


# --------------------------------------------------------------------------- outcomes


async def test_it_computes_the_reopen_rate_over_items_ever_resolved(db) -> None:
    await item(resolved_at=NOW)
    await item(resolved_at=NOW, reopen_count=1)
    await item(reopen_count=2, status=Status.IN_PROGRESS)  # reopened and open again
    await item(resolved_at=NOW)
    await item()  # never resolved: not in the denominator
    rate = await metrics.reopen_rate(VIEW)
    assert (rate.reopened, rate.resolved) == (2, 4)
    assert rate.share == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("answers", "average", "nps"),
    [
        ([], None, None),
        ([(5, 10), (4, 9), (3, 8), (3, 7), (2, 6), (1, 0)], 3.0, 0),
        ([(5, 10), (5, 10), (4, 9), (1, 3)], 3.75, 50),
        ([(1, 0), (2, 6)], 1.5, -100),
    ],
)
async def test_it_computes_satisfaction_and_nps(db, answers, average, nps) -> None:  # noqa: ANN001
    for satisfaction, recommend in answers:
        await survey(await item(resolved_at=NOW), satisfaction, recommend)
    old = await item(at=NOW - timedelta(days=60), resolved_at=NOW)
    await survey(old, 1, 0)  # an item received before the period
    result = await metrics.satisfaction(VIEW)
    assert result.answers == len(answers)
    assert result.average == pytest.approx(average)
    assert result.nps == pytest.approx(nps)
    assert result.promoters + result.passives + result.detractors == len(answers)


async def test_it_credits_survey_answers_to_the_rep_at_answer_time(db, agent, teammate) -> None:
    answered = await item(owner=teammate, resolved_at=NOW)  # reassigned to teammate later
    await survey(answered, 5, 10, owner_id=agent.id)
    mine = await metrics.satisfaction(MetricFilters(VIEW.start, VIEW.end, rep_id=agent.id))
    theirs = await metrics.satisfaction(MetricFilters(VIEW.start, VIEW.end, rep_id=teammate.id))
    assert (mine.answers, theirs.answers) == (1, 0)


async def test_it_counts_root_causes_once_per_item(db) -> None:
    policy = "Our own policy or process"
    twice = await item(resolved_at=NOW, reopen_count=1)
    await resolve(twice, policy, effort=30, at=NOW - timedelta(days=1))
    await resolve(twice, policy, effort=15)
    await resolve(await item(resolved_at=NOW), policy, effort=45)
    await resolve(await item(resolved_at=NOW), "Delivery", effort=0)
    await resolve(await item(at=NOW - timedelta(days=50), resolved_at=NOW), "Delivery")
    causes = await metrics.root_causes(VIEW)
    assert [(c.root_cause, c.items) for c in causes] == [(policy, 2), ("Delivery", 1)]
    effort = await metrics.handling_effort(VIEW)
    assert (effort.items, effort.minutes, effort.per_item) == (3, 90, 30)
    drilled = metrics.items_for_figure(VIEW, "root_cause", policy, NOW)
    assert await drilled.count() == 2


async def test_handling_effort_is_none_without_resolutions(db) -> None:
    await item()
    assert (await metrics.handling_effort(VIEW)).per_item is None


# --------------------------------------------------------------------------- trends


async def test_it_tracks_sentiment_per_week_received(db) -> None:
    await item(
        at=datetime(2026, 3, 10, tzinfo=UTC), sentiment_score=-0.6, sentiment_label="negative"
    )
    await item(
        at=datetime(2026, 3, 12, tzinfo=UTC), sentiment_score=0.2, sentiment_label="positive"
    )
    await item(
        at=datetime(2026, 3, 24, tzinfo=UTC), sentiment_score=-0.4, sentiment_label="negative"
    )
    await item(
        at=datetime(2026, 3, 25, tzinfo=UTC), sentiment_score=-0.2, sentiment_label="negative"
    )
    weeks = await metrics.sentiment_trend(VIEW)
    assert [(w.week, w.items, w.negative) for w in weeks] == [
        (date(2026, 3, 9), 2, 1),
        (date(2026, 3, 23), 2, 2),
    ]
    assert [w.average for w in weeks] == pytest.approx([-0.2, -0.3])
    for w in weeks:
        week = w.week.isoformat()
        assert await metrics.items_for_figure(VIEW, "sentiment", week, NOW).count() == w.items
        assert await metrics.items_for_figure(VIEW, "negative", week, NOW).count() == w.negative


async def test_it_tracks_the_median_first_response_per_week(db) -> None:
    for day, hours in [(10, 1), (11, 2), (12, 6), (24, 4), (25, 8)]:
        at = datetime(2026, 3, day, 9, tzinfo=UTC)
        await item(at=at, first_response_business_seconds=hours * HOUR)
    await item(at=datetime(2026, 3, 17, tzinfo=UTC))  # no response yet
    # the Tuesday before the period starts (Wednesday 4 March): its week is in, the item is not
    await item(at=datetime(2026, 3, 3, 9, tzinfo=UTC), first_response_business_seconds=HOUR)
    trend = await metrics.response_time_trend(VIEW)
    assert [(b.start, b.count, b.median_hours) for b in trend] == [
        (date(2026, 3, 2), 0, None),
        (date(2026, 3, 9), 3, 2),
        (date(2026, 3, 16), 0, None),
        (date(2026, 3, 23), 2, 6),
        (date(2026, 3, 30), 0, None),
    ]
    drilled = metrics.items_for_figure(VIEW, "response_trend", "2026-03-23", NOW)
    assert await drilled.count() == 2


# --------------------------------------------------------------------------- per rep


async def test_it_reports_target_compliance_per_rep(db, agent, teammate) -> None:
    for fr, res in [(True, True), (True, False), (False, None)]:
        await item(owner=agent, first_response_met=fr, resolution_met=res)
    await item(owner=teammate, first_response_met=True, resolution_met=True)
    await item()  # unassigned
    reps = await metrics.compliance_by_rep(VIEW)
    assert [(r.name, r.items, r.first_response_share, r.resolution_share) for r in reps] == [
        ("Ana Costa", 3, pytest.approx(2 / 3), 0.5),
        ("Ben Okafor", 1, 1.0, 1.0),
        ("Unassigned", 1, None, None),
    ]
    assert await metrics.items_for_figure(VIEW, "rep", str(agent.id), NOW).count() == 3
    assert await metrics.items_for_figure(VIEW, "rep", "none", NOW).count() == 1


async def test_it_reports_a_reps_follow_ups_and_figures(db, agent, teammate) -> None:
    cust = await customer()
    cust.owner = agent
    await cust.save()
    done = await item(cust, owner=agent, resolved_at=NOW, first_response_met=True)
    await survey(done, 4, 9)
    due = NOW - timedelta(days=5)
    for done_at in (due - timedelta(hours=1), due, due + timedelta(days=2), None):
        await FollowUp.create(
            item=done, customer=cust, owner=agent, due_at=due, done_at=done_at, created_at=due
        )
    await FollowUp.create(  # not due yet
        item=done, customer=cust, owner=agent, due_at=NOW + timedelta(days=1), created_at=NOW
    )
    await FollowUp.create(  # someone else's
        item=done, customer=cust, owner=teammate, due_at=due, created_at=due
    )
    report = await metrics.rep_performance(agent.id, VIEW, NOW)
    assert report.follow_ups == metrics.FollowUpRecord(due=4, on_time=2, late=1, overdue=1)
    assert report.follow_ups.on_time_share == pytest.approx(0.5)
    assert (report.customers_owned, report.items_handled, report.items_resolved) == (1, 1, 1)
    assert report.promises.first_response_share == 1.0
    assert (report.satisfaction.answers, report.satisfaction.average) == (1, 4.0)


# --------------------------------------------------------------------------- filters


async def test_every_filter_narrows_every_figure(db, agent, teammate) -> None:
    care = await Team.create(name="Care")
    billing = await Team.create(name="Billing desk")
    key = await customer("key")
    fields = {"first_response_met": True, "first_response_business_seconds": HOUR}
    await item(key, owner=agent, team=care, category="Delivery", **fields)
    await item(owner=agent, team=billing, category="Billing", **fields)
    await item(owner=teammate, team=care, category="Billing", **fields)
    await item(key, owner=teammate, team=billing, category="Delivery", at=NOW - timedelta(days=10))
    await item(key, owner=agent, team=care, category="Delivery", at=NOW - timedelta(days=60))
    await item(owner=agent, merged_into=await item(), at=NOW - timedelta(days=1))  # a duplicate
    cases = [
        ({}, 5),
        ({"period": "7"}, 4),
        ({"period": "90"}, 6),
        ({"team": str(care.id)}, 2),
        ({"team": str(billing.id), "period": "7"}, 1),
        ({"rep": str(agent.id)}, 2),
        ({"rep": str(teammate.id), "category": "Billing"}, 1),
        ({"category": "Delivery"}, 3),
        ({"segment": "key"}, 2),
        ({"segment": "key", "period": "custom", "start": "2026-01-01", "end": "2026-02-28"}, 1),
        ({"segment": "new"}, 0),
    ]
    for query, expected in cases:
        f = parse_metric_filters(query, TODAY)
        assert await metrics.items_received(f) == expected, query
        drilled = metrics.items_for_figure(f, "received", "", NOW)
        assert await drilled.count() == expected, query
        board = await metrics.dashboard(f, NOW)
        assert board.received == expected
        assert sum(r.items for r in board.reps) == expected
        assert board.first_response.count <= expected


async def test_the_dashboard_shares_passes_yet_matches_each_figure(db, agent, teammate) -> None:
    care = await Team.create(name="Care")
    key = await customer("key")
    for n in range(12):  # spread over the period's weeks, owners, teams, segments and timings
        done = await item(
            key if n % 3 == 0 else None,
            at=NOW - timedelta(days=2 * n + 1, hours=n),
            owner=(agent, teammate, None)[n % 3],
            team=care if n % 2 else None,
            first_response_business_seconds=None if n % 4 == 3 else (n + 1) * HOUR,
            resolution_business_seconds=None if n % 3 == 2 else (3 * n + 2) * HOUR,
            first_response_met=(True, False, None)[n % 3],
            resolution_met=(None, True, False, True)[n % 4],
            escalated_for="resolution" if n % 5 == 0 else "",
            reopen_count=n % 2,
            resolved_at=NOW if n % 3 != 2 else None,
            sentiment_score=(n - 6) / 6,
            sentiment_label="negative" if n < 5 else "positive",
        )
        if n % 3 != 2:
            await resolve(done, ("Product defect", "Delivery")[n % 2], effort=5 * n)
            await survey(done, 1 + n % 5, n % 11)
    await item(owner=agent, merged_into=await item(), at=NOW - timedelta(days=1))  # a duplicate
    for query in ({}, {"team": str(care.id)}, {"segment": "key"}, {"rep": str(agent.id)}):
        f = parse_metric_filters(query, TODAY)
        board = await metrics.dashboard(f, NOW)
        assert board.received == await metrics.items_received(f), query
        assert board.first_response == await metrics.response_time(f, "first_response")
        assert board.resolution == await metrics.response_time(f, "resolution")
        assert board.promises == await metrics.promises_kept(f)
        assert board.breaches == await metrics.breaches(f)
        assert board.reopen == await metrics.reopen_rate(f)
        assert board.satisfaction == await metrics.satisfaction(f)
        assert board.sentiment == await metrics.sentiment_trend(f)
        assert board.root_causes == await metrics.root_causes(f)
        assert board.effort == await metrics.handling_effort(f)
        assert board.response_trend == await metrics.response_time_trend(f)
        assert board.reps == await metrics.compliance_by_rep(f)
        assert sum(w.items for w in board.sentiment) == board.received
        assert sum(b.count for b in board.response_trend) == board.first_response.count


def test_id_subqueries_are_not_sorted() -> None:
    # The models' default ordering inside `IN (SELECT …)` made PostgreSQL sort (or read in
    # order, on one process) every id of the period before joining.
    f = replace(VIEW, segment="key", team_id=3)
    for qs in (metrics.resolutions_in_view(f), metrics.surveys_in_view(f)):
        sql = qs.annotate(n=Count("id")).values("n").sql()
        assert sql.count("SELECT") == 3 and "ORDER BY" not in sql, sql
    drilled = metrics.items_for_figure(f, "surveys", "promoters", NOW).sql()
    assert drilled.count("ORDER BY") == 1  # the list's own order, outside the subqueries


async def test_each_tile_drills_down_to_the_items_it_counts(db, agent) -> None:
    care = await Team.create(name="Care")
    await item(owner=agent, team=care, first_response_met=False, escalated_for="first_response")
    answered = await item(
        owner=agent,
        first_response_met=True,
        resolution_met=True,
        first_response_business_seconds=HOUR,
        resolution_business_seconds=5 * HOUR,
        resolved_at=NOW,
        reopen_count=1,
        sentiment_label="negative",
        sentiment_score=-0.5,
    )
    await survey(answered, 2, 3)
    await resolve(answered, "Delivery", effort=20)
    await item(status=Status.ASSIGNED, at=NOW - timedelta(days=5))
    board = await metrics.dashboard(VIEW, NOW)
    expected = {
        ("received", ""): board.received,
        ("first_response", ""): board.first_response.count,
        ("resolution", ""): board.resolution.count,
        ("first_response_met", ""): board.promises.first_response_known,
        ("first_response_met", "met"): board.promises.first_response_met,
        ("resolution_met", "missed"): 0,
        ("breaches", ""): board.breaches.total,
        ("breaches", "escalated"): board.breaches.escalated,
        ("backlog", ""): board.backlog_total,
        ("reopened", ""): board.reopen.reopened,
        ("surveys", ""): board.satisfaction.answers,
        ("surveys", "detractors"): board.satisfaction.detractors,
        ("negative", ""): 1,
        ("effort", ""): board.effort.items,
    }
    assert board.received == 3 and board.backlog_total == 2 and board.breaches.total == 1
    for (figure, bucket), count in expected.items():
        drilled = metrics.items_for_figure(VIEW, figure, bucket, NOW)
        assert await drilled.count() == count, (figure, bucket)


@pytest.mark.parametrize(
    ("figure", "bucket"),
    [
        ("nonsense", ""),
        ("backlog", "ancient"),
        ("breaches", "x"),
        ("surveys", "fans"),
        ("rep", "abc"),
        ("sentiment", "last week"),
        ("response_trend", "2020-01-06"),
        ("first_response_met", "maybe"),
    ],
)
def test_it_refuses_unknown_figures_and_buckets(figure, bucket) -> None:  # noqa: ANN001
    with pytest.raises(metrics.UnknownFigure):
        metrics.items_for_figure(VIEW, figure, bucket, NOW)


# --------------------------------------------------------------------------- export


async def test_the_export_reads_in_keyset_chunks(db) -> None:
    made = [await item(first_response_business_seconds=HOUR * n) for n in range(5)]
    await resolve(made[1], "Delivery", effort=10, at=NOW - timedelta(days=1))
    await resolve(made[1], "Product defect", effort=5)
    chunks = [rows async for rows in metrics.export_rows(metrics.items_in_view(VIEW), chunk=2)]
    assert [len(c) for c in chunks] == [2, 2, 1]
    rows = [row for chunk in chunks for row in chunk]
    assert [r["reference"] for r in rows] == [i.reference for i in made]
    assert rows[1]["root_cause"] == "Product defect" and rows[1]["effort_minutes"] == 15
    assert rows[3]["first_response_business_hours"] == 3.0


async def test_the_export_keyset_survives_ties_and_out_of_order_ids(db) -> None:
    t0 = NOW - timedelta(days=3)
    later = await item(at=t0 + timedelta(hours=5))
    tied = [await item(at=t0) for _ in range(3)]
    earliest = await item(at=t0 - timedelta(hours=1))
    chunks = [rows async for rows in metrics.export_rows(metrics.items_in_view(VIEW), chunk=2)]
    got = [row["reference"] for chunk in chunks for row in chunk]
    assert got == [i.reference for i in (earliest, *tied, later)]  # oldest first, each once


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(1)", "'=HYPERLINK(1)"),
        ("+1", "'+1"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("plain", "plain"),
        (-0.5, -0.5),
        (None, ""),
        (True, "yes"),
        (datetime(2026, 3, 1, 9, tzinfo=UTC), "2026-03-01T09:00:00+00:00"),
        (Status.IN_PROGRESS, "in_progress"),
    ],
)
def test_csv_cells_are_guarded_against_formulas(value, cell) -> None:  # noqa: ANN001
    assert metrics.csv_cell(value) == cell
