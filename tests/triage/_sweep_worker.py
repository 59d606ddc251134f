"""Run by the sweeper concurrency test in a separate process: sweep several times at `now`.

Usage: python -m tests.triage._sweep_worker DATABASE_URL NOW_ISO START_AT_EPOCH ROUNDS
"""

from __future__ import annotations

import asyncio
import sys
import time
from datetime import datetime

from tortoise import Tortoise

from portal.settings import tortoise_config
from triage.escalation import sweep


async def main(url: str, now: datetime, start_at: float, rounds: int) -> None:
    await Tortoise.init(config=tortoise_config(url))
    try:
        time.sleep(max(0.0, start_at - time.time()))
        for _ in range(rounds):
            await sweep(now)
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(
        main(sys.argv[1], datetime.fromisoformat(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]))
    )
