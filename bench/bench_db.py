"""What the database benchmarks share: a migrated database to fill, and the rows every fill needs.

`bench_database(url, prefix)` migrates the database at `url` (a temporary SQLite file when
`url` is empty) with the real migrations, opens Tortoise on it and yields the settings; it
closes the connections and removes the temporary file afterwards.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise  # noqa: E402

from portal.cli import migrate_database  # noqa: E402
from portal.settings import Settings, load_settings  # noqa: E402


@asynccontextmanager
async def bench_database(url: str, prefix: str) -> AsyncIterator[Settings]:
    """The migrated database at `url`, or in a temporary folder named after `prefix`."""
    tmp = None
    if not url:
        tmp = tempfile.TemporaryDirectory(prefix=prefix)
        url = f"sqlite://{tmp.name}/bench.db"
    settings = load_settings(database_url=url, var_dir=Path(tmp.name if tmp else "var"))
    print(f"database: {url.split('@')[-1]}  ({'SQLite' if settings.is_sqlite else 'PostgreSQL'})")
    await migrate_database(settings)
    await Tortoise.init(config=settings.tortoise_config())
    try:
        yield settings
    finally:
        await Tortoise.close_connections()
        if tmp is not None:
            tmp.cleanup()


async def create_bench_reps(count: int) -> list[Any]:
    """`count` agents (StaffUser rows) nobody can sign in as."""
    from portal.models import StaffUser

    return [
        await StaffUser.create(
            email=f"rep{r}@bench.test",
            name=f"Bench Rep {r}",
            role="agent",
            password_hash="!",  # noqa: S106 - not a hash: nobody can sign in as a bench rep
        )
        for r in range(count)
    ]


async def catch_up_id_sequences(tables: Sequence[str]) -> None:
    """PostgreSQL: move each table's id sequence past the ids the fill wrote itself."""
    conn = Tortoise.get_connection("default")
    for table in tables:
        sql = (
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"  # noqa: S608, E501 - our table names
        )
        await conn.execute_script(sql)
