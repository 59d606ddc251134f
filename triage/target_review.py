"""What the targets achieved lately, next to each target on `/manage/targets`.

A response-time target is a promise, so before a manager sets one they see what the last
`REVIEW_WEEKS` weeks actually achieved for the items that target governs, and a verdict in
plain words. The rule, in one place:

* **Which items.** Items *received* in the window (a cohort, as on the dashboard), merged
  duplicates left out, by priority and the customer's segment. A segment row counts that
  segment's items; the "any segment" row counts the items it governs: its priority, every
  segment without a row of its own (a segment row saved for a segment no longer configured
  still takes its items away, as it does in `triage.sla.policy_for_item`).
* **Kept** is measured against the target *as set now*, so a changed target is judged at
  once: an item whose clock stopped counts as kept when its stored business seconds are at
  most the target. An item without stored seconds whose outcome is known anyway (still open
  past its due time, or closed without a public reply) counts by its stored met flag, so
  slow items still open are not left out to flatter the figure.
* **Median and p90** are business hours over the items whose clock stopped, with the same
  linear interpolation as `triage.metrics.percentile` (PostgreSQL's ``percentile_cont``).
* **Verdict** (`verdict`): under `MIN_ITEMS` known outcomes, "too few items to judge"; kept
  at least `REALISTIC_SHARE` of the time, "realistic"; otherwise the p90, rounded up by
  `PROMISE_STEPS`, is suggested as a promise that would be kept.

Every figure comes from two queries for all targets together (counts grouped by target,
and the percentile neighbours picked with window functions), on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction
from typing import Any

from tortoise import connections

from triage.metrics import interpolate, quantile_positions
from triage.models import TargetSetting
from triage.priority import PRIORITIES
from triage.settings_forms import format_hours as format_minutes_as_hours
from triage.targets import DEFAULT_POLICIES

REVIEW_WEEKS = 8
"""How far back the figures look (items received in the last 8 weeks)."""

MIN_ITEMS = 20
"""Fewer known outcomes than this and a share says little: no verdict."""

REALISTIC_SHARE = 0.80
"""A target kept at least this share of the time is realistic."""

PROMISE_STEPS: tuple[tuple[float, float], ...] = (
    (1, 0.25),  # up to 1 h: quarter hours
    (4, 0.5),  # up to 4 h: half hours
    (12, 1),  # up to 12 h: whole hours
    (40, 4),  # up to a working week: half days
    (math.inf, 8),  # beyond: whole business days
)
"""(up to this many hours, round up to a multiple of this many) for a suggested promise."""

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"
KINDS = (FIRST_RESPONSE, RESOLUTION)
_MEDIAN, _P90 = Fraction(1, 2), Fraction(9, 10)


# --------------------------------------------------------------------------- the verdict


@dataclass(frozen=True)
class Verdict:
    """``tone`` is ``"unknown"`` (too few items), ``"ok"`` (realistic) or ``"warn"``."""

    tone: str
    text: str
    suggested_hours: float | None = None


def suggest_promise(p90_hours: float) -> float:
    """The p90 rounded up to a sensible step (`PROMISE_STEPS`): 11.2 -> 12, 2.1 -> 2.5."""
    for up_to, step in PROMISE_STEPS:
        if p90_hours <= up_to:
            # A tiny tolerance: 12.0000001 h from float seconds is still 12 h.
            return max(step, math.ceil(p90_hours / step - 1e-9) * step)
    raise AssertionError("the last step has no upper bound")  # pragma: no cover


def format_hours(hours: float) -> str:
    """Hours as a manager types them on the page: ``"8"``, ``"0.5"``, ``"0.25"``."""
    return format_minutes_as_hours(round(hours * 60))


def verdict(
    target_hours: float, known: int, kept_share: float | None, p90_hours: float | None
) -> Verdict:
    """The plain-words verdict on one target (see the module docstring for the rule).

    ``known`` is how many items have a known outcome, ``kept_share`` the share of them that
    kept the target, ``p90_hours`` the p90 of the business hours actually taken.
    """
    if known < MIN_ITEMS or kept_share is None:
        return Verdict("unknown", f"too few items to judge ({known} of {MIN_ITEMS} needed)")
    kept = f"kept {math.floor(kept_share * 100 + 1e-9)}%"
    if kept_share >= REALISTIC_SHARE:
        return Verdict("ok", f"{kept} — realistic")
    target = format_hours(target_hours)
    if p90_hours is None or suggest_promise(p90_hours) <= target_hours:
        # The misses are items still open past the target (no time stored yet).
        return Verdict("warn", f"{kept}: items still open past {target} h — staff it")
    promise = suggest_promise(p90_hours)
    return Verdict(
        "warn",
        f"{kept}: p90 is {p90_hours:.1f} h against {target} h — "
        f"either staff it or promise {format_hours(promise)} h",
        promise,
    )


# --------------------------------------------------------------------------- the figures


@dataclass(frozen=True)
class Achieved:
    """One target (first response or resolution) of one row, over the window."""

    kind: str
    target_seconds: int
    known: int  # items whose outcome is known
    kept: int
    timed: int  # items whose clock stopped (the percentiles are over these)
    median: float | None  # business seconds
    p90: float | None

    @property
    def target_hours(self) -> float:
        return self.target_seconds / 3600

    @property
    def target_text(self) -> str:
        """The target as typed on the page: ``"8"``, ``"0.5"``."""
        return format_hours(self.target_hours)

    @property
    def kept_share(self) -> float | None:
        return self.kept / self.known if self.known else None

    @property
    def median_hours(self) -> float | None:
        return None if self.median is None else self.median / 3600

    @property
    def p90_hours(self) -> float | None:
        return None if self.p90 is None else self.p90 / 3600

    @property
    def verdict(self) -> Verdict:
        return verdict(self.target_hours, self.known, self.kept_share, self.p90_hours)


@dataclass(frozen=True)
class TargetReview:
    """What one target row (priority, segment; ``""`` = any segment) achieved."""

    priority: str
    segment: str
    items: int
    first_response: Achieved
    resolution: Achieved


async def applicable_targets(segments: Iterable[str]) -> dict[tuple[str, str], tuple[int, int]]:
    """(first response, resolution) seconds that apply to each row of the targets page.

    The same rule as `triage.sla.policy_for_item`: the segment's own row, else the priority's
    any-segment row, else the shipped default.
    """
    overrides = {
        (row.priority, row.segment): (row.first_response_minutes * 60, row.resolution_minutes * 60)
        for row in await TargetSetting.all()
    }
    result = {}
    for priority in PRIORITIES:
        policy = DEFAULT_POLICIES[priority]
        shipped = (
            int(policy.first_response.total_seconds()),
            int(policy.resolution.total_seconds()),
        )
        for segment in ("", *segments):
            result[priority, segment] = (
                overrides.get((priority, segment)) or overrides.get((priority, "")) or shipped
            )
    return result


class _Sql:
    """Parameters in the connection's own placeholder style (``?`` or ``$n``)."""

    def __init__(self, dialect: str) -> None:
        self.postgres = dialect == "postgres"
        self.values: list[Any] = []

    def param(self, value: Any, cast: str = "") -> str:
        self.values.append(value)
        mark = f"${len(self.values)}" if self.postgres else "?"
        # PostgreSQL cannot guess a type for a bare parameter inside VALUES.
        return f"CAST({mark} AS {cast})" if cast and self.postgres else mark


