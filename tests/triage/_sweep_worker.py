"""Run by the sweeper concurrency test in a separate process: sweep several times at `now`.

Usage: python -m tests.triage._sweep_worker DATABASE_URL NOW_ISO START_AT_EPOCH ROUNDS [BASE_URL]

With BASE_URL the sweeper mails staff too (as the app does with PORTAL_STAFF_MAIL on).
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime

from tortoise import Tortoise

from portal.settings import load_settings, tortoise_config
from portal.staff_links import staff_mail_for
from triage.escalation import sweep


async def main(url: str, now: datetime, start_at: float, rounds: int, base_url: str) -> None:
    staff_mail = None
    if base_url:
        staff_mail = staff_mail_for(
            load_settings(database_url=url, base_url=base_url, secret_key="k", staff_mail=True)
        )
    await Tortoise.init(config=tortoise_config(url))
    try:
        time.sleep(max(0.0, start_at - time.time()))
        for _ in range(rounds):
            await sweep(now, staff_mail=staff_mail)
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(
        main(
            sys.argv[1],
            datetime.fromisoformat(sys.argv[2]),
            float(sys.argv[3]),
            int(sys.argv[4]),
            sys.argv[5] if len(sys.argv) > 5 else "",
        )
    )
