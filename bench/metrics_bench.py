"""How long each managers' dashboard figure takes on a large database.

    .venv/bin/python bench/metrics_bench.py                    # 1,000,000 items, temp SQLite
    .venv/bin/python bench/metrics_bench.py --items 100000
    .venv/bin/python bench/metrics_bench.py --database-url postgres://postgres@127.0.0.1:5432/bench

Migrates the database with the real migrations (`portal.cli.migrate_database`), fills it
with N feedback items spread over two years (8 reps in 3 teams, 7 categories, about 80%
resolved with business seconds and met flags, resolutions with root causes and effort,
surveys for about 20% of items, follow-ups), then times every figure function of
`triage.metrics` for the default 28 days, for one year, and for one year narrowed to a team
and a customer segment. Rows go in with one multi-row statement per 10,000 rows through
the Tortoise connection (COPY on PostgreSQL), so generation takes a minute or two.

A database given with --database-url must be empty, unless --reuse says to time what is
there (e.g. a second run on the same database). --add-indexes creates the indexes proposed
in PROPOSED_INDEXES first, to compare: run once without, then with --reuse --add-indexes.
SQLite is timed without ANALYZE statistics, as the app leaves it.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import random
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_db import bench_database, catch_up_id_sequences, create_bench_reps  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from triage import metrics  # noqa: E402
from triage.metrics import MetricFilters  # noqa: E402

BATCH = 10_000
DAY = 86_400
HOUR = 3_600
CATEGORIES = {
    "Product": 25,
    "Delivery": 25,
    "Billing": 15,
    "Service": 15,
    "Website": 10,
    "Staff": 5,
    "Other": 5,
}
KINDS = {"complaint": 50, "comment": 15, "question": 15, "suggestion": 10, "praise": 10}
PRIORITIES = {"urgent": 5, "high": 20, "normal": 60, "low": 15}
SEGMENTS = {"key": 10, "regular": 50, "new": 40}
ROOT_CAUSES = {
    "Our own policy or process": 30,
    "Product defect": 25,
    "Delivery": 20,
    "Staff behaviour": 5,
    "Customer misunderstanding": 15,
    "Other": 5,
}
# (first response, resolution) targets in business hours, as the shipped defaults roughly are
TARGETS = {"urgent": (1, 8), "high": (4, 24), "normal": (8, 40), "low": (16, 80)}
OPEN = ("new", "assigned", "in_progress", "waiting_on_customer")


# The indexes this benchmark argues for (see --add-indexes): a team or rep filter is then a
# range scan of the period instead of a walk through all that team's or rep's items.
PROPOSED_INDEXES = {
    "idx_bench_item_team_created": ("feedback_item", ("team_id", "created_at")),
    "idx_bench_item_owner_created": ("feedback_item", ("owner_id", "created_at")),
}


def pick(rng: random.Random, weights: dict[str, int], k: int) -> list[str]:
    return rng.choices(list(weights), weights=list(weights.values()), k=k)


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


class Writer:
    """Bulk inserts through the Tortoise connection: COPY on PostgreSQL, multi-row INSERTs
    on SQLite (one statement per few hundred rows, one transaction per batch)."""

    def __init__(self, is_sqlite: bool) -> None:
        self.is_sqlite = is_sqlite
        self.conn = Tortoise.get_connection("default")

    @staticmethod
    def _sqlite_value(value: Any) -> Any:
        if isinstance(value, bool):
            return int(value)
        if isinstance(value, datetime):
            return str(value)  # Tortoise's own storage format: "2026-03-31 12:00:00+00:00"
        if isinstance(value, date):
            return value.isoformat()
        return value

    async def insert(self, table: str, columns: Sequence[str], rows: list[tuple]) -> None:
        if not rows:
            return
        if not self.is_sqlite:
            async with self.conn.acquire_connection() as raw:  # type: ignore[attr-defined]
                await raw.copy_records_to_table(table, records=rows, columns=list(columns))
            return
        per_statement = max(1, 30_000 // len(columns))  # stay under SQLite's variable limit
        names = ", ".join(f'"{c}"' for c in columns)
        one = "(" + ", ".join("?" * len(columns)) + ")"
        async with self.conn.acquire_connection() as raw:  # type: ignore[attr-defined]
            await raw.execute("BEGIN")
            for start in range(0, len(rows), per_statement):
                chunk = rows[start : start + per_statement]
                values = ", ".join([one] * len(chunk))
                sql = f'INSERT INTO "{table}" ({names}) VALUES {values}'  # noqa: S608 - our names
                flat = [self._sqlite_value(v) for row in chunk for v in row]
                await raw.execute(sql, flat)
            await raw.commit()


ITEM_COLUMNS = (
    "id",
    "reference",
    "customer_id",
    "kind",
    "category",
    "channel",
    "touchpoint",
    "order_reference",
    "subject",
    "status",
    "priority",
    "sentiment_score",
    "sentiment_label",
    "sentiment_confidence",
    "sentiment_scorer",
    "owner_id",
    "team_id",
    "needs_triage",
    "next_due_kind",
    "sla_state",
    "paused_seconds",
    "warned_for",
    "escalated_for",
    "language",
    "reopen_count",
    "first_response_business_seconds",
    "resolution_business_seconds",
    "first_response_met",
    "resolution_met",
    "created_week",
    "version",
    "created_at",
    "updated_at",
    "first_response_at",
    "resolved_at",
)
RESOLUTION_COLUMNS = (
    "item_id",
    "outcome",
    "outcome_detail",
    "root_cause",
    "remedy",
    "message_to_customer",
    "effort_minutes",
    "resolved_by_id",
    "created_at",
)
SURVEY_COLUMNS = (
    "item_id",
    "satisfaction",
    "recommend",
    "comment",
    "owner_id_at_answer",
    "team_id_at_answer",
    "category",
    "created_at",
    "updated_at",
)
FOLLOW_UP_COLUMNS = (
    "item_id",
    "customer_id",
    "owner_id",
    "due_at",
    "note",
    "done_at",
    "created_at",
)


def generate_items(
    rng: random.Random,
    n: int,
    now: datetime,
    reps: list[tuple[int, int]],
    customers: int,
    first_id: int,
) -> Iterator[tuple[list[tuple], list[tuple], list[tuple], list[tuple]]]:
    """Items oldest first (ids follow time, as in real life), in batches of BATCH."""
    span = 730 * DAY
    offsets = sorted((rng.random() * span for _ in range(n)), reverse=True)
    for start in range(0, n, BATCH):
        size = min(BATCH, n - start)
        categories = pick(rng, CATEGORIES, size)
        kinds = pick(rng, KINDS, size)
        priorities = pick(rng, PRIORITIES, size)
        items, resolutions, surveys, follow_ups = [], [], [], []
        for j in range(size):
            item_id = first_id + start + j
            created = (now - timedelta(seconds=int(offsets[start + j]))).replace(microsecond=0)
            age_days = (now - created).total_seconds() / DAY
            priority = priorities[j]
            fr_target, res_target = TARGETS[priority]
            # ~80% resolved overall; the rest are praise and comments closed without a
            # resolution, and a backlog: most of the last week, a thin stale tail before it.
            roll = rng.random()
            if age_days > 60:
                resolved, still_open = roll < 0.82, roll > 0.995
            elif age_days > 7:
                resolved, still_open = roll < 0.80, roll > 0.93
            else:
                resolved, still_open = roll < 0.35, roll > 0.40
            owner, team = rng.choice(reps)
            if resolved:
                status = rng.choice(("resolved", "closed", "closed"))
            else:
                status = rng.choice(OPEN) if still_open else "closed"
            if status == "new" and rng.random() < 0.7:
                owner = team = None
            answered = resolved or (status != "new" and rng.random() < 0.8)
            fr_secs = fr_met = res_secs = res_met = None
            first_response_at = resolved_at = None
            escalated, sla_state = "", "ok"
            if answered:
                fr_secs = min(int(rng.lognormvariate(math.log(3 * HOUR), 1.0)), 400 * HOUR)
                fr_met = fr_secs <= fr_target * HOUR
                first_response_at = min(created + timedelta(seconds=fr_secs * 3), now)
            elif age_days * 8 > fr_target:  # ~8 business hours a day have passed
                fr_met = False
            if resolved:
                res_secs = max(
                    fr_secs or 0,
                    min(int(rng.lognormvariate(math.log(16 * HOUR), 1.0)), 2000 * HOUR),
                )
                res_met = res_secs <= res_target * HOUR
                resolved_at = min(created + timedelta(seconds=res_secs * 3), now)
                sla_state = "met" if fr_met and res_met else "missed"
            elif age_days * 8 > res_target:
                res_met = False
            if fr_met is False or res_met is False:
                if not resolved:
                    sla_state = "breached"
                if rng.random() < 0.5:
                    escalated = "first_response" if fr_met is False else "resolution"
            reopen = 0
            if resolved:
                roll = rng.random()
                reopen = 2 if roll < 0.01 else 1 if roll < 0.07 else 0
            score = max(-1.0, min(1.0, rng.gauss(-0.15, 0.45)))
            label = "negative" if score <= -0.1 else "positive" if score >= 0.1 else "neutral"
            items.append(
                (
                    item_id,
                    f"FB-B{item_id:08d}",
                    rng.randint(1, customers),
                    kinds[j],
                    categories[j],
                    "web",
                    "Website",
                    "",
                    "Benchmark item",
                    status,
                    priority,
                    round(score, 3),
                    label,
                    0.8,
                    "bench/1",
                    owner,
                    team,
                    False,
                    "",
                    sla_state,
                    0,
                    "",
                    escalated,
                    "en",
                    reopen,
                    fr_secs,
                    res_secs,
                    fr_met,
                    res_met,
                    monday(created.date()),
                    1,
                    created,
                    resolved_at or first_response_at or created,
                    first_response_at,
                    resolved_at,
                )
            )
            if not resolved:
                continue
            assert resolved_at is not None
            for again in range(reopen + 1):
                resolutions.append(
                    (
                        item_id,
                        "resolved",
                        "",
                        pick(rng, ROOT_CAUSES, 1)[0],
                        "",
                        "We looked into it and fixed it.",
                        int(rng.lognormvariate(math.log(25), 0.8)),
                        owner,
                        resolved_at - timedelta(hours=again),
                    )
                )
            if rng.random() < 0.24:
                satisfaction = rng.choices((1, 2, 3, 4, 5), weights=(8, 10, 17, 35, 30))[0]
                recommend = min(10, max(0, int(rng.gauss(satisfaction * 2, 1.5))))
                surveys.append(
                    (
                        item_id,
                        satisfaction,
                        recommend,
                        "",
                        owner,
                        team,
                        categories[j],
                        resolved_at,
                        resolved_at,
                    )
                )
            if owner is not None and rng.random() < 0.06:
                due = resolved_at + timedelta(days=7)
                roll = rng.random()
                done = (
                    due - timedelta(hours=rng.randint(1, 48))
                    if roll < 0.7
                    else due + timedelta(days=rng.randint(1, 5))
                    if roll < 0.85
                    else None
                )
                follow_ups.append(
                    (
                        item_id,
                        items[-1][2],
                        owner,
                        due,
                        "",
                        done if done is None or done < now else None,
                        resolved_at,
                    )
                )
        yield items, resolutions, surveys, follow_ups


async def fill(n: int, is_sqlite: bool, seed: int) -> float:
    from feedback.models import Customer
    from triage.models import Team

    rng = random.Random(seed)
    started = time.perf_counter()
    writer = Writer(is_sqlite)
    if is_sqlite:  # a throw-away database: skip fsyncs while filling it
        await writer.conn.execute_script("PRAGMA synchronous=OFF; PRAGMA cache_size=-262144")
    now = datetime.now(UTC).replace(microsecond=0)
    teams = [await Team.create(name=f"Bench team {t}") for t in "ABC"]
    reps: list[tuple[int, int]] = []
    for r, rep in enumerate(await create_bench_reps(8)):
        team = teams[min(r // 3, 2)]
        await team.members.add(rep)
        reps.append((rep.id, team.id))
    customers = max(1000, n // 10)
    segments = pick(rng, SEGMENTS, customers)
    customer_rows = [
        (f"c{i}@bench.test", f"Customer {i}", "", "", segments[i], "active", "", now, False, "")
        for i in range(customers)
    ]
    first_customer = (await Customer.all().order_by("-id").first() or Customer(id=0)).id + 1
    assert first_customer == 1, "the benchmark needs an empty database"
    for start in range(0, customers, BATCH):
        await writer.insert(
            "customer",
            (
                "email",
                "name",
                "phone",
                "company",
                "segment",
                "lifecycle",
                "notes",
                "created_at",
                "needs_review",
                "review_reason",
            ),
            customer_rows[start : start + BATCH],
        )
    counts = [0, 0, 0, 0]
    for items, resolutions, surveys, follow_ups in generate_items(rng, n, now, reps, customers, 1):
        await writer.insert("feedback_item", ITEM_COLUMNS, items)
        await writer.insert("resolution", RESOLUTION_COLUMNS, resolutions)
        await writer.insert("survey_response", SURVEY_COLUMNS, surveys)
        await writer.insert("follow_up", FOLLOW_UP_COLUMNS, follow_ups)
        for k, rows in enumerate((items, resolutions, surveys, follow_ups)):
            counts[k] += len(rows)
        done = counts[0]
        if done % 100_000 == 0 or done == n:
            print(f"  {done:>9,} items  ({time.perf_counter() - started:5.1f} s)", flush=True)
    if not is_sqlite:
        await catch_up_id_sequences(("feedback_item", "customer"))
    print(
        f"generated {counts[0]:,} items, {counts[1]:,} resolutions, {counts[2]:,} surveys, "
        f"{counts[3]:,} follow-ups, {customers:,} customers in "
        f"{time.perf_counter() - started:.0f} s"
    )
    return time.perf_counter() - started


async def timed(work: Callable[[], Awaitable[Any]], repeat: int) -> float:
    """The median wall time of `repeat` runs (the first one included: no warm-up run)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        await work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