def _scoped_cte(sql: _Sql, targets: Mapping[tuple[str, str], tuple[int, int]], since, until) -> str:  # noqa: ANN001
    """`scoped`: one row per (item, target row it belongs to) with that row's targets.

    An item counts for its segment's row (if shown) and for its priority's any-segment row
    unless its segment has a saved row of its own.
    """
    rows = ", ".join(
        f"({sql.param(p, 'VARCHAR')}, {sql.param(s, 'VARCHAR')}, "
        f"{sql.param(fr, 'INTEGER')}, {sql.param(res, 'INTEGER')})"
        for (p, s), (fr, res) in targets.items()
    )
    since_mark, until_mark = sql.param(since), sql.param(until)
    columns = "b.priority, t.scope, b.fr, b.res, b.fr_flag, b.res_flag, t.fr_target, t.res_target"
    return f"""
    targets (priority, scope, fr_target, res_target) AS (VALUES {rows}),
    base AS (
        SELECT i.priority AS priority, c.segment AS segment,
               i.first_response_business_seconds AS fr, i.resolution_business_seconds AS res,
               i.first_response_met AS fr_flag, i.resolution_met AS res_flag
        FROM feedback_item i JOIN customer c ON c.id = i.customer_id
        WHERE i.merged_into_id IS NULL
          AND i.created_at >= {since_mark} AND i.created_at < {until_mark}
    ),
    scoped AS (
        SELECT {columns} FROM base b
        JOIN targets t ON t.priority = b.priority AND t.scope = b.segment AND t.scope <> ''
        UNION ALL
        SELECT {columns} FROM base b
        JOIN targets t ON t.priority = b.priority AND t.scope = ''
        WHERE NOT EXISTS (
            SELECT 1 FROM target_setting o
            WHERE o.priority = b.priority AND o.segment = b.segment AND o.segment <> ''
        )
    )"""  # noqa: S608 - only placeholders and fixed names are interpolated


