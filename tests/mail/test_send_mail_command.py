"""`portal send-mail` sends what is due once; without SMTP it says so and keeps the mail."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from feedback.models import MailStatus, OutboxMail
from tests.conftest import submit

ROOT = Path(__file__).resolve().parents[2]


def _send_mail(db, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db.database_url,
        "PORTAL_SMTP_HOST": "",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "portal.cli", "send-mail"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
async def test_it_sends_due_mail_from_the_console(client, db, smtp_server) -> None:
    await submit(client)
    waiting = _send_mail(db)
    assert waiting.returncode == 1
    assert "not configured" in waiting.stderr and "1 mail(s) waiting" in waiting.stderr
    assert (await OutboxMail.get()).status == MailStatus.PENDING

    done = _send_mail(
        db,
        PORTAL_SMTP_HOST="127.0.0.1",
        PORTAL_SMTP_PORT=str(smtp_server.port),
        PORTAL_SMTP_STARTTLS="false",
        PORTAL_MAIL_FROM="Customer care <care@example.test>",
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "sent 1, will retry 0, failed 0, still waiting 0"
    assert len(smtp_server.received) == 1
    assert (await OutboxMail.get()).status == MailStatus.SENT
