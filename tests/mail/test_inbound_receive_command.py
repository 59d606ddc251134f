"""`portal receive-mail` reads one mail from stdin, as an MTA pipe runs it; sysexits codes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from feedback.models import Channel, FeedbackItem, InboundMail, InboundOutcome, Message
from tests.mail.conftest import INBOUND, compose, free_port

ROOT = Path(__file__).resolve().parents[2]


def receive(db, raw: bytes, *args: str, **env: str) -> subprocess.CompletedProcess[bytes]:
    environment = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "DATABASE_URL": db.database_url,
        "SECRET_KEY": str(db.secret_key),
        "PORTAL_VAR_DIR": str(db.var_dir),
        "PORTAL_MAIL_IN_ADDRESS": INBOUND,
        "PORTAL_MAIL_IN_MAX_BYTES": "8192",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "portal.cli", "receive-mail", *args],
        cwd=ROOT,
        env=environment,
        input=raw,
        capture_output=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
async def test_it_stores_a_piped_mail_and_exits_0(db) -> None:
    result = receive(db, compose().as_bytes(), "--recipient", INBOUND, "--sender", "kim@x.org")
    assert result.returncode == 0, result.stderr
    item = await FeedbackItem.get()
    assert result.stdout.decode().strip() == f"new item {item.reference}"
    assert item.channel == Channel.EMAIL
    assert await Message.filter(item_id=item.id).count() == 1


@pytest.mark.slow
async def test_it_exits_0_for_an_ignored_bounce(db) -> None:
    result = receive(db, compose().as_bytes(), "--sender", "")
    assert result.returncode == 0, result.stderr
    assert (await InboundMail.get()).outcome == InboundOutcome.IGNORED


@pytest.mark.slow
async def test_it_exits_65_for_a_mail_too_large(db) -> None:
    result = receive(db, compose("Big", "x" * 20_000).as_bytes())
    assert result.returncode == 65
    assert b"refused: too large" in result.stderr
    assert await FeedbackItem.all().count() == 0
    assert (await InboundMail.get()).outcome == InboundOutcome.REFUSED


@pytest.mark.slow
async def test_it_exits_65_for_a_mail_without_a_sender(db) -> None:
    result = receive(db, b"this is not a mail at all\r\n")
    assert result.returncode == 65
    assert b"no usable sender address" in result.stderr


@pytest.mark.slow
async def test_it_exits_75_when_the_database_is_down(db) -> None:
    down = f"postgres://postgres@127.0.0.1:{free_port()}/portal"
    result = receive(db, compose().as_bytes(), DATABASE_URL=down)
    assert result.returncode == 75, result.stderr
    assert b"try again later" in result.stderr
    assert await FeedbackItem.all().count() == 0
