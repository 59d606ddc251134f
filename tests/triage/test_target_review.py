"""What the targets achieved lately: the verdict rule (pure) and the figures (database)."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from tortoise import connections

from feedback.models import Priority, Status
from tests.triage.metrics_helpers import HOUR, NOW, customer, item
from triage import target_review
from triage.models import TargetSetting
from triage.target_review import MIN_ITEMS, quantile, suggest_promise, verdict

SEGMENTS = ("key", "regular", "new")

# --------------------------------------------------------------------------- the rule (pure)


@pytest.mark.parametrize(
    ("target", "known", "share", "p90", "tone", "text", "suggested"),
    [
        (8, 0, None, None, "unknown", "too few items to judge (0 of 20 needed)", None),
        (8, 19, 0.1, 30.0, "unknown", "too few items to judge (19 of 20 needed)", None),
        (8, 20, 1.0, 3.0, "ok", "kept 100% — realistic", None),
        (8, 50, 0.96, 7.9, "ok", "kept 96% — realistic", None),
        (8, 50, 0.80, 9.0, "ok", "kept 80% — realistic", None),
        # 79.9 % reads as 79 %, never rounded up into "realistic" territory.
        (
            8,
            1000,
            0.799,
            8.5,
            "warn",
            "kept 79%: p90 is 8.5 h against 8 h — either staff it or promise 9 h",
            9,
        ),
        (
            8,
            100,
            0.61,
            11.2,
            "warn",
            "kept 61%: p90 is 11.2 h against 8 h — either staff it or promise 12 h",
            12,
        ),
        (
            1,
            40,
            0.5,
            1.6,
            "warn",
            "kept 50%: p90 is 1.6 h against 1 h — either staff it or promise 2 h",
            2,
        ),
        (
            0.5,
            40,
            0.5,
            0.6,
            "warn",
            "kept 50%: p90 is 0.6 h against 0.5 h — either staff it or promise 0.75 h",
            0.75,
        ),
        (
            40,
            30,
            0.7,
            52.3,
            "warn",
            "kept 70%: p90 is 52.3 h against 40 h — either staff it or promise 56 h",
            56,
        ),
        # The misses are items still open past the target: no time to suggest from.
        (4, 30, 0.5, None, "warn", "kept 50%: items still open past 4 h — staff it", None),
        (4, 30, 0.5, 3.5, "warn", "kept 50%: items still open past 4 h — staff it", None),
    ],
)
def test_the_verdict_rule(target, known, share, p90, tone, text, suggested) -> None:
    result = verdict(target, known, share, p90)
    assert (result.tone, result.text, result.suggested_hours) == (tone, text, suggested)


@pytest.mark.parametrize(
    ("p90", "promise"),
    [
        (0.1, 0.25),
        (0.26, 0.5),
        (1.0, 1),
        (1.01, 1.5),
        (3.9, 4),
        (4.2, 5),
        (11.2, 12),
        (12.0, 12),
        (12.1, 16),
        (39.0, 40),
        (40.5, 48),
        (100.0, 104),
    ],
)
def test_it_rounds_a_suggested_promise_up_to_a_sensible_step(p90, promise) -> None:
    assert suggest_promise(p90) == promise


@pytest.mark.parametrize("n", [1, 2, 3, 4, 10, 11, 25])
def test_quantile_interpolates_like_percentile_cont(n) -> None:
    values = [float(v * v) for v in range(n)]  # sorted, uneven gaps
    for fraction in (Fraction(1, 2), Fraction(9, 10)):
        position = float(fraction) * (n - 1)
        lo = int(position)
        hi = min(lo + 1, n - 1)
        expected = values[lo] + (values[hi] - values[lo]) * (position - lo)
        around = {i: values[i] for i in (lo, hi)}
        assert quantile(around, n, fraction) == pytest.approx(expected)
    assert quantile({}, 0, Fraction(1, 2)) is None


# --------------------------------------------------------------------------- the figures (db)


def percentile_cont(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    lo = int(position)
    hi = min(lo + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (position - lo)


async def review():  # noqa: ANN201
    return await target_review.review_targets(SEGMENTS, NOW)


async def test_every_row_is_there_and_empty_without_items(db) -> None:
    reviews = await review()
    assert set(reviews) == {(p, s) for p in Priority for s in ("", *SEGMENTS)}
    high = reviews["high", ""]
    assert high.items == 0
    assert (high.first_response.known, high.first_response.median) == (0, None)
    assert high.first_response.target_seconds == 4 * HOUR  # the shipped default
    assert high.resolution.verdict.tone == "unknown"


async def test_it_measures_each_target_against_the_target_set_now(db) -> None:
    regular = await customer("regular")
    hours = list(range(1, 26))  # 1 h .. 25 h to first response
    for h in hours:
        await item(
            regular,
            priority=Priority.HIGH,
            first_response_business_seconds=h * HOUR,
            first_response_met=False,  # stored against an older, stricter target: ignored
            resolution_business_seconds=h * 2 * HOUR,
            resolution_met=True,
        )
    # Outcome known without a stored time: counted by its flag.
    await item(regular, priority=Priority.HIGH, status=Status.NEW, first_response_met=False)
    await item(
        regular, priority=Priority.HIGH, status=Status.CLOSED, first_response_met=True
    )  # closed in time without a public reply
    # Left out: a duplicate, an item from before the window, another priority.
    await item(
        regular,
        priority=Priority.HIGH,
        merged_into=await item(regular, priority=Priority.LOW),
        first_response_business_seconds=HOUR,
    )
    await item(
        regular,
        priority=Priority.HIGH,
        at=NOW - timedelta(weeks=8, seconds=1),
        first_response_business_seconds=HOUR,
    )

    high = (await review())["high", ""]
    assert high.items == 27
    first = high.first_response
    assert (first.known, first.timed) == (27, 25)
    assert first.kept == 4 + 1  # 1-4 h within the 4 h default, plus the flagged one
    assert first.median_hours == pytest.approx(percentile_cont(hours, 0.5))
    assert first.p90_hours == pytest.approx(percentile_cont(hours, 0.9))  # 22.6 h
    assert first.verdict.text == (
        "kept 18%: p90 is 22.6 h against 4 h — either staff it or promise 24 h"
    )
    resolution = high.resolution
    assert (resolution.known, resolution.kept) == (25, 8)  # 2..16 h within 16 h
    assert resolution.p90_hours == pytest.approx(percentile_cont([2 * h for h in hours], 0.9))
    assert (await review())["high", "regular"] == high.__class__(
        "high", "regular", high.items, high.first_response, high.resolution
    )

    # A target set now is judged at once on the same items.
    await TargetSetting.create(
        priority="high", segment="", first_response_minutes=24 * 60, resolution_minutes=60 * 60
    )
    high = (await review())["high", ""]
    assert high.first_response.kept == 24 + 1
    assert high.first_response.verdict.text == "kept 92% — realistic"


async def test_a_segment_row_takes_its_items_from_the_any_segment_row(db) -> None:
    key, new, legacy = await customer("key"), await customer("new"), await customer("gold")
    for cust, h in ((key, 1), (key, 3), (new, 5), (legacy, 7)):
        await item(cust, priority=Priority.NORMAL, first_response_business_seconds=h * HOUR)

    reviews = await review()
    # No segment rows saved: the any-segment target governs everyone.
    assert reviews["normal", ""].items == 4
    assert reviews["normal", "key"].items == 2
    assert reviews["normal", "new"].items == 1
    assert reviews["normal", "regular"].items == 0

    await TargetSetting.create(
        priority="normal", segment="key", first_response_minutes=120, resolution_minutes=600
    )
    await TargetSetting.create(  # a segment no longer configured still has its own row
        priority="normal", segment="gold", first_response_minutes=600, resolution_minutes=900
    )
    reviews = await review()
    key_row, any_row = reviews["normal", "key"], reviews["normal", ""]
    assert key_row.items == 2
    assert (key_row.first_response.target_seconds, key_row.first_response.kept) == (2 * HOUR, 1)
    assert key_row.first_response.median_hours == 2
    assert any_row.items == 1  # only the new customer's item is left to it
    assert any_row.first_response.median_hours == 5
    assert reviews["normal", "new"].first_response.target_seconds == 8 * HOUR


async def test_it_reads_every_figure_in_two_queries(db, monkeypatch) -> None:
    for priority in Priority:
        await item(priority=priority, first_response_business_seconds=HOUR)
    connection = connections.get("default")
    calls: list[str] = []
    original = connection.execute_query_dict

    async def counted(sql, values=None):  # noqa: ANN001, ANN202
        calls.append(sql)
        return await original(sql, values)

    monkeypatch.setattr(connection, "execute_query_dict", counted)
    reviews = await target_review.review_targets(SEGMENTS, NOW)
    assert len(calls) == 2
    assert all(reviews[p, ""].items == 1 for p in Priority)


async def test_enough_items_give_a_verdict(db) -> None:
    cust = await customer("regular")
    for _ in range(MIN_ITEMS):
        await item(cust, priority=Priority.URGENT, first_response_business_seconds=HOUR // 2)
    first = (await review())["urgent", ""].first_response
    assert (first.verdict.tone, first.verdict.text) == ("ok", "kept 100% — realistic")
