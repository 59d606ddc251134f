"""The migrations describe the models exactly, and model docstrings are safe as SQL comments."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

CHECK = """
import asyncio, sys
from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector
from portal.settings import tortoise_config

async def main():
    config = tortoise_config("sqlite://" + sys.argv[1])
    async with tortoise_cli_context(config) as ctx:
        pending = await MigrationAutodetector(ctx.apps, config["apps"]).changes()
    print(len(pending))

asyncio.run(main())
"""


def test_it_has_a_migration_for_every_model_change(tmp_path) -> None:
    # In its own process: the check initialises Tortoise, which must not replace the
    # test session's database connection.
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", CHECK, str(tmp_path / "check.db")],
        cwd=root,
        env={**os.environ, "PYTHONPATH": str(root)},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "0", "models changed without a migration: makemigrations"


def test_it_keeps_semicolons_out_of_table_comments() -> None:
    # Tortoise's SQLite schema editor splits statements on ";" (see README).
    from tortoise import Tortoise

    models = [m for app in Tortoise.apps.values() for m in app.values()] if Tortoise.apps else []
    if not models:
        import feedback.models
        import portal.models
        import triage.models

        modules = (feedback.models, portal.models, triage.models)
        models = [
            obj
            for module in modules
            for obj in vars(module).values()
            if isinstance(obj, type)
            and getattr(obj, "_meta", None) is not None
            and obj.__module__ == module.__name__
        ]
    for model in models:
        first_line = (model.__doc__ or "").strip().splitlines()[0] if model.__doc__ else ""
        assert ";" not in first_line, model.__name__  # the first line is the table comment
