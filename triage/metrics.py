"""The managers' figures: every one computed in the database, never item by item in Python.

A *view* is a period plus optional team, rep, category and customer segment
(`MetricFilters`). Item figures are about the items **received** in the period (a cohort:
"of what came in during those four weeks, how fast did we answer and did we keep our
promises"), so every figure's drill-down and CSV export list exactly the rows it counted.
Exceptions, each said where it is computed: the backlog is what is open *now* (the period
does not apply), and survey answers are credited to the rep, team and category copied onto
the answer when the customer gave it (`SurveyResponse.*_at_answer`).

Dates are UTC calendar days, like `FeedbackItem.created_week` (the Monday of the UTC week).
Items merged into another item are duplicates of it and are left out everywhere.

Medians and p90s use the stored business seconds and the same linear interpolation as
PostgreSQL's `percentile_cont`: with `n` sorted values the p-quantile sits at position
`p * (n - 1)`; we count `n`, then read the one or two values around that position with
`ORDER BY value LIMIT 2 OFFSET k` (upper quantiles sort descending so the offset stays
small). That is two or three cheap queries per figure on both SQLite and PostgreSQL, one code
path and the same answers on both, so there is no dialect switch.
"""

from __future__ import annotations

import asyncio
import csv
import io
import math
from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from typing import Any

from tortoise.expressions import F, Q, Subquery
from tortoise.functions import Avg, Count, Sum
from tortoise.queryset import QuerySet

from feedback.models import (
    OPEN_STATUSES,
    Customer,
    FeedbackItem,
    FollowUp,
    Kind,
    Resolution,
    SurveyResponse,
)
from portal.i18n import N_, format_day, gettext
from portal.models import StaffUser
from triage.models import Team

PRESETS = (7, 28, 90)
DEFAULT_DAYS = 28
MAX_PERIOD_DAYS = 3 * 366
MAX_TREND_POINTS = 26

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"
_SECONDS_FIELD = {
    FIRST_RESPONSE: "first_response_business_seconds",
    RESOLUTION: "resolution_business_seconds",
}
_MET_FIELD = {FIRST_RESPONSE: "first_response_met", RESOLUTION: "resolution_met"}


# --------------------------------------------------------------------------- filters


@dataclass(frozen=True)
class Notice:
    """Something the view could not take as asked, said next to it.

    `message` is a msgid (marked with `N_`, translated where it is shown) with `%(name)s`
    placeholders for `params`; dates in `params` are formatted in the reader's language.
    """

    message: str
    params: Mapping[str, str | int | date] = field(default_factory=dict)


@dataclass(frozen=True)
class MetricFilters:
    """The view a manager asked for. `start` and `end` are inclusive UTC days.

    `date_error` says why custom dates were refused (the view then shows the default period,
    and the form shows `typed_start`/`typed_end` again, as the manager typed them).
    """

    start: date
    end: date
    period: str = str(DEFAULT_DAYS)  # "7", "28", "90" or "custom"
    team_id: int | None = None
    rep_id: int | None = None
    category: str = ""
    segment: str = ""
    problems: tuple[Notice, ...] = field(default=(), compare=False)
    date_error: Notice | None = field(default=None, compare=False)
    typed_start: str = field(default="", compare=False)
    typed_end: str = field(default="", compare=False)

    @property
    def start_at(self) -> datetime:
        return datetime.combine(self.start, time(0), tzinfo=UTC)

    @property
    def end_at(self) -> datetime:
        """Exclusive upper bound: midnight after the last day."""
        return datetime.combine(self.end + timedelta(days=1), time(0), tzinfo=UTC)

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def query_params(self) -> dict[str, str]:
        """The filters as URL query parameters (what `parse_metric_filters` reads back)."""
        params = {"period": self.period}
        if self.period == "custom":
            params["start"] = self.start.isoformat()
            params["end"] = self.end.isoformat()
        if self.team_id is not None:
            params["team"] = str(self.team_id)
        if self.rep_id is not None:
            params["rep"] = str(self.rep_id)
        if self.category:
            params["category"] = self.category
        if self.segment:
            params["segment"] = self.segment
        return params


@dataclass(frozen=True)
class FilterChoices:
    """What each filter may be: teams and staff (rows with `id` and `name`; staff also
    `is_active`), and the configured categories and segments. Anything else is unknown."""

    teams: Sequence[Mapping[str, Any]] = ()
    reps: Sequence[Mapping[str, Any]] = ()
    categories: Sequence[str] = ()
    segments: Sequence[str] = ()


async def filter_choices(categories: Sequence[str], segments: Sequence[str]) -> FilterChoices:
    """The choices for the filters: every team, every staff member (an inactive rep's items
    can still be looked at), and the configured categories and segments."""
    teams, reps = await asyncio.gather(
        Team.all().order_by("name").values("id", "name"),
        StaffUser.all().order_by("name", "id").values("id", "name", "is_active"),
    )
    return FilterChoices(teams, reps, tuple(categories), tuple(segments))


def default_filters(today: date) -> MetricFilters:
    return MetricFilters(start=today - timedelta(days=DEFAULT_DAYS - 1), end=today)


#: Each filter's notice when its value is not one of the choices (or not a number).
_UNKNOWN = {
    "team": N_("Unknown team “%(value)s”: showing all teams."),
    "rep": N_("Unknown rep “%(value)s”: showing all reps."),
    "category": N_("Unknown category “%(value)s”: showing all categories."),
    "segment": N_("Unknown segment “%(value)s”: showing all segments."),
}


def _unknown(what: str, value: str, problems: list[Notice]) -> None:
    problems.append(Notice(_UNKNOWN[what], {"value": value[:40]}))


def _parse_id(
    value: str | None, what: str, known: Sequence[Mapping[str, Any]] | None, problems: list[Notice]
) -> int | None:
    value = (value or "").strip()
    if not value:
        return None
    if _is_id(value):
        if known is None or any(row["id"] == int(value) for row in known):
            return int(value)
    _unknown(what, value, problems)
    return None


