"""Run by the concurrency tests in a separate process: submit N items as fast as possible.

Usage: python -m tests.triage._submit_worker DATABASE_URL COUNT LABEL START_AT_EPOCH
"""

from __future__ import annotations

import asyncio
import sys
import time

from tortoise import Tortoise

from feedback.intake import Submission, submit_feedback
from feedback.models import Kind
from portal.clock import utcnow
from portal.settings import tortoise_config


async def main(url: str, count: int, label: str, start_at: float) -> None:
    await Tortoise.init(config=tortoise_config(url))
    try:
        time.sleep(max(0.0, start_at - time.time()))
        for n in range(count):
            await submit_feedback(
                Submission(
                    kind=Kind.QUESTION,
                    category="Billing",
                    name=f"{label} {n}",
                    email=f"{label}-{n}@example.com",
                    subject="Invoice question",
                    message="Could you send me a copy of my invoice?",
                    submission_token=f"{label}-{n}",
                ),
                now=utcnow(),
            )
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4])))
