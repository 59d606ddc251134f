"""What staff do to an item from the board: move, assign/take, set priority, category or
sentiment.

Every action checks the version the user saw, so two people changing the same item at once
cannot silently overwrite each other: the second gets a VersionConflict naming who changed it.
Every action is on the audit trail and refreshes the response-time clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from feedback import audit
from feedback.conversation import change_status
from feedback.models import DONE_STATUSES, Customer, Event, FeedbackItem, Priority, Status
from feedback.training_data import record_staff_label
from portal.models import Role, StaffUser
from triage.models import Team
from triage.sla import refresh_targets


class ActionError(ValueError):
    """An action that is not allowed; the message is shown to the user."""


@dataclass
class VersionConflict(Exception):
    """The item changed since the user loaded it."""

    item: FeedbackItem
    changed_by: str
    changed_at: datetime | None

    def __str__(self) -> str:
        return f"{self.item.reference} was changed by {self.changed_by} — reload to see it."


async def _check_version(item: FeedbackItem, expected_version: int | None) -> None:
    if expected_version is None or expected_version == item.version:
        return
    last = (
        await Event.filter(item_id=item.id)
        .order_by("-created_at", "-id")
        .select_related("actor")
        .first()
    )
    who = last.actor.name if last and last.actor else (last.actor_kind if last else "someone")
    raise VersionConflict(item, who, last.created_at if last else None)


async def _bump(item: FeedbackItem, now: datetime, **changes: Any) -> None:
    """Apply changes only if nobody else did in between (compare-and-set on version)."""
    won = await FeedbackItem.filter(id=item.id, version=item.version).update(
        version=F("version") + 1, updated_at=now, **changes
    )
    if won != 1:
        fresh = await FeedbackItem.get(id=item.id)
        await _check_version(fresh, item.version)
    for name, value in changes.items():
        setattr(item, name, value)
    item.version += 1
    item.updated_at = now


def move_refusal(item: FeedbackItem, status: Status) -> str | None:
    """Why staff may not move `item` to `status` by hand (the message to show), or None.

    Resolving needs the resolution record (outcome, root cause, remedy, message to the
    customer), so it happens on the item's page. Closing comes after resolving: an item closed
    before it was resolved tells the customer "this conversation is closed" without ever
    having answered them. Internal closes (merging a duplicate) use `change_status` directly.
    """
    if status == Status.RESOLVED:
        return (
            f"Resolve {item.reference} from its page: a resolution needs an outcome, a root "
            "cause and a message to the customer."
        )
    if status == Status.CLOSED and item.status not in DONE_STATUSES:
        return (
            f"Resolve {item.reference} from its page first: only a resolved item can be "
            "closed, so the customer always gets an answer."
        )
    return None


def status_choices(item: FeedbackItem) -> list[Status]:
    """The statuses a card's or an item page's status picker offers for `item`.

    Closed only once the item is resolved. Resolved stays on offer: the item page sends it
    to the resolve form, and a card says to resolve from the item's page.
    """
    return [s for s in Status if s != Status.CLOSED or move_refusal(item, s) is None]


#: What the board's bulk bar offers: never Resolved, which needs a record per item.
BULK_STATUSES = tuple(s for s in Status if s != Status.RESOLVED)


async def move(
    item: FeedbackItem,
    status: Status,
    *,
    actor: StaffUser,
    now: datetime,
    expected_version: int | None = None,
) -> None:
    """Change status by hand (a card moved, the item page's status form, a bulk change)."""
    await _check_version(item, expected_version)
    refusal = move_refusal(item, status)
    if refusal:
        raise ActionError(refusal)
    await change_status(item, status, now=now, actor=actor)


async def assign(
    item: FeedbackItem,
    owner: StaffUser | None,
    *,
    actor: StaffUser,
    now: datetime,
    expected_version: int | None = None,
) -> None:
    """Give the item to a rep (or take it: owner == actor), or unassign it (owner None).

    Agents may take items and hand their own on; reassigning someone else's item is a
    manager's decision. Always logged.
    """
    await _check_version(item, expected_version)
    current_owner_id = item.owner_id  # type: ignore[attr-defined]
    new_owner_id = owner.id if owner else None
    if current_owner_id == new_owner_id:
        return
    if owner is not None and not owner.is_active:
        raise ActionError(f"{owner.name} is not an active account.")
    is_manager = Role(actor.role).allows(Role.MANAGER)
    if current_owner_id not in (None, actor.id) and not is_manager:
        raise ActionError("Only a manager can reassign an item someone else owns.")
    old = await StaffUser.get_or_none(id=current_owner_id) if current_owner_id else None
    async with in_transaction():
        changes: dict[str, Any] = {"owner_id": new_owner_id, "needs_triage": False}
        if owner is not None and item.team_id is None:  # type: ignore[attr-defined]
            team = await Team.filter(members__id=owner.id).order_by("id").first()
            if team is not None:
                changes["team_id"] = team.id
        await _bump(item, now, **changes)
        detail = "took it" if owner is not None and owner.id == actor.id else ""
        await audit.record(
            item,
            "owner",
            now=now,
            actor=actor,
            field="owner",
            old=old.name if old else "",
            new=owner.name if owner else "",
            detail=detail,
        )
        if owner is not None:
            await StaffUser.filter(id=owner.id).update(last_assigned_at=now)
            if item.status == Status.NEW:
                await change_status(item, Status.ASSIGNED, now=now, actor=actor)
            customer = await Customer.get(id=item.customer_id)  # type: ignore[attr-defined]
            if customer.owner_id is None:  # type: ignore[attr-defined]
                # The first rep to take a customer owns them.
                await Customer.filter(id=customer.id).update(owner_id=owner.id)
                await audit.record(
                    item,
                    "customer_owner",
                    now=now,
                    actor=actor,
                    field="customer owner",
                    new=owner.name,
                    detail="first to take this customer",
                )
    await refresh_targets(item, now)


async def set_priority(
    item: FeedbackItem,
    priority: Priority,
    *,
    actor: StaffUser,
    now: datetime,
    expected_version: int | None = None,
) -> None:
    await _check_version(item, expected_version)
    if item.priority == priority:
        return
    old = item.priority
    await _bump(item, now, priority=priority)
    await audit.record(
        item,
        "priority",
        now=now,
        actor=actor,
        field="priority",
        old=old,
        new=priority.value,
        detail="set by hand",
    )
    await refresh_targets(item, now)


async def set_category(
    item: FeedbackItem,
    category: str,
    *,
    allowed: Sequence[str],
    actor: StaffUser,
    now: datetime,
    expected_version: int | None = None,
) -> None:
    """Set (or confirm) the category; kept as a training example for the learned model.

    Setting the category it already has confirms it: that clears the learned model's doubtful
    suggestion too, and counts as a label to learn from.
    """
    await _check_version(item, expected_version)
    if category not in allowed:
        raise ActionError("Choose a category from the list.")
    old = item.category
    pending = bool(item.suggested_category) or item.category_confidence is not None
    async with in_transaction():
        if old != category or pending:
            await _bump(
                item, now, category=category, suggested_category="", category_confidence=None
            )
            await audit.record(
                item,
                "category",
                now=now,
                actor=actor,
                field="category",
                old=old,
                new=category,
                detail=f"{'corrected' if old != category else 'confirmed'} by {actor.name}",
            )
        await record_staff_label(item, now=now, category=category)


#: Staff give a label, not a strength: a corrected item gets its label's middle score, so
#: sorting and priority rules that read the score agree with the label.
STAFF_SCORES = {"negative": -0.5, "neutral": 0.0, "positive": 0.5}


async def set_sentiment(
    item: FeedbackItem,
    label: str,
    *,
    actor: StaffUser,
    now: datetime,
    expected_version: int | None = None,
) -> None:
    """Correct (or confirm) the item's sentiment; kept as a training example.

    The item then reads "staff" as its scorer with full confidence, so the board stops asking
    to check it. Priority is not recomputed: staff change it by hand when the correction
    matters for it.
    """
    await _check_version(item, expected_version)
    if label not in STAFF_SCORES:
        raise ActionError("Choose negative, neutral or positive.")
    old, old_scorer = item.sentiment_label, item.sentiment_scorer
    score = item.sentiment_score if old == label else STAFF_SCORES[label]
    async with in_transaction():
        await _bump(
            item,
            now,
            sentiment_label=label,
            sentiment_score=score,
            sentiment_confidence=1.0,
            sentiment_confirmed=True,
            sentiment_scorer="staff",
        )
        verb = "corrected" if old != label else "confirmed"
        was = f", was {old_scorer}" if old_scorer and old_scorer != "staff" else ""
        await audit.record(
            item,
            "sentiment",
            now=now,
            actor=actor,
            field="sentiment",
            old=old,
            new=label,
            detail=f"{verb} by {actor.name}{was}",
        )
        await record_staff_label(item, now=now, sentiment=label)


@dataclass
class BulkResult:
    changed: list[str]
    skipped: list[str]  # "FB-XXXX: reason"


async def bulk(
    item_ids: Sequence[int],
    *,
    actor: StaffUser,
    now: datetime,
    status: Status | None = None,
    owner: StaffUser | None = None,
    unassign: bool = False,
) -> BulkResult:
    """Apply one status and/or owner to several items; each is checked and logged on its own."""
    result = BulkResult([], [])
    items = await FeedbackItem.filter(id__in=list(item_ids)[:200]).order_by("id")
    for item in items:
        try:
            if owner is not None or unassign:
                await assign(item, owner, actor=actor, now=now)
            if status is not None:
                await move(item, status, actor=actor, now=now)
            result.changed.append(item.reference)
        except (ActionError, VersionConflict) as exc:
            result.skipped.append(f"{item.reference}: {exc}")
    return result


async def add_collaborator(
    item: FeedbackItem, collaborator: StaffUser, *, actor: StaffUser, now: datetime
) -> None:
    """A collaborator can reply and is notified; the owner stays accountable and credited."""
    if collaborator.id == item.owner_id:  # type: ignore[attr-defined]
        raise ActionError(f"{collaborator.name} already owns this item.")
    if not collaborator.is_active:
        raise ActionError(f"{collaborator.name} is not an active account.")
    if await item.collaborators.filter(id=collaborator.id).exists():
        return
    await item.collaborators.add(collaborator)
    await _bump(item, now)
    await audit.record(
        item,
        "collaborator",
        now=now,
        actor=actor,
        field="collaborators",
        new=collaborator.name,
        detail="added",
    )


async def remove_collaborator(
    item: FeedbackItem, collaborator: StaffUser, *, actor: StaffUser, now: datetime
) -> None:
    if not await item.collaborators.filter(id=collaborator.id).exists():
        return
    await item.collaborators.remove(collaborator)
    await _bump(item, now)
    await audit.record(
        item,
        "collaborator",
        now=now,
        actor=actor,
        field="collaborators",
        old=collaborator.name,
        detail="removed",
    )