def _parse_name(
    value: str | None, what: str, known: Sequence[str] | None, problems: list[Notice]
) -> str:
    """A category or segment, spelled as configured (matched ignoring case)."""
    value = (value or "").strip()
    if not value:
        return ""
    if known is None:
        return value[:60]
    for name in known:
        if name.casefold() == value.casefold():
            return name
    _unknown(what, value, problems)
    return ""


def _parse_day(value: str | None, what: str, problems: list[Notice]) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        if what == "start":
            problems.append(Notice(N_("The start date should look like 2026-03-31.")))
        else:
            problems.append(Notice(N_("The end date should look like 2026-03-31.")))
        return None


def parse_metric_filters(
    query: Mapping[str, str], today: date, choices: FilterChoices | None = None
) -> MetricFilters:
    """Read the dashboard filters from a query string (pure: `today` and the `choices` are
    passed in; without `choices` any well-formed team, rep, category or segment is taken).

    `period` is 7, 28 or 90 (the last N days up to and including `today`) or `custom` with
    `start` and `end` (YYYY-MM-DD, inclusive). Dates given without a period mean custom.
    Custom dates: an end after today is read as today; a period longer than
    `MAX_PERIOD_DAYS` keeps its end and starts later; a start after the end is refused
    (`date_error`, and the default period is shown). Anything unreadable or unknown falls
    back to the default and is reported in `problems`, so a mistyped link still shows a
    dashboard.
    """
    problems: list[Notice] = []
    date_error: Notice | None = None
    period = (query.get("period") or "").strip()
    start = _parse_day(query.get("start"), "start", problems)
    end = _parse_day(query.get("end"), "end", problems)
    if not period and (start or end):
        period = "custom"
    if period == "custom":
        end = end or today
        if end > today:
            problems.append(
                Notice(
                    N_("The end date %(asked)s is in the future: showing up to today, %(today)s."),
                    {"asked": end, "today": today},
                )
            )
            end = today
        start = start or end - timedelta(days=DEFAULT_DAYS - 1)
        if start > end:
            date_error = Notice(
                N_(
                    "The start date %(start)s is after the end date %(end)s: choose a start "
                    "on or before the end."
                ),
                {"start": start, "end": end},
            )
        elif (end - start).days + 1 > MAX_PERIOD_DAYS:
            asked, start = start, end - timedelta(days=MAX_PERIOD_DAYS - 1)
            problems.append(
                Notice(
                    N_(
                        "A period can be at most %(max)s days: showing %(start)s to %(end)s "
                        "(you asked from %(asked)s)."
                    ),
                    {"max": f"{MAX_PERIOD_DAYS:,}", "start": start, "end": end, "asked": asked},
                )
            )
    if date_error is not None:
        problems.append(date_error)
        problems.append(
            Notice(N_("Showing the last %(days)s days instead."), {"days": DEFAULT_DAYS})
        )
        period = str(DEFAULT_DAYS)
    if period != "custom":
        if period and period not in {str(p) for p in PRESETS}:
            problems.append(Notice(N_("Unknown period: showing the last 28 days.")))
        days = int(period) if period in {str(p) for p in PRESETS} else DEFAULT_DAYS
        period = str(days)
        start, end = today - timedelta(days=days - 1), today
    assert start is not None and end is not None
    c = choices
    return MetricFilters(
        start=start,
        end=end,
        period=period,
        team_id=_parse_id(query.get("team"), "team", c.teams if c else None, problems),
        rep_id=_parse_id(query.get("rep"), "rep", c.reps if c else None, problems),
        category=_parse_name(
            query.get("category"), "category", c.categories if c else None, problems
        ),
        segment=_parse_name(query.get("segment"), "segment", c.segments if c else None, problems),
        problems=tuple(problems),
        date_error=date_error,
        typed_start=(query.get("start") or "").strip()[:10],
        typed_end=(query.get("end") or "").strip()[:10],
    )


# --------------------------------------------------------------------------- base queries


def _column_of(qs: QuerySet[Any], column: str = "id") -> Subquery:
    """`column` of the rows of `qs`, for `…__in=`: a subquery without ORDER BY.

    `.values(column)` would carry the model's default ordering into the subquery, and
    PostgreSQL honours it there: the year's item ids were read by a sorted, single-process
    index scan before the hash join (about 0.3 s of each IN over a year at 1M items). An
    annotation switches the default ordering off (Tortoise leaves annotated queries
    unordered) and names the same column.
    """
    return Subquery(qs.annotate(key=F(column)).values("key"))


def _segment_customers(segment: str) -> Subquery:
    # A subquery rather than a join: Tortoise groups an aggregate over a join by every
    # column, which would turn one total into one row per item.
    return _column_of(Customer.filter(segment=segment))


def items_in_view(f: MetricFilters, *, period: bool = True) -> QuerySet[FeedbackItem]:
    """Items received in the period matching team, rep, category and segment."""
    qs = FeedbackItem.filter(merged_into_id__isnull=True)
    if period:
        qs = qs.filter(created_at__gte=f.start_at, created_at__lt=f.end_at)
    if f.team_id is not None:
        qs = qs.filter(team_id=f.team_id)
    if f.rep_id is not None:
        qs = qs.filter(owner_id=f.rep_id)
    if f.category:
        qs = qs.filter(category=f.category)
    if f.segment:
        qs = qs.filter(customer_id__in=_segment_customers(f.segment))
    return qs


def open_items(f: MetricFilters) -> QuerySet[FeedbackItem]:
    """The backlog: items open now, whatever the period (team, rep, category, segment apply)."""
    return items_in_view(f, period=False).filter(status__in=list(OPEN_STATUSES))


def surveys_in_view(f: MetricFilters) -> QuerySet[SurveyResponse]:
    """Answers for items received in the period, credited as they were when answered."""
    items = FeedbackItem.filter(
        merged_into_id__isnull=True, created_at__gte=f.start_at, created_at__lt=f.end_at
    )
    if f.segment:
        items = items.filter(customer_id__in=_segment_customers(f.segment))
    qs = SurveyResponse.filter(item_id__in=_column_of(items))
    if f.team_id is not None:
        qs = qs.filter(team_id_at_answer=f.team_id)
    if f.rep_id is not None:
        qs = qs.filter(owner_id_at_answer=f.rep_id)
    if f.category:
        qs = qs.filter(category=f.category)
    return qs


