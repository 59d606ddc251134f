"""On PostgreSQL, a role that may not create extensions still migrates, and search still
works (without the trigram indexes: correct, only slower), with the reason in the log."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest

SCRIPT = """
import asyncio, logging, os, sys
logging.basicConfig(level=logging.WARNING, stream=sys.stdout, format="LOG %(message)s")
from tortoise import Tortoise
from portal.cli import migrate_database
from portal.settings import load_settings
from feedback.intake import Submission, submit_feedback
from feedback.models import Kind
from triage.search import parse_search, search
from datetime import UTC, datetime

async def main():
    settings = load_settings(database_url=sys.argv[1])
    await migrate_database(settings)
    await Tortoise.init(config=settings.tortoise_config())
    conn = Tortoise.get_connection("default")
    trgm = await conn.execute_query_dict("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
    print("PG_TRGM", bool(trgm))
    item, _ = await submit_feedback(Submission(kind=Kind.COMPLAINT, category="Product",
        name="Jo Park", email="jo@example.com", subject="Blender",
        message="The blender caught fire.", order_reference="A-7731"),
        now=datetime(2026, 3, 2, tzinfo=UTC))
    for q in ("caught fire", "A-7731", "jo@example"):
        found = [h.item.reference for h in (await search(parse_search({"q": q}))).hits]
        print("FOUND", q, found == [item.reference])
    await Tortoise.close_connections()

asyncio.run(main())
"""


async def _admin(url: str, sql: str) -> None:
    # Straight through asyncpg: Tortoise's global connections belong to the test session.
    connection = await asyncpg.connect(url.replace("postgres://", "postgresql://", 1))
    try:
        await connection.execute(sql)
    finally:
        await connection.close()


async def test_it_migrates_and_searches_when_pg_trgm_cannot_be_created(database, tmp_path) -> None:
    if database.is_sqlite:
        pytest.skip("PostgreSQL only")
    server = database.database_url.rsplit("/", 1)[0]
    suffix = os.getpid()
    role, name = f"portal_noext_{suffix}", f"portal_noext_{suffix}"
    admin_url = f"{server}/postgres"
    await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
    await _admin(admin_url, f'DROP ROLE IF EXISTS "{role}"')
    await _admin(admin_url, f'CREATE ROLE "{role}" LOGIN')
    await _admin(admin_url, f'CREATE DATABASE "{name}"')
    # The role owns the tables it creates but has no CREATE on the database, which is what
    # a trusted extension such as pg_trgm needs.
    await _admin(f"{server}/{name}", f'GRANT ALL ON SCHEMA public TO "{role}"')
    scheme, rest = server.split("://", 1)
    host = rest.split("@", 1)[-1]
    role_url = f"{scheme}://{role}@{host}/{name}"
    root = Path(__file__).resolve().parents[2]
    try:
        result = subprocess.run(
            [sys.executable, "-c", SCRIPT, role_url],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root), "PORTAL_VAR_DIR": str(tmp_path)},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    finally:
        await _admin(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await _admin(admin_url, f'DROP ROLE IF EXISTS "{role}"')

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "PG_TRGM False" in lines
    assert [line for line in lines if line.startswith("FOUND")] == [
        "FOUND caught fire True",
        "FOUND A-7731 True",
        "FOUND jo@example True",
    ]
    assert any("could not create the pg_trgm extension" in line for line in lines)
