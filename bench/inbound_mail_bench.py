"""How many received mails per second `feedback.inbound_mail.receive_mail` stores on SQLite.

Run from the repository root::

    python bench/inbound_mail_bench.py [--mails N] [--database sqlite:///tmp/x.db]

A fresh database (a temporary SQLite file unless ``--database`` is given) is migrated with
the real migrations, then ``--mails`` mails are handed to ``receive_mail`` one after the
other, as `portal mail-server` does: a realistic mix of

* new mails from new senders (half): parsed, scored, a customer and an item created, routed,
  targets set, a confirmation written to the outbox;
* replies to the signed Reply-To address with a quoted earlier mail and a signature (a
  third): cut, scored, added to the item's conversation;
* auto-replies (one in ten): recognised and dropped;
* second deliveries of a mail already stored: refused by the unique Message-ID.

It prints mails per second overall, the median and 95th percentile per kind in milliseconds,
and, for comparison, how fast the parsing alone is (no database). Wall-clock times on one
core; other busy processes show up in the tail.
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from email.message import EmailMessage  # noqa: E402
from email.utils import format_datetime  # noqa: E402

from tortoise import Tortoise  # noqa: E402

from feedback import model_store  # noqa: E402
from feedback.inbound_mail import InboundConfig, receive_mail  # noqa: E402
from feedback.mail_parsing import parse_mail  # noqa: E402
from feedback.reply_address import ReplyAddress  # noqa: E402
from portal.cli import migrate_database  # noqa: E402
from portal.security import Signer  # noqa: E402
from portal.settings import load_settings  # noqa: E402

INBOUND = "support@example.test"
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TEXTS = [
    "My parcel is two weeks late and nobody answers. I want a refund.",
    "The staff in the Leeds shop were lovely, thank you for the help!",
    "Can I change the delivery address of order A-{n}?",
    "The app crashes every time I open my basket. Very annoying.",
]
QUOTE = (
    "\n\nBest regards,\nKim\n\nOn Mon, 2 Mar 2026 at 09:00, Customer care "
    "<care@example.test> wrote:\n> ##- Please type your reply above this line -##\n>\n"
    "> Hello Kim,\n> Thank you for writing to us.\n" + "> earlier text line\n" * 20
)


def mail(n: int, sender: str, subject: str, body: str, to: str = INBOUND, **headers: str) -> bytes:
    message = EmailMessage()
    message["From"] = f"Customer {n} <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(START)
    message["Message-ID"] = f"<bench.{n}@example.org>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message.as_bytes()


async def run(mails: int, database_url: str, var_dir: Path) -> None:
    key = secrets.token_urlsafe(32)
    settings = load_settings(database_url=database_url, var_dir=var_dir, secret_key=key)
    model_store.configure(settings.var_dir, settings.categories)
    await migrate_database(settings)
    await Tortoise.init(config=settings.tortoise_config())
    reply_address = ReplyAddress(INBOUND, Signer(key))
    config = InboundConfig(reply_address=reply_address, categories=settings.categories)
    times: dict[str, list[float]] = defaultdict(list)
    items: list[int] = []
    stored: list[bytes] = []
    total_bytes = 0
    started = time.perf_counter()
    try:
        for n in range(mails):
            now = START + timedelta(seconds=n)
            slot = n % 10
            if slot == 9:
                kind, raw = (
                    "auto-reply",
                    mail(
                        n,
                        f"c{n}@example.org",
                        "Out of office",
                        "Away.",
                        Auto_Submitted="auto-replied",
                    ),
                )
            elif slot == 8 and stored:
                kind, raw = "duplicate", stored[-1]
            elif slot in (5, 6, 7) and items:
                item_id = items[n % len(items)]
                kind = "reply"
                raw = mail(
                    n,
                    f"c{item_id}@example.org",
                    "Re: Your message",
                    "Thanks, that helps. It arrived today." + QUOTE,
                    to=reply_address.for_item(item_id),
                )
            else:
                kind = "new"
                raw = mail(
                    n, f"c{n}@example.org", f"Feedback {n}", TEXTS[n % len(TEXTS)].format(n=n)
                )
            total_bytes += len(raw)
            t0 = time.perf_counter()
            receipt = await receive_mail(raw, now=now, config=config)
            times[kind].append((time.perf_counter() - t0) * 1000)
            if kind == "new" and receipt.item_id is not None:
                items.append(receipt.item_id)
                stored.append(raw)
        elapsed = time.perf_counter() - started
    finally:
        await Tortoise.close_connections()

    print(
        f"{mails} mails ({total_bytes / mails / 1024:.1f} KiB average) through receive_mail "
        f"on {database_url.split(':', 1)[0]}: {elapsed:.2f} s, {mails / elapsed:.0f} mails/s"
    )
    for kind in ("new", "reply", "auto-reply", "duplicate"):
        values = sorted(times[kind])
        if values:
            p95 = values[min(len(values) - 1, int(len(values) * 0.95))]
            print(
                f"  {kind:<11} {len(values):>5}  median {statistics.median(values):6.1f} ms"
                f"  p95 {p95:6.1f} ms"
            )
    sample = [mail(n, "kim@example.org", "Re: x", "Thanks." + QUOTE) for n in range(200)]
    t0 = time.perf_counter()
    for raw in sample:
        parse_mail(raw, max_text=10_000)
    parse_ms = (time.perf_counter() - t0) * 1000 / len(sample)
    print(f"  parsing alone (a quoted reply): {parse_ms:.2f} ms per mail")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mails", type=int, default=400)
    parser.add_argument("--database", help="a database URL (default: a temporary SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database or f"sqlite://{Path(tmp) / 'bench.db'}"
        asyncio.run(run(args.mails, url, Path(tmp)))


if __name__ == "__main__":
    main()