def resolutions_in_view(f: MetricFilters) -> QuerySet[Resolution]:
    return Resolution.filter(item_id__in=_column_of(items_in_view(f)))


async def one_row(qs: QuerySet[Any], **aggregates: Any) -> dict[str, Any]:
    """The aggregates over all of `qs` as one dict (None for each when `qs` has no rows)."""
    rows = await qs.annotate(**aggregates).values(*aggregates)
    return rows[0] if rows else dict.fromkeys(aggregates)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# --------------------------------------------------------------------------- percentiles


async def _value_at_positions(
    qs: QuerySet[Any], column: str, n: int, lo: int, hi: int
) -> list[float]:
    """The sorted values at indexes lo..hi (0-based), reading from the nearer end."""
    count = hi - lo + 1
    if lo >= n - 1 - hi:  # nearer the top: sort descending so OFFSET stays small
        rows = (
            await qs.order_by(f"-{column}")
            .offset(n - 1 - hi)
            .limit(count)
            .values_list(column, flat=True)
        )
        return [float(v) for v in reversed(rows)]
    rows = await qs.order_by(column).offset(lo).limit(count).values_list(column, flat=True)
    return [float(v) for v in rows]


def quantile_positions(fraction: float, n: int) -> tuple[int, int, float]:
    """The rule for every median and p90 (PostgreSQL's ``percentile_cont``): the 0-based
    sorted indexes around ``fraction * (n - 1)`` and the weight of the upper one."""
    position = fraction * (n - 1)
    lo = min(math.floor(position + 1e-9), n - 1)
    rest = position - lo
    hi = lo + 1 if rest > 1e-9 and lo + 1 < n else lo
    return lo, hi, rest


def interpolate(low: float, high: float, rest: float) -> float:
    """The value `rest` of the way from `low` to `high` (see `quantile_positions`)."""
    return low + (high - low) * rest


async def percentile(qs: QuerySet[Any], column: str, fraction: float, n: int) -> float | None:
    """The `fraction` quantile of `column` over the n non-null rows of `qs` (percentile_cont)."""
    if n <= 0:
        return None
    lo, hi, rest = quantile_positions(fraction, n)
    values = await _value_at_positions(qs, column, n, lo, hi)
    if not values:  # rows vanished between the count and the read
        return None
    return interpolate(values[0], values[-1], rest)


# Past this many days the percentiles of a period are read in value order from the
# (seconds, created_at, merged_into_id) indexes rather than sorted (see `_every_value`).
ORDERED_READ_AFTER_DAYS = max(PRESETS)
_INT_RANGE = (-(2**31), 2**31 - 1)  # IntField: a 32-bit integer on PostgreSQL


def _every_value(column: str) -> dict[str, int]:
    """A filter that keeps every non-null value of an integer column: `column IS NOT NULL`
    written as a range, so that SQLite's planner can use the (column, created_at,
    merged_into_id) index for `ORDER BY column … OFFSET k`.

    SQLite has no statistics here and takes a two-sided `created_at` range for a small
    share of the table, so over a year it read half the items by `created_at` and sorted
    them (0.5-0.75 s per percentile at 1M items). With a range on the seconds too, it walks
    the covering seconds index in order and checks the period there (0.02-0.07 s). That
    walk costs about the same for any period (it runs until the offset is reached), so
    short periods, where sorting the few rows is cheaper, keep the plain filter.
    PostgreSQL has statistics, sees that the range keeps every row and picks by cost.
    """
    return {f"{column}__gte": _INT_RANGE[0], f"{column}__lte": _INT_RANGE[1]}


@dataclass(frozen=True)
class Timing:
    """Business time from receipt to first response or resolution, in seconds."""

    kind: str
    count: int
    median: float | None
    p90: float | None

    @property
    def median_hours(self) -> float | None:
        return None if self.median is None else self.median / 3600

    @property
    def p90_hours(self) -> float | None:
        return None if self.p90 is None else self.p90 / 3600


async def response_time(f: MetricFilters, kind: str, count: int | None = None) -> Timing:
    """Median and p90 business time to first response (`kind="first_response"`) or to
    resolution, over the items in view that have one (`count` of them, when already known)."""
    column = _SECONDS_FIELD[kind]
    qs = items_in_view(f).filter(**{f"{column}__isnull": False})
    n = await qs.count() if count is None else count
    if f.days > ORDERED_READ_AFTER_DAYS:
        qs = items_in_view(f).filter(**_every_value(column))
    return Timing(
        kind=kind,
        count=n,
        median=await percentile(qs, column, 0.5, n),
        p90=await percentile(qs, column, 0.9, n),
    )


# --------------------------------------------------------------------------- item figures


async def items_received(f: MetricFilters) -> int:
    return await items_in_view(f).count()


@dataclass(frozen=True)
class PromisesKept:
    """How many items met each target, over those whose outcome is known (met or missed)."""

    first_response_met: int
    first_response_known: int
    resolution_met: int
    resolution_known: int

    @property
    def first_response_share(self) -> float | None:
        return _share(self.first_response_met, self.first_response_known)

    @property
    def resolution_share(self) -> float | None:
        return _share(self.resolution_met, self.resolution_known)


def _promise_counts() -> dict[str, Count]:
    return {
        "fr_met": Count("id", _filter=Q(first_response_met=True)),
        "fr_known": Count("id", _filter=Q(first_response_met__isnull=False)),
        "res_met": Count("id", _filter=Q(resolution_met=True)),
        "res_known": Count("id", _filter=Q(resolution_met__isnull=False)),
    }


def _promises(row: Mapping[str, Any]) -> PromisesKept:
    return PromisesKept(
        first_response_met=row["fr_met"] or 0,
        first_response_known=row["fr_known"] or 0,
        resolution_met=row["res_met"] or 0,
        resolution_known=row["res_known"] or 0,
    )


