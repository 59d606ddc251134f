"""Reading in-app notifications: a staff member's list, the unread count, marking them read.

Notifications are written where things happen (routing, the sweeper); this module only
reads and acknowledges them.
"""

from __future__ import annotations

from datetime import datetime

from triage.models import Notification

LIST_LIMIT = 100


async def unread_count(recipient_id: int) -> int:
    return await Notification.filter(recipient_id=recipient_id, read_at__isnull=True).count()


async def recent_notifications(recipient_id: int, limit: int = LIST_LIMIT) -> list[Notification]:
    """Newest first, with the item joined (one query)."""
    return (
        await Notification.filter(recipient_id=recipient_id)
        .order_by("-created_at", "-id")
        .select_related("item")
        .limit(limit)
    )


async def mark_all_read(recipient_id: int, now: datetime) -> int:
    """Mark every unread notification of this recipient read; returns how many changed."""
    return await Notification.filter(recipient_id=recipient_id, read_at__isnull=True).update(
        read_at=now
    )
