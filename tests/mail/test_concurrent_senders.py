"""Two senders at once (two tasks, or two processes) send every mail exactly once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from feedback.customer_mail import CustomerLinks
from feedback.intake import Submission, submit_feedback
from feedback.models import Kind, MailStatus, OutboxMail
from feedback.outbox import MailServer, send_due
from portal.clock import utcnow

LINKS = CustomerLinks(tracking=lambda item: f"https://portal.example/t/{item.id}")


async def _queue(count: int) -> None:
    for n in range(count):
        await submit_feedback(
            Submission(
                kind=Kind.QUESTION,
                category="Billing",
                name=f"Customer {n}",
                email=f"c{n}@example.com",
                subject="Invoice",
                message="Could you send my invoice?",
            ),
            now=utcnow(),
            links=LINKS,
        )


def _ids(smtp_server) -> Counter[str]:
    return Counter(r.message["Message-ID"] for r in smtp_server.received)


async def test_it_sends_each_mail_once_with_two_sending_tasks(
    db, mail_settings, smtp_server
) -> None:
    await _queue(12)
    server = MailServer.from_settings(mail_settings)
    now = utcnow()
    reports = await asyncio.gather(
        send_due(server, now=now, holder="task-a", limit=12),
        send_due(server, now=now, holder="task-b", limit=12),
    )
    assert sum(r.sent for r in reports) == 12
    counts = _ids(smtp_server)
    assert len(counts) == 12 and set(counts.values()) == {1}
    assert await OutboxMail.filter(status=MailStatus.SENT).count() == 12


@pytest.mark.slow
async def test_it_sends_each_mail_once_with_two_sending_processes(
    db, mail_settings, smtp_server
) -> None:
    await _queue(30)
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    start_at = time.time() + 2.0
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.mail._send_worker",
                db.database_url,
                str(smtp_server.port),
                str(start_at),
            ],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    sent = []
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
        sent.append(int(out.decode().split()[-1]))
    assert sum(sent) == 30
    counts = _ids(smtp_server)
    assert len(counts) == 30 and set(counts.values()) == {1}
    assert await OutboxMail.filter(status=MailStatus.SENT).count() == 30