async def promises_kept(f: MetricFilters) -> PromisesKept:
    return _promises(await one_row(items_in_view(f), **_promise_counts()))


BREACH_KINDS = ("first_response", "resolution", "escalated")


def _breach_q(kind: str | None = None) -> Q:
    parts = {
        "first_response": Q(first_response_met=False),
        "resolution": Q(resolution_met=False),
        "escalated": ~Q(escalated_for=""),
    }
    if kind is not None:
        return parts[kind]
    return parts["first_response"] | parts["resolution"] | parts["escalated"]


@dataclass(frozen=True)
class Breaches:
    """Items that missed a target (or are past it while still open) or were escalated."""

    total: int
    first_response: int
    resolution: int
    escalated: int


def _breach_counts() -> dict[str, Count]:
    return {
        "breaches": Count("id", _filter=_breach_q()),
        **{f"breach_{kind}": Count("id", _filter=_breach_q(kind)) for kind in BREACH_KINDS},
    }


def _breaches(row: Mapping[str, Any]) -> Breaches:
    return Breaches(
        total=row["breaches"] or 0, **{kind: row[f"breach_{kind}"] or 0 for kind in BREACH_KINDS}
    )


async def breaches(f: MetricFilters) -> Breaches:
    return _breaches(await one_row(items_in_view(f), **_breach_counts()))


@dataclass(frozen=True)
class AgeBucket:
    key: str
    label: str
    younger_than: timedelta | None  # None: no upper bound
    count: int = 0


AGE_BUCKETS = (
    AgeBucket("day", "Under 1 day", timedelta(days=1)),
    AgeBucket("days", "1–3 days", timedelta(days=3)),
    AgeBucket("week", "3–7 days", timedelta(days=7)),
    AgeBucket("weeks", "1–4 weeks", timedelta(weeks=4)),
    AgeBucket("older", "Older than 4 weeks", None),
)
AGE_BUCKET_KEYS = tuple(b.key for b in AGE_BUCKETS)


def _age_q(key: str, now: datetime) -> Q:
    """Items whose age at `now` falls in the bucket: older than the previous bucket's bound."""
    index = AGE_BUCKET_KEYS.index(key)
    bucket = AGE_BUCKETS[index]
    q = Q()
    if bucket.younger_than is not None:
        q &= Q(created_at__gt=now - bucket.younger_than)
    if index > 0:
        previous = AGE_BUCKETS[index - 1].younger_than
        assert previous is not None
        q &= Q(created_at__lte=now - previous)
    return q


async def backlog_by_age(f: MetricFilters, now: datetime) -> list[AgeBucket]:
    """Open items now, by how long ago they were received (one query)."""
    row = await one_row(
        open_items(f), **{b.key: Count("id", _filter=_age_q(b.key, now)) for b in AGE_BUCKETS}
    )
    return [replace(b, count=row[b.key] or 0) for b in AGE_BUCKETS]


@dataclass(frozen=True)
class ReopenRate:
    reopened: int
    resolved: int  # items resolved at least once (reopened ones included)

    @property
    def share(self) -> float | None:
        return _share(self.reopened, self.resolved)


_EVER_RESOLVED = Q(resolved_at__isnull=False) | Q(reopen_count__gt=0)


def _reopen_counts() -> dict[str, Count]:
    return {
        "reopened": Count("id", _filter=Q(reopen_count__gt=0)),
        "resolved": Count("id", _filter=_EVER_RESOLVED),
    }


def _reopen(row: Mapping[str, Any]) -> ReopenRate:
    return ReopenRate(reopened=row["reopened"] or 0, resolved=row["resolved"] or 0)


async def reopen_rate(f: MetricFilters) -> ReopenRate:
    return _reopen(await one_row(items_in_view(f), **_reopen_counts()))


# --------------------------------------------------------------------------- surveys


NPS_GROUPS = ("promoters", "passives", "detractors")


def _nps_q(group: str) -> Q:
    return {
        "promoters": Q(recommend__gte=9),
        "passives": Q(recommend__gte=7, recommend__lte=8),
        "detractors": Q(recommend__lte=6),
    }[group]


@dataclass(frozen=True)
class Satisfaction:
    answers: int
    average: float | None  # 1..5
    promoters: int  # recommend 9-10
    passives: int
    detractors: int  # recommend 0-6

    @property
    def nps(self) -> float | None:
        """Net promoter score: % promoters minus % detractors (-100..100)."""
        if not self.answers:
            return None
        return 100 * (self.promoters - self.detractors) / self.answers


async def satisfaction(f: MetricFilters) -> Satisfaction:
    row = await one_row(
        surveys_in_view(f),
        answers=Count("id"),
        # Avg() would come back as the column's type (a small int, truncated): sum instead.
        total=Sum("satisfaction"),
        **{group: Count("id", _filter=_nps_q(group)) for group in NPS_GROUPS},
    )
    answers = row["answers"] or 0
    return Satisfaction(
        answers=answers,
        average=int(row["total"] or 0) / answers if answers else None,
        promoters=row["promoters"] or 0,
        passives=row["passives"] or 0,
        detractors=row["detractors"] or 0,
    )


# --------------------------------------------------------------------------- trends


@dataclass(frozen=True)
class SentimentWeek:
    week: date
    items: int
    average: float | None
    negative: int


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


async def _weekly_rows(f: MetricFilters) -> list[dict[str, Any]]:
    """Per week received (one grouped query): what the sentiment trend shows and, as
    `answered`, how many items have a first response (the response-time trend's counts)."""
    return (
        await items_in_view(f)
        .filter(created_week__isnull=False)
        .annotate(
            items=Count("id"),
            average=Avg("sentiment_score"),
            negative=Count("id", _filter=Q(sentiment_label="negative")),
            answered=Count("id", _filter=Q(first_response_business_seconds__isnull=False)),
        )
        .group_by("created_week")
        .values("created_week", "items", "average", "negative", "answered")
    )


