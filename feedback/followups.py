"""Follow-up tasks: the owner gets back to a customer some days after a resolution."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from feedback import audit
from feedback.models import Customer, FeedbackItem, FollowUp, Kind
from portal.models import Role


class FollowUpError(ValueError):
    """The follow-up cannot be changed by this person."""


def default_follow_up_days(
    item: FeedbackItem, customer: Customer, follow_up_days: Mapping[str, int]
) -> int:
    """Days to the follow-up the resolve form suggests: by segment, for complaints only.

    0 means "no follow-up unless the rep asks for one".
    """
    if item.kind != Kind.COMPLAINT:
        return 0
    return max(0, follow_up_days.get(customer.segment, 0))


async def schedule_follow_up(
    item: FeedbackItem,
    *,
    owner_id: int,
    due_at: datetime,
    now: datetime,
    note: str = "",
    actor: Any = None,
) -> FollowUp:
    follow_up = await FollowUp.create(
        item=item,
        customer_id=item.customer_id,  # type: ignore[attr-defined]
        owner_id=owner_id,
        due_at=due_at,
        note=note[:500],
        created_at=now,
    )
    await audit.record(
        item,
        "follow_up",
        now=now,
        actor=actor,
        field="follow-up due",
        new=due_at.date().isoformat(),
        detail=note[:500],
    )
    return follow_up


async def cancel_pending_follow_ups(
    item: FeedbackItem, *, now: datetime, reason: str, actor: Any = None
) -> int:
    """Drop the item's follow-ups not done yet, each with an audit event; returns how many.

    For a resolution that did not hold (the item was reopened): "check that all is well"
    after it would call a customer whose complaint is open again, count as overdue against
    the owner, and the next resolution schedules its own. The audit trail keeps the record.
    """
    pending = await FollowUp.filter(item_id=item.id, done_at__isnull=True).order_by("due_at", "id")
    for follow_up in pending:
        await audit.record(
            item,
            "follow_up_cancelled",
            now=now,
            actor=actor,
            field="follow-up due",
            old=follow_up.due_at.date().isoformat(),
            detail=reason,
        )
    if pending:
        await FollowUp.filter(id__in=[f.id for f in pending]).delete()
    return len(pending)


async def open_follow_ups(owner_id: int) -> list[FollowUp]:
    """The person's follow-ups not done yet, earliest due first (so overdue ones lead)."""
    return (
        await FollowUp.filter(owner_id=owner_id, done_at__isnull=True)
        .select_related("item", "customer")
        .order_by("due_at", "id")
    )


async def overdue_follow_ups(owner_id: int, now: datetime) -> list[FollowUp]:
    return (
        await FollowUp.filter(owner_id=owner_id, done_at__isnull=True, due_at__lte=now)
        .select_related("item", "customer")
        .order_by("due_at", "id")
    )


def may_complete(follow_up: FollowUp, staff: Any) -> bool:
    """The follow-up's owner, or a manager, may mark it done."""
    return follow_up.owner_id == staff.id or Role(staff.role).allows(Role.MANAGER)  # type: ignore[attr-defined]


async def complete_follow_up(follow_up: FollowUp, staff: Any, *, now: datetime) -> bool:
    """Mark it done (once: a second click changes nothing). Returns False if already done.

    Getting back to the customer is contact: when the person doing it owns the customer,
    the customer's "last contact from their owner" moves to now.
    """
    if not may_complete(follow_up, staff):
        raise FollowUpError("Only its owner or a manager can mark this follow-up done.")
    done = await FollowUp.filter(id=follow_up.id, done_at__isnull=True).update(done_at=now)
    if not done:
        return False
    follow_up.done_at = now
    item = await FeedbackItem.get(id=follow_up.item_id)  # type: ignore[attr-defined]
    await audit.record(
        item,
        "follow_up_done",
        now=now,
        actor=staff,
        field="follow-up due",
        new=follow_up.due_at.date().isoformat(),
    )
    await Customer.filter(id=follow_up.customer_id, owner_id=staff.id).update(  # type: ignore[attr-defined]
        last_owner_contact_at=now
    )
    return True
