"""In-app notifications to the people responsible for an item.

These stay in-app; the sweeper's warnings, breaches and quiet-channel alerts are mailed too
(`triage.staff_mail`).
"""

from __future__ import annotations

from datetime import datetime

from feedback.models import FeedbackItem
from triage.models import Notification


async def notify_watchers(
    item: FeedbackItem, kind: str, text: str, *, now: datetime, skip_id: int | None = None
) -> int:
    """Notify the owner and collaborators (not `skip_id`, usually whoever acted)."""
    recipients = set(await item.collaborators.all().values_list("id", flat=True))
    if item.owner_id is not None:  # type: ignore[attr-defined]
        recipients.add(item.owner_id)  # type: ignore[attr-defined]
    recipients.discard(skip_id)
    await Notification.bulk_create(
        [
            Notification(
                recipient_id=rid, item_id=item.id, kind=kind, text=text[:500], created_at=now
            )
            for rid in sorted(recipients)
        ]
    )
    return len(recipients)