def _counts_sql(scoped: str) -> str:
    def kept(short: str) -> str:
        return (
            f"SUM(CASE WHEN {short} IS NOT NULL THEN "
            f"CASE WHEN {short} <= {short}_target THEN 1 ELSE 0 END "
            f"WHEN {short}_flag THEN 1 ELSE 0 END)"
        )

    def known(short: str) -> str:
        return f"SUM(CASE WHEN {short} IS NOT NULL OR {short}_flag IS NOT NULL THEN 1 ELSE 0 END)"

    return f"""WITH {scoped}
    SELECT priority, scope, COUNT(*) AS items,
           {known("fr")} AS fr_known, {kept("fr")} AS fr_kept, COUNT(fr) AS fr_timed,
           {known("res")} AS res_known, {kept("res")} AS res_kept, COUNT(res) AS res_timed
    FROM scoped GROUP BY priority, scope"""  # noqa: S608 - fixed names only


def _positions(fraction: Fraction) -> str:
    """SQL for the 0-based index below (and above) the quantile: floor(p * (n - 1))."""
    below = f"{fraction.numerator} * (n - 1) / {fraction.denominator}"  # integer division
    return f"{below}, {below} + 1"


def _neighbours_sql(scoped: str) -> str:
    """The one or two sorted values around each median and p90, per row and kind."""

    def ranked(kind: str, short: str) -> str:
        return f"""SELECT priority, scope, '{kind}' AS kind, {short} AS v,
            ROW_NUMBER() OVER (PARTITION BY priority, scope ORDER BY {short}) - 1 AS i,
            COUNT(*) OVER (PARTITION BY priority, scope) AS n
            FROM scoped WHERE {short} IS NOT NULL"""  # noqa: S608 - fixed names only

    return f"""WITH {scoped},
    ranked AS ({ranked(FIRST_RESPONSE, "fr")} UNION ALL {ranked(RESOLUTION, "res")})
    SELECT priority, scope, kind, i, n, v FROM ranked
    WHERE i IN ({_positions(_MEDIAN)}, {_positions(_P90)})"""  # noqa: S608 - fixed names


def quantile(values: Mapping[int, float], n: int, fraction: Fraction) -> float | None:
    """The quantile from the values read at the sorted indexes `metrics.quantile_positions`
    names (the SQL above picks the same ones)."""
    if n <= 0:
        return None
    lo, hi, rest = quantile_positions(float(fraction), n)
    if lo not in values:
        return None
    return interpolate(values[lo], values.get(hi, values[lo]), rest)


async def review_targets(
    segments: Sequence[str], now: datetime
) -> dict[tuple[str, str], TargetReview]:
    """What every row of the targets page achieved over the last `REVIEW_WEEKS` weeks.

    Keyed by (priority, segment), ``""`` for any segment; every row is present (zeros when
    nothing came in). Two queries whatever the number of rows.
    """
    targets = await applicable_targets(segments)
    since, until = now - timedelta(weeks=REVIEW_WEEKS), now
    connection = connections.get("default")
    dialect = connection.capabilities.dialect

    counts_sql = _Sql(dialect)
    counts = await connection.execute_query_dict(
        _counts_sql(_scoped_cte(counts_sql, targets, since, until)), counts_sql.values
    )
    neighbours_sql = _Sql(dialect)
    neighbours = await connection.execute_query_dict(
        _neighbours_sql(_scoped_cte(neighbours_sql, targets, since, until)), neighbours_sql.values
    )

    by_row = {(r["priority"], r["scope"]): r for r in counts}
    picked: dict[tuple[str, str, str], dict[int, float]] = {}
    sizes: dict[tuple[str, str, str], int] = {}
    for r in neighbours:  # at most four rows per target and kind, never one per item
        key = (r["priority"], r["scope"], r["kind"])
        picked.setdefault(key, {})[int(r["i"])] = float(r["v"])
        sizes[key] = int(r["n"])

    def achieved(priority: str, segment: str, kind: str, short: str, target: int) -> Achieved:
        row = by_row.get((priority, segment), {})
        key = (priority, segment, kind)
        values, n = picked.get(key, {}), sizes.get(key, 0)
        return Achieved(
            kind=kind,
            target_seconds=target,
            known=int(row.get(f"{short}_known") or 0),
            kept=int(row.get(f"{short}_kept") or 0),
            timed=int(row.get(f"{short}_timed") or 0),
            median=quantile(values, n, _MEDIAN),
            p90=quantile(values, n, _P90),
        )

    return {
        (priority, segment): TargetReview(
            priority=priority,
            segment=segment,
            items=int(by_row.get((priority, segment), {}).get("items") or 0),
            first_response=achieved(priority, segment, FIRST_RESPONSE, "fr", fr),
            resolution=achieved(priority, segment, RESOLUTION, "res", res),
        )
        for (priority, segment), (fr, res) in targets.items()
    }
