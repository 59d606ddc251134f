"""Run by the concurrency test in a separate process: one `send_due` pass at a given time.

Usage: python -m tests.mail._send_worker DATABASE_URL SMTP_PORT START_AT_EPOCH
"""

from __future__ import annotations

import asyncio
import os
import sys
import time

from tortoise import Tortoise

from feedback.outbox import MailServer, send_due
from portal.clock import utcnow
from portal.settings import tortoise_config


async def main(url: str, port: int, start_at: float) -> None:
    await Tortoise.init(config=tortoise_config(url))
    server = MailServer(
        host="127.0.0.1", port=port, sender="Care <care@example.test>", security="none"
    )
    try:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        total = 0
        while report := await send_due(server, now=utcnow(), holder=f"worker-{os.getpid()}"):
            total += report.sent
            if not (report.sent or report.retrying or report.failed):
                break
        print(total)
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
