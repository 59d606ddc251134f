"""How long staff search takes on a large database.

    .venv/bin/python bench/search_bench.py                     # 1,000,000 messages, temp SQLite
    .venv/bin/python bench/search_bench.py --messages 100000
    .venv/bin/python bench/search_bench.py --database-url postgres://postgres@127.0.0.1:5432/bench

Migrates the database with the real migrations (so the search index and its triggers are
the production ones), fills it with N messages over N * 0.3 items and N * 0.03 customers
(phones, order numbers, about 10% of the text in Chinese, internal notes), then times
`triage.search.search` — the whole first page as the handler runs it: ids and count, items
with customer and owner, snippets — for typical queries, and prints p50 and p95.

Rows go in with multi-row INSERTs (COPY on PostgreSQL) through the Tortoise connection. On
SQLite the triggers index every row as it arrives, as in production. On PostgreSQL the
trigram indexes are dropped for the fill and built again after it, as one would for a bulk
import (building a GIN index once is much faster than growing it row by row).

A database given with --database-url must be empty, unless --reuse says to time what is there.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_db import bench_database, catch_up_id_sequences, create_bench_reps  # noqa: E402
from metrics_bench import ITEM_COLUMNS, Writer  # noqa: E402

from triage.search import parse_search, search  # noqa: E402

BATCH = 20_000
PRODUCTS = ["blender", "kettle", "toaster", "TV", "fridge", "washing machine", "vacuum", "lamp"]
PROBLEMS = [
    "stopped working after a week",
    "arrived with a cracked lid",
    "makes a loud rattling noise",
    "smells of burning plastic",
    "does not switch on",
    "was delivered to the wrong address",
    "came without the manual",
]
ASKS = [
    "I want a refund.",
    "Please send a replacement.",
    "Can someone call me back?",
    "What does the warranty cover?",
    "I have been waiting for an answer for days.",
    "Please refund the delivery charge.",
    "Is there a store near me that can repair it?",
]
STAFF = [
    "Sorry to hear that. We have booked a courier to collect it.",
    "Thank you for your patience, a replacement is on its way.",
    "Could you send a photo of the serial number?",
    "We have issued a refund to your card, allow three to five days.",
    "Our engineer will visit on Thursday morning.",
]
NOTES = [
    "Third complaint this month, check the batch number.",
    "Customer was rude on the phone, keep it short.",
    "Approved goodwill voucher of 20 pounds.",
    "Escalated to the supplier, waiting for their report.",
]
CHINESE = [
    "我的{p}用了一周就坏了，请给我退款。",
    "{p}送到的时候盖子裂了，请换一个新的。",
    "{p}噪音很大，我很不满意，希望尽快处理。",
    "订单号 {o} 的{p}还没有收到，已经等了两周。",
    "请问新的退货政策是什么？我想退回这台{p}。",
]
CHINESE_PRODUCTS = ["搅拌机", "电水壶", "烤面包机", "电视", "冰箱"]
RARE_WORD = "xylophone"  # in a few dozen messages
CHINESE_PHRASE = "搅拌机着火"  # in a few hundred Chinese messages
MESSAGE_COLUMNS = (
    "item_id",
    "author_kind",
    "author_staff_id",
    "body",
    "is_internal",
    "sentiment_label",
    "sentiment_scorer",
    "created_at",
)
CUSTOMER_COLUMNS = (
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
)
TRGM_INDEXES = ("message_body_trgm", "feedback_item_search_trgm", "customer_search_trgm")


def order_number(n: int) -> str:
    return f"A-{n:05d}"


def customer_text(rng: random.Random, item: int, order: str) -> str:
    if rng.random() < 0.1:
        template = rng.choice(CHINESE)
        body = template.format(p=rng.choice(CHINESE_PRODUCTS), o=order)
        if rng.random() < 0.01:
            body += f" 我的{CHINESE_PHRASE}了！"
        return body
    product = rng.choice(PRODUCTS)
    parts = [f"My {product} {rng.choice(PROBLEMS)}.", rng.choice(ASKS)]
    if rng.random() < 0.3:
        parts.append(f"The order number is {order}.")
    if rng.random() < 0.3:
        parts.append(rng.choice(ASKS))
    return " ".join(parts)


async def fill(n_messages: int, is_sqlite: bool, seed: int) -> None:
    rng = random.Random(seed)
    writer = Writer(is_sqlite)
    conn = writer.conn
    started = time.perf_counter()
    if is_sqlite:
        await conn.execute_script("PRAGMA synchronous=OFF; PRAGMA cache_size=-262144")
    else:
        for name in TRGM_INDEXES:
            await conn.execute_script(f"DROP INDEX IF EXISTS {name}")
    now = datetime.now(UTC).replace(microsecond=0)
    staff = [rep.id for rep in await create_bench_reps(8)]
    n_items = max(10, n_messages * 3 // 10)
    n_customers = max(10, n_items // 10)
    rows = [
        (
            f"c{i}@bench.test",
            f"Customer {i}",
            f"+44 20 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
            "",
            "regular",
            "active",
            "",
            now,
            False,
            "",
        )
        for i in range(1, n_customers + 1)
    ]
    for start in range(0, len(rows), BATCH):
        await writer.insert("customer", CUSTOMER_COLUMNS, rows[start : start + BATCH])
    print(f"  {n_customers:,} customers ({time.perf_counter() - started:.0f} s)", flush=True)

    rare = set(rng.sample(range(n_messages), min(40, n_messages)))
    span = 730 * 86_400
    message_no = 0
    item_id = 0
    per_item = n_messages / n_items
    while message_no < n_messages:
        items: list[tuple] = []
        messages: list[tuple] = []
        while len(messages) < BATCH and message_no < n_messages:
            item_id += 1
            created = now - timedelta(seconds=span * (1 - item_id / n_items))
            order = order_number(rng.randint(1, 99_999)) if rng.random() < 0.6 else ""
            product = rng.choice(PRODUCTS)
            status = rng.choice(("new", "in_progress", "resolved", "closed", "closed"))
            count = max(1, min(n_messages - message_no, round(rng.gauss(per_item, 1.2))))
            last = created
            for k in range(count):
                moment = created + timedelta(hours=k * 5)
                last = moment
                if k == 0 or rng.random() < 0.35:
                    body, kind, author, internal = (
                        customer_text(rng, item_id, order),
                        "customer",
                        None,
                        False,
                    )
                elif rng.random() < 0.25:
                    body, kind, author, internal = (
                        rng.choice(NOTES),
                        "staff",
                        rng.choice(staff),
                        True,
                    )
                else:
                    body, kind, author, internal = (
                        rng.choice(STAFF),
                        "staff",
                        rng.choice(staff),
                        False,
                    )
                if message_no in rare:
                    body += f" It sounds like a {RARE_WORD} when it spins."
                messages.append((item_id, kind, author, body, internal, "", "", moment))
                message_no += 1
            values = dict.fromkeys(ITEM_COLUMNS)
            values.update(
                id=item_id,
                reference=f"FB-S{item_id:08d}",
                customer_id=rng.randint(1, n_customers),
                kind=rng.choice(("complaint", "complaint", "question", "comment", "praise")),
                category="Product",
                channel="web",
                touchpoint="Website",
                order_reference=order,
                subject=f"{product.capitalize()} {rng.choice(PROBLEMS)}"[:200],
                status=status,
                priority="normal",
                sentiment_score=-0.3,
                sentiment_label="negative",
                sentiment_confidence=0.8,
                sentiment_scorer="bench/1",
                owner_id=rng.choice(staff),
                needs_triage=False,
                next_due_kind="",
                sla_state="ok",
                paused_seconds=0,
                warned_for="",
                escalated_for="",
                language="en",
                reopen_count=0,
                version=1,
                created_at=created,
                updated_at=last,
            )
            items.append(tuple(values[c] for c in ITEM_COLUMNS))
        await writer.insert("feedback_item", ITEM_COLUMNS, items)
        await writer.insert("message", MESSAGE_COLUMNS, messages)
        if message_no % 100_000 < BATCH or message_no == n_messages:
            print(
                f"  {message_no:>9,} messages, {item_id:,} items "
                f"({time.perf_counter() - started:.0f} s)",
                flush=True,
            )
    if not is_sqlite:
        await catch_up_id_sequences(("feedback_item", "customer", "message"))
        index_started = time.perf_counter()
        # The same statements as migrations/0008_search_indexes.py.
        from importlib import import_module

        migration = import_module("migrations.0008_search_indexes")
        for statement in migration.POSTGRES_INDEXES:
            await conn.execute_script(statement)
        print(f"  trigram indexes built in {time.perf_counter() - index_started:.0f} s")
        await conn.execute_script("ANALYZE")
    print(
        f"generated {message_no:,} messages over {item_id:,} items and {n_customers:,} "
        f"customers in {time.perf_counter() - started:.0f} s"
    )


async def measure(label: str, params: dict[str, str], repeat: int) -> None:
    query = parse_search(params)
    times = []
    results = None
    for _ in range(repeat):
        started = time.perf_counter()
        results = await search(query)
        times.append((time.perf_counter() - started) * 1000)
    assert results is not None
    cuts = statistics.quantiles(times, n=20, method="inclusive")
    total = "500+" if results.capped else str(results.total)
    print(
        f"{label:<34} {params['q'][:22]:<24} {total:>6} "
        f"{statistics.median(times):9.1f} {cuts[18]:9.1f}"
    )


async def run(args: argparse.Namespace) -> None:
    async with bench_database(args.database_url, "search-bench-") as settings:
        from feedback.models import Customer, FeedbackItem, Message

        existing = await Message.all().count()
        if existing and not args.reuse:
            sys.exit(f"the database already has {existing:,} messages: use --reuse or an empty one")
        if not existing:
            await fill(args.messages, settings.is_sqlite, args.seed)
        else:
            print(f"reusing {existing:,} messages")
        some_item = await FeedbackItem.filter(order_reference__not="").order_by("-id").first()
        customers = await Customer.all().count()
        some_customer = await Customer.all().order_by("id").offset(customers // 2).first()
        assert some_item is not None and some_customer is not None
        queries = [
            ("common word", {"q": "refund"}),
            ("common word, open items", {"q": "refund", "status": "open"}),
            ("two words", {"q": "rattling kettle"}),
            ("rare word", {"q": RARE_WORD}),
            ("order reference", {"q": some_item.order_reference}),
            ("item reference", {"q": some_item.reference}),
            ("customer e-mail", {"q": some_customer.email}),
            ("customer phone, typed loosely", {"q": some_customer.phone.replace("+44 ", "")}),
            ("Chinese phrase", {"q": CHINESE_PHRASE}),
            ("Chinese common phrase", {"q": "退货政策"}),
            ("2-letter query", {"q": "TV"}),
            ("internal notes only", {"q": "goodwill voucher", "in": "notes"}),
            ("no match", {"q": "zeppelin"}),
        ]
        print(f"\n{args.repeat} runs each, first page (50 rows), milliseconds")
        print(f"{'query':<34} {'q':<24} {'found':>6} {'p50':>9} {'p95':>9}")
        for label, params in queries:
            await measure(label, params, args.repeat)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--reuse", action="store_true", help="time an already filled database")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--seed", type=int, default=7)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
