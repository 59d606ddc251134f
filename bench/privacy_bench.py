"""How long exporting, erasing and the retention purge take (feedback/privacy.py).

Run from the repository root::

    python bench/privacy_bench.py [--customers 5000] [--database URL]

A fresh database (a temporary SQLite file unless ``--database`` names an empty one) is
migrated with the real migrations and filled with one big customer (1,000 items) and
``--customers`` small ones (one item each, one in ten still open), all last active 800 days
ago; every item has three messages, two outbox mails and one received mail. Then it times:
the export of the big customer, its erasure, a dry-run purge with a 730-day limit, one sweep
pass (100 customers) and the purge of the rest. Wall-clock seconds on a shared machine.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench_db import bench_database

from feedback.attachments import AttachmentStore
from feedback.models import (
    AuthorKind,
    Customer,
    FeedbackItem,
    InboundMail,
    InboundOutcome,
    Kind,
    MailStatus,
    Message,
    OutboxMail,
    Status,
)
from feedback.privacy import erase_customer, export_customer, purge_personal_data

BATCH = 1000


async def fill(customers: int, old: datetime) -> int:
    """The rows; returns the big customer's id."""
    big = await Customer.create(email="big@bench.test", name="Big Customer")
    await Customer.bulk_create(
        [Customer(email=f"c{n}@bench.test", name=f"Customer {n}") for n in range(customers)],
        batch_size=BATCH,
    )
    await Customer.all().update(created_at=old)
    small = await Customer.exclude(id=big.id).values_list("id", flat=True)

    def item(reference: str, customer_id: int, status: Status) -> FeedbackItem:
        return FeedbackItem(
            reference=reference,
            customer_id=customer_id,
            kind=Kind.COMPLAINT,
            category="Delivery",
            subject=f"Parcel late {reference}",
            status=status,
            created_at=old,
            updated_at=old,
        )

    items = [item(f"FB-B{n:05d}", big.id, Status.CLOSED) for n in range(1000)]
    items += [
        item(f"FB-C{n:05d}", cid, Status.NEW if n % 10 == 0 else Status.CLOSED)
        for n, cid in enumerate(small)
    ]
    await FeedbackItem.bulk_create(items, batch_size=BATCH)
    owners = dict(await FeedbackItem.all().values_list("id", "customer_id"))
    emails = dict(await Customer.all().values_list("id", "email"))
    await Message.bulk_create(
        [
            Message(
                item_id=item_id,
                author_kind=AuthorKind.CUSTOMER,
                body=f"My parcel {item_id} is two weeks late, please refund me.",
                created_at=old,
            )
            for item_id in owners
            for _ in range(3)
        ],
        batch_size=BATCH,
    )
    await OutboxMail.bulk_create(
        [
            OutboxMail(
                kind="confirmation",
                item_id=item_id,
                to_address=emails[customer_id],
                subject="We received your feedback",
                body_text="Thank you for writing to us.",
                status=MailStatus.SENT,
                next_attempt_at=old,
                created_at=old,
            )
            for item_id, customer_id in owners.items()
            for _ in range(2)
        ],
        batch_size=BATCH,
    )
    await InboundMail.bulk_create(
        [
            InboundMail(
                outcome=InboundOutcome.NEW,
                item_id=item_id,
                from_address=emails[customer_id],
                subject="Parcel late",
                received_at=old,
                received_on=old.date(),
            )
            for item_id, customer_id in owners.items()
        ],
        batch_size=BATCH,
    )
    print(
        f"{customers + 1} customers, {len(owners)} items, {3 * len(owners)} messages, "
        f"{2 * len(owners)} outbox mails, {len(owners)} received mails"
    )
    return big.id


async def timed(label: str, work) -> object:  # noqa: ANN001
    started = time.perf_counter()
    result = await work
    print(f"  {label}: {time.perf_counter() - started:.2f} s")
    return result


async def run(customers: int, url: str) -> None:
    files = tempfile.TemporaryDirectory()  # the bench adds no attachments: nothing to delete
    store = AttachmentStore(Path(files.name))
    async with bench_database(url, "privacy-bench-"):
        now = datetime.now(UTC)
        big_id = await fill(customers, now - timedelta(days=800))
        big = await Customer.get(id=big_id)
        await timed("export of the big customer (1,000 items)", export_customer(big, now=now))
        await timed(
            "erasure of the big customer", erase_customer(big_id, actor=None, now=now, store=store)
        )
        dry = await timed(
            "purge dry run",
            purge_personal_data(now=now, older_than_days=730, store=store, dry_run=True),
        )
        print(f"    {dry.describe()}")  # type: ignore[attr-defined]
        await timed(
            "one sweep pass (100 customers)",
            purge_personal_data(now=now, older_than_days=730, store=store, limit=100),
        )
        rest = await timed(
            "purge of the rest", purge_personal_data(now=now, older_than_days=730, store=store)
        )
        print(f"    {rest.describe()}")  # type: ignore[attr-defined]
    files.cleanup()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=5000)
    parser.add_argument("--database", default="", help="an empty database URL (default: SQLite)")
    args = parser.parse_args()
    asyncio.run(run(args.customers, args.database))


if __name__ == "__main__":
    main()