async def sentiment_trend(
    f: MetricFilters, weekly: Sequence[Mapping[str, Any]] | None = None
) -> list[SentimentWeek]:
    """Per week received: how many items, their average sentiment and how many negative
    (from `_weekly_rows`, read here unless the caller already has them)."""
    rows = await _weekly_rows(f) if weekly is None else weekly
    weeks = [
        SentimentWeek(
            week=_as_date(row["created_week"]),
            items=row["items"] or 0,
            average=None if row["average"] is None else float(row["average"]),
            negative=row["negative"] or 0,
        )
        for row in rows
    ]
    return sorted(weeks, key=lambda w: w.week)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class TrendBucket:
    """One point of a weekly trend: `weeks` consecutive weeks starting on `start` (a Monday)."""

    start: date
    weeks: int
    count: int = 0
    median: float | None = None  # business seconds

    @property
    def end(self) -> date:
        """Exclusive: the Monday after the bucket."""
        return self.start + timedelta(weeks=self.weeks)

    @property
    def median_hours(self) -> float | None:
        return None if self.median is None else self.median / 3600


def trend_buckets(f: MetricFilters) -> list[TrendBucket]:
    """The weeks of the period, grouped so that a long period still has at most 26 points."""
    first, last = monday(f.start), monday(f.end)
    weeks = (last - first).days // 7 + 1
    step = math.ceil(weeks / MAX_TREND_POINTS)
    return [
        TrendBucket(start=first + timedelta(weeks=i), weeks=min(step, weeks - i))
        for i in range(0, weeks, step)
    ]


def _within(f: MetricFilters, start: date, end: date) -> MetricFilters:
    """The view narrowed to the weeks [start, end): `created_week` follows from `created_at`,
    so a range on `created_at` picks the same items and can use the (…, created_at) indexes.
    """
    return replace(f, start=max(f.start, start), end=min(f.end, end - timedelta(days=1)))


async def response_time_trend(
    f: MetricFilters, weekly: Sequence[Mapping[str, Any]] | None = None
) -> list[TrendBucket]:
    """Median business time to first response per week received (or per group of weeks).

    One grouped count (`_weekly_rows`, unless the caller already has them), then one
    `LIMIT 2 OFFSET k` read per non-empty point (at most 26).
    """
    column = _SECONDS_FIELD[FIRST_RESPONSE]
    has_value = {f"{column}__isnull": False}
    rows = await _weekly_rows(f) if weekly is None else weekly
    counts = {_as_date(row["created_week"]): row["answered"] or 0 for row in rows}
    result = []
    for bucket in trend_buckets(f):
        n = sum(c for week, c in counts.items() if bucket.start <= week < bucket.end)
        in_bucket = items_in_view(_within(f, bucket.start, bucket.end)).filter(**has_value)
        median = await percentile(in_bucket, column, 0.5, n)
        result.append(replace(bucket, count=n, median=median))
    return result


# --------------------------------------------------------------------------- resolutions


@dataclass(frozen=True)
class RootCause:
    root_cause: str
    items: int


async def root_causes(f: MetricFilters) -> list[RootCause]:
    """Items in view per root cause recorded on their resolutions, most frequent first.

    An item resolved twice for the same cause counts once for it.
    """
    rows = (
        await resolutions_in_view(f)
        .annotate(items=Count("item_id", distinct=True))
        .group_by("root_cause")
        .values("root_cause", "items")
    )
    causes = [RootCause(row["root_cause"], row["items"] or 0) for row in rows]
    return sorted(causes, key=lambda c: (-c.items, c.root_cause))


# --------------------------------------------------------------------------- complaints


#: What counts as a complaint for "what causes complaints": filed as one, or anything whose
#: sentiment is negative (an angry "comment" is a complaint all the same).
COMPLAINT_Q = Q(kind=Kind.COMPLAINT) | Q(sentiment_label="negative")


@dataclass(frozen=True)
class ComplaintTopic:
    category: str
    items: int  # in the period
    previous: int  # in the period of the same length just before

    @property
    def change(self) -> int:
        return self.items - self.previous


def previous_period(f: MetricFilters) -> MetricFilters:
    """The same view over the days just before it, as many as it has."""
    return replace(f, start=f.start - timedelta(days=f.days), end=f.start - timedelta(days=1))


async def _complaints_per_category(f: MetricFilters) -> dict[str, int]:
    rows = (
        await items_in_view(f)
        .filter(COMPLAINT_Q)
        .annotate(n=Count("id"))
        .group_by("category")
        .values("category", "n")
    )
    return {row["category"]: row["n"] or 0 for row in rows}


async def complaint_topics(f: MetricFilters) -> list[ComplaintTopic]:
    """Complaints per topic in the view and in the period before it, most complaints first.

    A topic that had complaints before but none now is listed too: a fix that worked.
    """
    now, before = await asyncio.gather(
        _complaints_per_category(f), _complaints_per_category(previous_period(f))
    )
    topics = [
        ComplaintTopic(category, now.get(category, 0), before.get(category, 0))
        for category in {*now, *before}
    ]
    return sorted(topics, key=lambda t: (-t.items, -t.previous, t.category))


@dataclass(frozen=True)
class Effort:
    items: int  # items with at least one resolution
    minutes: int

    @property
    def per_item(self) -> float | None:
        return None if not self.items else self.minutes / self.items


async def handling_effort(f: MetricFilters) -> Effort:
    """Handling effort recorded on resolutions, per resolved item."""
    row = await one_row(
        resolutions_in_view(f), items=Count("item_id", distinct=True), minutes=Sum("effort_minutes")
    )
    return Effort(items=row["items"] or 0, minutes=int(row["minutes"] or 0))


# --------------------------------------------------------------------------- per rep


def _item_counts() -> dict[str, Count]:
    """Every counting figure over items: received, how many have each timing, promises kept,
    breaches and reopenings."""
    return {
        "received": Count("id"),
        "fr_count": Count("id", _filter=Q(first_response_business_seconds__isnull=False)),
        "res_count": Count("id", _filter=Q(resolution_business_seconds__isnull=False)),
        **_promise_counts(),
        **_breach_counts(),
        **_reopen_counts(),
    }


