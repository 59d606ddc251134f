"""SQLite waits for another process's write instead of failing at once with "database is locked"."""

from __future__ import annotations

import pytest
from tortoise import Tortoise

from portal.settings import SQLITE_BUSY_TIMEOUT_MS, Settings, tortoise_config


def test_it_adds_a_busy_timeout_to_sqlite_urls() -> None:
    url = tortoise_config("sqlite:///tmp/portal.db")["connections"]["default"]
    assert url == f"sqlite:///tmp/portal.db?busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///tmp/p.db?busy_timeout=100", "sqlite:///tmp/p.db?busy_timeout=100"),
        (
            "sqlite:///tmp/p.db?journal_mode=WAL",
            f"sqlite:///tmp/p.db?journal_mode=WAL&busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
        ),
        ("postgres://u@127.0.0.1:5432/db", "postgres://u@127.0.0.1:5432/db"),
    ],
)
def test_it_keeps_what_the_url_says(given: str, expected: str) -> None:
    assert tortoise_config(given)["connections"]["default"] == expected


async def test_it_sets_the_timeout_on_the_connection(db: Settings) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite only")
    connection = Tortoise.get_connection("default")
    rows = await connection.execute_query_dict("PRAGMA busy_timeout")
    assert list(rows[0].values()) == [SQLITE_BUSY_TIMEOUT_MS]
