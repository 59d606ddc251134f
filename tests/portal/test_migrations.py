"""The migrations describe the models exactly, and model docstrings are safe as SQL comments."""

from __future__ import annotations

from tortoise.cli.cli import tortoise_cli_context
from tortoise.migrations.autodetector import MigrationAutodetector

from portal.settings import tortoise_config


async def test_it_has_a_migration_for_every_model_change(tmp_path) -> None:
    config = tortoise_config(f"sqlite://{tmp_path / 'check.db'}")
    apps = config["apps"]
    async with tortoise_cli_context(config) as ctx:
        pending = await MigrationAutodetector(ctx.apps, apps).changes()
    assert pending == [], "models changed without a migration: run tortoise makemigrations"


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
