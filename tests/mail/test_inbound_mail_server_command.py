"""`portal mail-server` listens on the loopback and stores what an MTA relays to it."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from feedback.models import Channel, FeedbackItem
from tests.mail.conftest import INBOUND, Listener, compose, free_port, send_to

ROOT = Path(__file__).resolve().parents[2]


def _environment(db, **env: str) -> dict[str, str]:
    return {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db.database_url,
        "SECRET_KEY": str(db.secret_key),
        "PORTAL_VAR_DIR": str(db.var_dir),
        "PORTAL_MAIL_IN_ADDRESS": INBOUND,
        **env,
    }


async def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(200):
        if process.poll() is not None:
            raise AssertionError(process.stderr.read().decode() if process.stderr else "exited")
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            await asyncio.sleep(0.1)
            continue
        writer.close()
        await writer.wait_closed()
        return
    raise AssertionError("mail-server did not start listening")


@pytest.mark.slow
async def test_it_receives_mail_over_smtp_until_stopped(db) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "portal.cli", "mail-server", "--port", str(port)],
        cwd=ROOT,
        env=_environment(db),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        await _wait_for(port, process)
        errors, reply = await send_to(Listener("127.0.0.1", port), compose())
        assert errors == {} and reply.startswith("2.0.0 OK: new item FB-")
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=30)
    assert process.returncode == 0
    item = await FeedbackItem.get()
    assert item.channel == Channel.EMAIL


def test_it_will_not_start_without_an_address(db) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "portal.cli", "mail-server", "--port", str(free_port())],
        cwd=ROOT,
        env=_environment(db, PORTAL_MAIL_IN_ADDRESS=""),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 78
    assert "PORTAL_MAIL_IN_ADDRESS is not set" in result.stderr