async def drill_page(f: MetricFilters, now: datetime) -> None:
    query = metrics.items_for_figure(f, "breaches", "", now)
    await query.count()
    await query.order_by("-created_at", "-id").limit(50).select_related("owner", "team")


async def export_all(f: MetricFilters) -> int:
    rows = 0
    async for chunk in metrics.export_csv(metrics.items_in_view(f)):
        rows += chunk.count("\n")
    return rows


async def run(args: argparse.Namespace) -> None:
    async with bench_database(args.database_url, "metrics-bench-") as settings:
        from feedback.models import FeedbackItem

        existing = await FeedbackItem.all().count()
        if existing and not args.reuse:
            sys.exit(f"the database already has {existing:,} items: use --reuse or an empty one")
        if not existing:
            await fill(args.items, settings.is_sqlite, args.seed)
        else:
            print(f"reusing {existing:,} items")
        conn = Tortoise.get_connection("default")
        if args.add_indexes:
            started = time.perf_counter()
            for name, (table, columns) in PROPOSED_INDEXES.items():
                cols = ", ".join(f'"{c}"' for c in columns)
                await conn.execute_script(
                    f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({cols})'
                )
            print(f"added the proposed indexes in {time.perf_counter() - started:.0f} s")
        else:
            for name in PROPOSED_INDEXES:
                await conn.execute_script(f'DROP INDEX IF EXISTS "{name}"')
        if not settings.is_sqlite:  # planner statistics, as autovacuum would soon gather them
            await conn.execute_script("ANALYZE")
        from triage.models import Team

        now = datetime.now(UTC)
        today = now.date()
        team = await Team.filter(name="Bench team A").first()
        views = {
            "28 days": metrics.default_filters(today),
            "1 year": MetricFilters(start=today - timedelta(days=364), end=today, period="custom"),
        }
        views["1 year, team+segment"] = replace(
            views["1 year"], team_id=team.id if team else None, segment="key"
        )
        rep_id = (await FeedbackItem.filter(owner_id__isnull=False).first()).owner_id  # type: ignore[union-attr]
        figures: dict[str, Callable[[MetricFilters], Awaitable[Any]]] = {
            "items_received": metrics.items_received,
            "response_time (first response)": lambda f: metrics.response_time(f, "first_response"),
            "response_time (resolution)": lambda f: metrics.response_time(f, "resolution"),
            "promises_kept": metrics.promises_kept,
            "breaches": metrics.breaches,
            "backlog_by_age": lambda f: metrics.backlog_by_age(f, now),
            "reopen_rate": metrics.reopen_rate,
            "satisfaction (avg, NPS)": metrics.satisfaction,
            "sentiment_trend": metrics.sentiment_trend,
            "root_causes": metrics.root_causes,
            "complaint_topics (and the period before)": metrics.complaint_topics,
            "handling_effort": metrics.handling_effort,
            "response_time_trend": metrics.response_time_trend,
            "compliance_by_rep": metrics.compliance_by_rep,
            "= whole dashboard": lambda f: metrics.dashboard(f, now),
            "rep_performance": lambda f: metrics.rep_performance(rep_id, f, now),
            "drill-down page (breaches)": lambda f: drill_page(f, now),
        }
        print(f"\nmedian of {args.repeat} runs, seconds")
        header = f"{'figure':<42}" + "".join(f"{name:>22}" for name in views)
        print(header)
        print("-" * len(header))
        for name, figure in figures.items():
            cells = []
            for f in views.values():
                cells.append(await timed(lambda f=f, figure=figure: figure(f), args.repeat))
            print(f"{name:<42}" + "".join(f"{s:>22.3f}" for s in cells), flush=True)
        started = time.perf_counter()
        rows = await export_all(views["28 days"])
        took = time.perf_counter() - started
        print(f"\nCSV export, 28 days: {rows - 1:,} rows in {took:.2f} s")
        if args.export_year:
            started = time.perf_counter()
            rows = await export_all(views["1 year"])
            took = time.perf_counter() - started
            print(f"CSV export, 1 year: {rows - 1:,} rows in {took:.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--items", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    parser.add_argument("--reuse", action="store_true", help="time the items already there")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=4)
    parser.add_argument("--export-year", action="store_true", help="also export one year")
    parser.add_argument(
        "--add-indexes",
        action="store_true",
        help="create the proposed indexes first (without it they are dropped if present)",
    )
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