async def _item_totals(f: MetricFilters) -> dict[str, Any]:
    """Every counting figure over the items in view in one pass (one query, many counts)."""
    return await one_row(items_in_view(f), **_item_counts())


async def _counts_by_owner(f: MetricFilters) -> list[dict[str, Any]]:
    """`_item_counts` per owner of the items in view (one grouped query, a row per owner)."""
    counts = _item_counts()
    return (
        await items_in_view(f).annotate(**counts).group_by("owner_id").values("owner_id", *counts)
    )


def _sum_counts(rows: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    """The view's totals from its per-owner counts: every item has exactly one owner_id
    (NULL included), so the counts add up exactly."""
    return {key: sum(row[key] or 0 for row in rows) for key in _item_counts()}


@dataclass(frozen=True)
class RepCompliance:
    rep_id: int | None  # None: unassigned items
    name: str
    items: int
    first_response_met: int
    first_response_known: int
    resolution_met: int
    resolution_known: int

    @property
    def first_response_share(self) -> float | None:
        return _share(self.first_response_met, self.first_response_known)

    @property
    def resolution_share(self) -> float | None:
        return _share(self.resolution_met, self.resolution_known)


async def compliance_by_rep(
    f: MetricFilters, by_owner: Sequence[Mapping[str, Any]] | None = None
) -> list[RepCompliance]:
    """Per owner: items in view and the share meeting each target (one grouped query, or the
    rows of `_counts_by_owner` when the caller already has them)."""
    if by_owner is None:
        rows: Sequence[Mapping[str, Any]] = (
            await items_in_view(f)
            .annotate(received=Count("id"), **_promise_counts())
            .group_by("owner_id")
            .values("owner_id", "received", *_promise_counts())
        )
    else:
        rows = by_owner
    ids = [row["owner_id"] for row in rows if row["owner_id"] is not None]
    names = dict(await StaffUser.filter(id__in=ids).values_list("id", "name")) if ids else {}
    reps = [
        RepCompliance(
            rep_id=row["owner_id"],
            name=names.get(row["owner_id"], "Unassigned")
            if row["owner_id"] is not None
            else "Unassigned",
            items=row["received"] or 0,
            first_response_met=row["fr_met"] or 0,
            first_response_known=row["fr_known"] or 0,
            resolution_met=row["res_met"] or 0,
            resolution_known=row["res_known"] or 0,
        )
        for row in rows
    ]
    return sorted(reps, key=lambda r: (r.rep_id is None, r.name.lower(), r.rep_id or 0))


@dataclass(frozen=True)
class FollowUpRecord:
    """Follow-ups the rep owed in the period (due by `now`) and how they were kept."""

    due: int
    on_time: int
    late: int
    overdue: int  # not done yet

    @property
    def on_time_share(self) -> float | None:
        return _share(self.on_time, self.due)


async def follow_up_record(rep_id: int, f: MetricFilters, now: datetime) -> FollowUpRecord:
    qs = FollowUp.filter(
        owner_id=rep_id,
        due_at__gte=f.start_at,
        due_at__lt=min(f.end_at, now),
    )
    row = await one_row(
        qs,
        due=Count("id"),
        on_time=Count("id", _filter=Q(done_at__lte=F("due_at"))),
        late=Count("id", _filter=Q(done_at__gt=F("due_at"))),
        overdue=Count("id", _filter=Q(done_at__isnull=True)),
    )
    return FollowUpRecord(**{key: row[key] or 0 for key in ("due", "on_time", "late", "overdue")})


@dataclass(frozen=True)
class RepPerformance:
    """What an appraisal looks at for one rep over a period."""

    rep_id: int
    customers_owned: int
    follow_ups: FollowUpRecord
    items_handled: int
    items_resolved: int  # resolved at least once
    promises: PromisesKept
    first_response: Timing
    resolution: Timing
    satisfaction: Satisfaction
    reopen: ReopenRate


async def rep_performance(rep_id: int, f: MetricFilters, now: datetime) -> RepPerformance:
    """The rep's figures over the period (the view's team/category/segment still apply)."""
    f = replace(f, rep_id=rep_id)
    totals = await _item_totals(f)
    # Independent queries: concurrent on PostgreSQL's pool (see `dashboard`).
    customers_owned, follow_ups, first_response, resolution, satisfied = await asyncio.gather(
        Customer.filter(owner_id=rep_id).count(),
        follow_up_record(rep_id, f, now),
        response_time(f, FIRST_RESPONSE, totals["fr_count"] or 0),
        response_time(f, RESOLUTION, totals["res_count"] or 0),
        satisfaction(f),
    )
    return RepPerformance(
        rep_id=rep_id,
        customers_owned=customers_owned,
        follow_ups=follow_ups,
        items_handled=totals["received"] or 0,
        items_resolved=totals["resolved"] or 0,
        promises=_promises(totals),
        first_response=first_response,
        resolution=resolution,
        satisfaction=satisfied,
        reopen=_reopen(totals),
    )


# --------------------------------------------------------------------------- dashboard


@dataclass(frozen=True)
class Dashboard:
    filters: MetricFilters
    now: datetime
    received: int
    first_response: Timing
    resolution: Timing
    promises: PromisesKept
    breaches: Breaches
    backlog: list[AgeBucket]
    reopen: ReopenRate
    satisfaction: Satisfaction
    sentiment: list[SentimentWeek]
    root_causes: list[RootCause]
    complaint_topics: list[ComplaintTopic]
    effort: Effort
    response_trend: list[TrendBucket]
    reps: list[RepCompliance]

    @property
    def backlog_total(self) -> int:
        return sum(b.count for b in self.backlog)


async def dashboard(f: MetricFilters, now: datetime) -> Dashboard:
    """Every figure of the managers' dashboard for one view.

    The counting figures (received, promises kept, breaches, reopen rate, how many items
    have each timing, and compliance per rep) come from one pass over the items in view,
    grouped by owner, and the two weekly trends share another, grouped by week, rather than
    one query each. The figures are independent of one another, so their queries run
    concurrently: on PostgreSQL each takes its own pooled connection (one year at 1M items:
    about 7 s one after another, 3-4 s together, on a loaded 2-core machine); SQLite's
    single connection still runs them one at a time.
    """
    by_owner, weekly = await asyncio.gather(_counts_by_owner(f), _weekly_rows(f))
    totals = _sum_counts(by_owner)
    (
        first_response,
        resolution,
        backlog,
        satisfied,
        sentiment,
        causes,
        topics,
        effort,
        response_trend,
        reps,
    ) = await asyncio.gather(
        response_time(f, FIRST_RESPONSE, totals["fr_count"] or 0),
        response_time(f, RESOLUTION, totals["res_count"] or 0),
        backlog_by_age(f, now),
        satisfaction(f),
        sentiment_trend(f, weekly),
        root_causes(f),
        complaint_topics(f),
        handling_effort(f),
        response_time_trend(f, weekly),
        compliance_by_rep(f, by_owner),
    )
    return Dashboard(
        filters=f,
        now=now,
        received=totals["received"] or 0,
        first_response=first_response,
        resolution=resolution,
        promises=_promises(totals),
        breaches=_breaches(totals),
        backlog=backlog,
        reopen=_reopen(totals),
        satisfaction=satisfied,
        sentiment=sentiment,
        root_causes=causes,
        complaint_topics=topics,
        effort=effort,
        response_trend=response_trend,
        reps=reps,
    )


# --------------------------------------------------------------------------- drill-down


class UnknownFigure(ValueError):
    """The drill-down asked for a figure or bucket the dashboard does not have."""


FIGURES: dict[str, str] = {
    "received": N_("Items received"),
    "first_response": N_("Items with a first response"),
    "resolution": N_("Items resolved"),
    "first_response_met": N_("First-response target"),
    "resolution_met": N_("Resolution target"),
    "breaches": N_("Breaches"),
    "backlog": N_("Open items (backlog)"),
    "reopened": N_("Reopened items"),
    "surveys": N_("Survey answers"),
    "sentiment": N_("Items received"),
    "negative": N_("Negative feedback"),
    "root_cause": N_("Items by root cause"),
    "complaints": N_("Complaints by topic"),
    "effort": N_("Items with recorded effort"),
    "response_trend": N_("First responses by week received"),
    "rep": N_("Items by owner"),
}


def _week(bucket: str) -> date:
    try:
        return monday(date.fromisoformat(bucket))
    except ValueError:
        raise UnknownFigure(bucket) from None


def _trend_bucket(f: MetricFilters, bucket: str) -> TrendBucket:
    start = _week(bucket)
    trend = next((t for t in trend_buckets(f) if t.start == start), None)
    if trend is None:
        raise UnknownFigure(bucket)
    return trend


def _met_q(kind: str, bucket: str) -> Q:
    column = _MET_FIELD[kind]
    if bucket == "met":
        return Q(**{column: True})
    if bucket == "missed":
        return Q(**{column: False})
    if bucket == "":
        return Q(**{f"{column}__isnull": False})
    raise UnknownFigure(bucket)


def items_for_figure(
    f: MetricFilters, figure: str, bucket: str, now: datetime
) -> QuerySet[FeedbackItem]:
    """The items behind one figure of the dashboard (the drill-down and the CSV export)."""
    if figure not in FIGURES:
        raise UnknownFigure(figure)
    items = items_in_view(f)
    if figure == "received":
        return items
    if figure in (FIRST_RESPONSE, RESOLUTION):
        return items.filter(**{f"{_SECONDS_FIELD[figure]}__isnull": False})
    if figure == "first_response_met":
        return items.filter(_met_q(FIRST_RESPONSE, bucket))
    if figure == "resolution_met":
        return items.filter(_met_q(RESOLUTION, bucket))
    if figure == "breaches":
        if bucket and bucket not in BREACH_KINDS:
            raise UnknownFigure(bucket)
        return items.filter(_breach_q(bucket or None))
    if figure == "backlog":
        if bucket and bucket not in AGE_BUCKET_KEYS:
            raise UnknownFigure(bucket)
        return open_items(f).filter(_age_q(bucket, now)) if bucket else open_items(f)
    if figure == "reopened":
        return items.filter(reopen_count__gt=0)
    if figure == "surveys":
        surveys = surveys_in_view(f)
        if bucket:
            if bucket not in NPS_GROUPS:
                raise UnknownFigure(bucket)
            surveys = surveys.filter(_nps_q(bucket))
        return FeedbackItem.filter(id__in=_column_of(surveys, "item_id"))
    if figure in ("sentiment", "negative"):
        if bucket:
            week = _week(bucket)
            items = items_in_view(_within(f, week, week + timedelta(weeks=1)))
        return items.filter(sentiment_label="negative") if figure == "negative" else items
    if figure == "root_cause":
        causes = resolutions_in_view(f).filter(root_cause=bucket)
        return FeedbackItem.filter(id__in=_column_of(causes, "item_id"))
    if figure == "complaints":
        complaints = items.filter(COMPLAINT_Q)
        return complaints.filter(category=bucket) if bucket else complaints
    if figure == "effort":
        return FeedbackItem.filter(id__in=_column_of(resolutions_in_view(f), "item_id"))
    if figure == "response_trend":
        if bucket:
            trend = _trend_bucket(f, bucket)
            items = items_in_view(_within(f, trend.start, trend.end))
        return items.filter(first_response_business_seconds__isnull=False)
    # figure == "rep"
    if bucket == "none":
        return items.filter(owner_id__isnull=True)
    if not _is_id(bucket):
        raise UnknownFigure(bucket)
    return items.filter(owner_id=int(bucket))


def _is_id(value: str) -> bool:
    return value.isascii() and value.isdigit() and 0 < int(value) < 2**31


#: The drill-down headings' words for the buckets that are keys (the rest are names).
_BUCKET_WORDS = {
    "met": N_("met"),
    "missed": N_("missed"),
    "first_response": N_("first response missed"),
    "resolution": N_("resolution missed"),
    "escalated": N_("escalated"),
    "promoters": N_("promoters"),
    "passives": N_("passives"),
    "detractors": N_("detractors"),
    **{b.key: b.label.lower() for b in AGE_BUCKETS},
}


async def describe_figure(f: MetricFilters, figure: str, bucket: str) -> str:
    """A heading for the drill-down list, in the reader's language, with the bucket as the
    dashboard shows it: a rep's name ("Unassigned" for none), a week as its tables write it
    ("week of 9 Nov 2026"), a backlog age, a target or breach in words, or the category or
    root cause itself. Raises `UnknownFigure` for a rep who does not exist."""
    title = gettext(FIGURES.get(figure, figure))
    if not bucket:
        return title
    if figure == "rep":
        if bucket == "none":
            label = gettext("Unassigned")
        else:
            rep = await StaffUser.get_or_none(id=int(bucket)) if _is_id(bucket) else None
            if rep is None:
                raise UnknownFigure(bucket)
            label = rep.name
    elif figure in ("sentiment", "negative"):
        label = gettext("week of %(day)s") % {"day": format_day(_week(bucket))}
    elif figure == "response_trend":
        trend = _trend_bucket(f, bucket)
        day = format_day(trend.start)
        label = (
            gettext("week of %(day)s") % {"day": day}
            if trend.weeks == 1
            else gettext("%(weeks)s weeks from %(day)s") % {"weeks": trend.weeks, "day": day}
        )
    elif bucket in _BUCKET_WORDS and figure not in ("root_cause", "complaints"):
        label = gettext(_BUCKET_WORDS[bucket])
    else:  # a root cause or a category, as recorded
        label = bucket
    return gettext("%(figure)s: %(bucket)s") % {"figure": title, "bucket": label}


# --------------------------------------------------------------------------- CSV export

EXPORT_COLUMNS: Sequence[str] = (
    "reference",
    "created_at",
    "category",
    "kind",
    "priority",
    "segment",
    "owner",
    "team",
    "status",
    "first_response_at",
    "first_response_business_hours",
    "first_response_met",
    "resolved_at",
    "resolution_business_hours",
    "resolution_met",
    "reopen_count",
    "sentiment_label",
    "sentiment_score",
    "root_cause",
    "effort_minutes",
    "satisfaction",
    "recommend",
)
_EXPORT_VALUES = (
    "id",
    "reference",
    "created_at",
    "category",
    "kind",
    "priority",
    "customer__segment",
    "owner__name",
    "team__name",
    "status",
    "first_response_at",
    "first_response_business_seconds",
    "first_response_met",
    "resolved_at",
    "resolution_business_seconds",
    "resolution_met",
    "reopen_count",
    "sentiment_label",
    "sentiment_score",
    "survey__satisfaction",
    "survey__recommend",
)
EXPORT_CHUNK = 1000


async def export_rows(
    items: QuerySet[FeedbackItem], chunk: int = EXPORT_CHUNK
) -> AsyncIterator[list[dict[str, Any]]]:
    """Yield the export rows `chunk` items at a time, oldest first, by keyset pagination.

    The key is (created_at, id) rather than id alone: every view is a `created_at` range,
    and `WHERE id > last ORDER BY id` made SQLite sort the rest of the range again for every
    chunk (quadratic). `created_at >= last_at` moves the start of the index range instead.
    Each chunk is two queries: the items with their owner, team, segment and survey, then
    their resolutions (latest root cause, total effort). Memory stays flat however many
    items match.
    """
    last: tuple[datetime, int] | None = None
    while True:
        page = items
        if last is not None:
            page = page.filter(Q(created_at__gte=last[0]) & ~Q(created_at=last[0], id__lte=last[1]))
        rows = await page.order_by("created_at", "id").limit(chunk).values(*_EXPORT_VALUES)
        if not rows:
            return
        last = (rows[-1]["created_at"], rows[-1]["id"])
        latest: dict[int, str] = {}
        effort: dict[int, int] = {}
        for res in (
            await Resolution.filter(item_id__in=[row["id"] for row in rows])
            .order_by("item_id", "created_at", "id")
            .values("item_id", "root_cause", "effort_minutes")
        ):
            latest[res["item_id"]] = res["root_cause"]
            effort[res["item_id"]] = effort.get(res["item_id"], 0) + (res["effort_minutes"] or 0)
        yield [_export_row(row, latest.get(row["id"]), effort.get(row["id"])) for row in rows]
        if len(rows) < chunk:
            return


def _hours(seconds: int | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 2)


def _export_row(row: dict[str, Any], root_cause: str | None, effort: int | None) -> dict:
    return {
        "reference": row["reference"],
        "created_at": row["created_at"],
        "category": row["category"],
        "kind": row["kind"],
        "priority": row["priority"],
        "segment": row["customer__segment"],
        "owner": row["owner__name"],
        "team": row["team__name"],
        "status": row["status"],
        "first_response_at": row["first_response_at"],
        "first_response_business_hours": _hours(row["first_response_business_seconds"]),
        "first_response_met": row["first_response_met"],
        "resolved_at": row["resolved_at"],
        "resolution_business_hours": _hours(row["resolution_business_seconds"]),
        "resolution_met": row["resolution_met"],
        "reopen_count": row["reopen_count"],
        "sentiment_label": row["sentiment_label"],
        "sentiment_score": row["sentiment_score"],
        "root_cause": root_cause,
        "effort_minutes": effort,
        "satisfaction": row["survey__satisfaction"],
        "recommend": row["survey__recommend"],
    }


_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str | int | float:
    """One CSV cell. Text that a spreadsheet would run as a formula gets a leading `'`.

    Numbers are left as numbers (a negative sentiment score is not a formula, and managers
    sum these columns); every text cell, which may hold what a customer typed, is guarded.
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int | float):
        return value
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat(timespec="seconds")
    if isinstance(value, Enum):
        value = value.value
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


async def export_csv(items: QuerySet[FeedbackItem]) -> AsyncIterator[str]:
    """The CSV text of `items`, a header then one chunk of rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(EXPORT_COLUMNS)
    yield flush()
    async for rows in export_rows(items):
        for row in rows:
            writer.writerow([csv_cell(row[column]) for column in EXPORT_COLUMNS])
        yield flush()
