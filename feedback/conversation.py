"""Replies, internal notes and status changes on an item — each one audited."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from feedback import audit
from feedback.attachments import CheckedFile, attach, audit_note
from feedback.customer_mail import CustomerLinks, queue_staff_reply
from feedback.followups import cancel_pending_follow_ups
from feedback.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    AuthorKind,
    Customer,
    FeedbackItem,
    Message,
    Status,
)
from feedback.sentiment import score_text
from feedback.text_limits import too_long
from portal.i18n import N_
from triage.notify import notify_watchers
from triage.sla import refresh_targets

MAX_REPLY_LENGTH = 10_000
DEFAULT_REOPEN_WINDOW_DAYS = 14  # settings.reopen_window_days; handlers pass the setting
CLOSED_FOR_REPLIES = N_("This conversation is closed. Please send us new feedback.")
WINDOW_PASSED = N_(
    "This conversation was resolved a while ago and is closed for replies. Please send us "
    "new feedback."
)

#: Statuses in which we owe the customer the next step (see `customer_promise`).
PROMISE_STATUSES = (Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS)

# Plain words for the customer, translated where they are shown.
STATUS_WORDS = {
    Status.NEW: N_("Received — waiting for a team member"),
    Status.ASSIGNED: N_("Assigned to a team member"),
    Status.IN_PROGRESS: N_("We are working on it"),
    Status.WAITING_ON_CUSTOMER: N_("Waiting for your reply"),
    Status.RESOLVED: N_("Resolved"),
    Status.CLOSED: N_("Closed"),
}


@dataclass(frozen=True)
class CustomerPromise:
    """When the customer may expect us: the response-time target, told as a promise."""

    kind: str  # "answer" (first response) or "resolve"
    due: datetime
    late: bool


def customer_promise(item: FeedbackItem, now: datetime) -> CustomerPromise | None:
    """What the tracking and thanks pages promise: the first answer until it is given, then
    the resolution. Nothing while we wait for the customer, once resolved, or when merged.

    A target is a promise only if it is told; a late one is owned up to, not hidden.
    """
    if item.merged_into_id is not None or item.status not in PROMISE_STATUSES:  # type: ignore[attr-defined]
        return None
    if item.first_response_at is None:
        kind, due = "answer", item.first_response_due
    else:
        kind, due = "resolve", item.resolution_due
    if due is None:
        return None
    return CustomerPromise(kind=kind, due=due, late=now > due)


class ConversationError(ValueError):
    """A reply or change that is not allowed (shown to the user as a message)."""


def _check_body(body: str) -> str:
    body = body.replace("\r\n", "\n").replace("\x00", "").strip()
    if not body:
        raise ConversationError(N_("Write a message first."))
    if len(body) > MAX_REPLY_LENGTH:
        raise ConversationError(too_long(MAX_REPLY_LENGTH))
    return body


async def change_status(
    item: FeedbackItem, new_status: Status, *, now: datetime, actor: Any = None, detail: str = ""
) -> bool:
    """Move an item to a new status with an audit event; returns False when unchanged.

    `resolved_at` is the moment of the item's current resolution: set on resolving, cleared
    when a resolved or closed item is open again (reopened by the customer or moved back by
    staff), so a reopened item never reads as resolved. The resolution records stay. A
    follow-up still pending from the resolution that did not hold is cancelled.
    """
    old_status = Status(item.status)
    if old_status == new_status:
        return False
    reopening = old_status in DONE_STATUSES and new_status in OPEN_STATUSES
    item.status = new_status
    item.updated_at = now
    item.version += 1
    update = ["status", "updated_at", "version"]
    if new_status == Status.RESOLVED:
        item.resolved_at = now
        update.append("resolved_at")
    elif reopening and item.resolved_at is not None:
        item.resolved_at = None
        update.append("resolved_at")
    await item.save(update_fields=update)
    await audit.record(
        item,
        "status",
        now=now,
        actor=actor,
        actor_kind=AuthorKind.STAFF if actor else AuthorKind.SYSTEM,
        field="status",
        old=old_status.value,
        new=new_status.value,
        detail=detail,
    )
    if reopening:
        await cancel_pending_follow_ups(
            item, now=now, actor=actor, reason="reopened; its next resolution can schedule one"
        )
    await refresh_targets(item, now)
    return True


def reply_window_ends(item: FeedbackItem, reopen_window_days: int) -> datetime | None:
    """Until when the customer may reply to a resolved item (and so reopen it)."""
    if item.status != Status.RESOLVED or item.resolved_at is None:
        return None
    return item.resolved_at + timedelta(days=reopen_window_days)


def reply_refusal(item: FeedbackItem, *, now: datetime, reopen_window_days: int) -> str | None:
    """Why the customer cannot reply now (a message marked for translation), or None."""
    if item.status == Status.CLOSED:
        return CLOSED_FOR_REPLIES
    ends = reply_window_ends(item, reopen_window_days)
    if ends is not None and now > ends:
        return WINDOW_PASSED
    return None


async def add_customer_reply(
    item: FeedbackItem,
    body: str,
    *,
    now: datetime,
    reopen_window_days: int = DEFAULT_REOPEN_WINDOW_DAYS,
    files: Sequence[CheckedFile] = (),
) -> Message:
    """The customer writes back from the tracking page; scored like the first message.

    `files` (bytes already stored: `feedback.attachments.staged`) are attached in the same
    transaction as the message.

    A reply to a resolved item within `reopen_window_days` of its resolution reopens it
    (counted in `reopen_count`); after that, and always once closed, replies are refused.
    """
    body = _check_body(body)
    refusal = reply_refusal(item, now=now, reopen_window_days=reopen_window_days)
    if refusal:
        raise ConversationError(refusal)
    sentiment = score_text(body)
    reopening = item.status == Status.RESOLVED
    async with in_transaction():
        message = await Message.create(
            item=item,
            author_kind=AuthorKind.CUSTOMER,
            body=body,
            sentiment_score=sentiment.score,
            sentiment_label=sentiment.label,
            sentiment_confidence=sentiment.confidence,
            sentiment_scorer=f"{sentiment.scorer}/{sentiment.version}",
            created_at=now,
        )
        await attach(message, files, now=now)
        await audit.record(
            item,
            "customer_reply",
            now=now,
            actor_kind=AuthorKind.CUSTOMER,
            detail=f"sentiment {sentiment.label} {sentiment.score:+.2f}"
            + (f", {audit_note(files)}" if files else ""),
        )
        if reopening:
            await _reopen(item, now)
        elif item.status == Status.WAITING_ON_CUSTOMER:
            await change_status(item, Status.IN_PROGRESS, now=now, detail="customer replied")
        else:
            item.updated_at = now
            item.version += 1
            await item.save(update_fields=["updated_at", "version"])
    if reopening:
        await notify_watchers(
            item, "reopened", f"{item.reference}: the customer replied and reopened it", now=now
        )
    else:
        await notify_watchers(
            item, "customer_reply", f"{item.reference}: the customer replied", now=now
        )
    return message


async def _reopen(item: FeedbackItem, now: datetime) -> None:
    # Counted in the database (F expression) so two replies at once both count.
    await FeedbackItem.filter(id=item.id).update(reopen_count=F("reopen_count") + 1)
    counts = await FeedbackItem.filter(id=item.id).values_list("reopen_count", flat=True)
    item.reopen_count = int(counts[0])
    await audit.record(
        item,
        "reopened",
        now=now,
        actor_kind=AuthorKind.CUSTOMER,
        field="reopen count",
        new=item.reopen_count,
        detail="the customer replied after the resolution",
    )
    await change_status(item, Status.IN_PROGRESS, now=now, detail="reopened by the customer")


async def messages_written_since(
    item: FeedbackItem, last_seen_message_id: int, reader: Any
) -> list[Message]:
    """Messages on `item` newer than the one `reader` last saw, written by someone else.

    The item page sends the id of the newest message it showed with the reply form; a reply
    written while a customer answered or a colleague replied would otherwise go out without
    its author having read them (two reps answering the same question twice, or a promise
    already withdrawn in an internal note).
    """
    return (
        await Message.filter(item_id=item.id, id__gt=last_seen_message_id)
        .filter(Q(author_staff_id__isnull=True) | ~Q(author_staff_id=reader.id))
        .order_by("id")
        .select_related("author_staff")
    )


def collision_warning(
    new_messages: list[Message], customer_name: str, shown: str = "marked new above"
) -> str:
    """The message shown with a reply that was held back because of `new_messages`.

    `shown` says where the page shows them.
    """
    authors: list[str] = []
    for message in new_messages:
        if message.author_kind == AuthorKind.CUSTOMER:
            name = customer_name or "The customer"
        elif message.author_staff is not None:
            name = message.author_staff.name
        else:
            name = "The system"
        if name not in authors:
            authors.append(name)
    count = len(new_messages)
    what = "a message" if count == 1 else f"{count} messages"
    who = " and ".join([", ".join(authors[:-1]), authors[-1]] if len(authors) > 1 else authors)
    return (
        f"Not sent yet: while you were writing, {who} added {what} to this conversation "
        f"({shown}). Read it, then press Send again — your text is kept."
    )


async def add_staff_reply(
    item: FeedbackItem,
    staff: Any,
    body: str,
    *,
    now: datetime,
    internal: bool = False,
    links: CustomerLinks | None = None,
    files: Sequence[CheckedFile] = (),
) -> Message:
    """A public reply to the customer, or an internal note only staff see.

    With `links`, a public reply is also mailed to the customer (written to the outbox in
    the same transaction); an internal note never is. The first public reply is the first
    response. A customer nobody owns yet is owned by the rep who first answers them; an
    unowned item is taken by that rep too.
    """
    body = _check_body(body)
    async with in_transaction():
        message = await Message.create(
            item=item,
            author_kind=AuthorKind.STAFF,
            author_staff=staff,
            body=body,
            is_internal=internal,
            created_at=now,
        )
        attached = await attach(message, files, now=now)
        await audit.record(
            item, "note" if internal else "reply", now=now, actor=staff, detail=audit_note(files)
        )
        if internal:
            item.updated_at = now
            item.version += 1
            await item.save(update_fields=["updated_at", "version"])
            return message
        update = ["updated_at", "version"]
        if item.first_response_at is None:
            item.first_response_at = now
            update.append("first_response_at")
            await audit.record(item, "first_response", now=now, actor=staff)
        if item.owner_id is None:
            item.owner_id = staff.id
            item.needs_triage = False
            update += ["owner_id", "needs_triage"]
            await audit.record(
                item,
                "owner",
                now=now,
                actor=staff,
                field="owner",
                old="",
                new=staff.name,
                detail="took the item by answering it",
            )
        item.updated_at = now
        item.version += 1
        await item.save(update_fields=update)
        if item.status in (Status.NEW, Status.ASSIGNED):
            await change_status(item, Status.IN_PROGRESS, now=now, actor=staff)
        customer = await Customer.get(id=item.customer_id)
        if customer.owner_id is None:
            customer.owner_id = staff.id
            await customer.save(update_fields=["owner_id"])
            await audit.record(
                item,
                "customer_owner",
                now=now,
                actor=staff,
                field="customer owner",
                old="",
                new=staff.name,
                detail="first to handle this customer",
            )
        if customer.owner_id == staff.id:
            # A public answer from the customer's own rep is contact ("customers at risk").
            await Customer.filter(id=customer.id).update(last_owner_contact_at=now)
        if links is not None:
            await queue_staff_reply(
                item,
                customer,
                staff.name,
                body,
                links,
                now=now,
                files=[(row.id, row.filename) for row in attached],
            )
    await refresh_targets(item, now)
    return message
