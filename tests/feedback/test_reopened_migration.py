"""Migration 0015: reopened items lose their stale resolved date; resolved ones keep it."""

from __future__ import annotations

import importlib
from datetime import UTC, datetime
from types import SimpleNamespace

from tortoise import Tortoise

from feedback.models import FeedbackItem, Status
from tests.conftest import submit

migration = importlib.import_module("migrations.0015_reopened_items_not_resolved")


async def test_it_clears_the_date_of_open_items_only(client) -> None:
    for subject in ("Reopened long ago", "Still resolved", "Closed"):
        await submit(client, subject=subject)
    resolved_on = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
    await FeedbackItem.filter(subject="Reopened long ago").update(
        status=Status.IN_PROGRESS, resolved_at=resolved_on
    )
    await FeedbackItem.filter(subject="Still resolved").update(
        status=Status.RESOLVED, resolved_at=resolved_on
    )
    await FeedbackItem.filter(subject="Closed").update(
        status=Status.CLOSED, resolved_at=resolved_on
    )

    editor = SimpleNamespace(client=Tortoise.get_connection("default"))
    await migration.forward(None, editor)

    dates = {item.subject: item.resolved_at for item in await FeedbackItem.all()}
    assert dates["Reopened long ago"] is None
    assert dates["Still resolved"] == resolved_on
    assert dates["Closed"] == resolved_on
