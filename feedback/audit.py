"""The append-only audit trail: one helper writes every event."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from feedback.models import AuthorKind, Event, FeedbackItem


def _short(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:199] + "…"


async def record(
    item: FeedbackItem,
    action: str,
    *,
    now: datetime,
    actor: Any = None,
    actor_kind: AuthorKind | None = None,
    field: str = "",
    old: Any = None,
    new: Any = None,
    detail: str = "",
) -> Event:
    """Append one event to the item's trail; the actor is a StaffUser, or None for the system."""
    if actor_kind is None:
        actor_kind = AuthorKind.STAFF if actor is not None else AuthorKind.SYSTEM
    return await Event.create(
        item=item,
        actor=actor,
        actor_kind=actor_kind,
        action=action,
        field=field,
        old_value=_short(old),
        new_value=_short(new),
        detail=detail[:500],
        created_at=now,
    )
