"""Customers at risk, and repeat complainants flagged for a relationship review.

A customer is at risk, with each reason listed, when in the last 90 days they had
- negative sentiment on at least 2 items,
- an item that breached or missed a response target, or one that was reopened,
- a low survey answer (satisfaction 2 or less, or recommend 6 or less — a detractor),
or, for customers with an owner, no contact from that owner for `no_contact_days`
(counted from the customer's creation when the owner never got in touch).

Every rule is one grouped query; nothing loads all items into Python.

Repeat complainants (3 or more complaints in 90 days) are flagged `needs_review` at
intake. They are never blocked: the flag only asks a manager to look at the relationship.
After a manager clears it, only complaints received after the clearing count again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count, Min

from feedback import audit
from feedback.models import Customer, Event, FeedbackItem, Kind, SurveyResponse

log = logging.getLogger("portal.at_risk")

WINDOW_DAYS = 90
NEGATIVE_ITEMS = 2
LOW_SATISFACTION = 2  # 1..5, this or lower
LOW_RECOMMEND = 6  # 0..10, this or lower: an NPS detractor
REPEAT_COMPLAINTS = 3
MAX_REVIEW_NOTE = 500
_CHUNK = 500


@dataclass
class AtRisk:
    customer: Customer
    reasons: list[str] = field(default_factory=list)


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


async def _grouped(query: Any, *, at_least: int = 1) -> dict[int, dict[str, Any]]:
    """Items per customer, only customers with `at_least` of them (GROUP BY … HAVING)."""
    rows = (
        await query.annotate(n=Count("id"))
        .group_by("customer_id")
        .filter(n__gte=at_least)
        .values("customer_id", "n")
    )
    return {row["customer_id"]: row for row in rows}


async def customers_at_risk(
    now: datetime,
    no_contact_days: int,
    *,
    segments: Sequence[str] = (),
    owner_id: int | None = None,
) -> list[AtRisk]:
    """Customers at risk with the reasons: most reasons first, then the most valuable segment
    (`segments`, highest value first, as in settings), then by name.

    With `owner_id`, only that rep's customers (0: customers nobody owns).
    """
    since = now - timedelta(days=WINDOW_DAYS)
    recent = FeedbackItem.filter(created_at__gte=since, merged_into_id__isnull=True)
    reasons: dict[int, list[str]] = defaultdict(list)

    negative = await _grouped(recent.filter(sentiment_label="negative"), at_least=NEGATIVE_ITEMS)
    for customer_id, row in negative.items():
        reasons[customer_id].append(
            f"Negative sentiment on {_plural(row['n'], 'item')} in {WINDOW_DAYS} days"
        )
    missed = await _grouped(
        recent.filter(
            Q(sla_state="breached") | Q(first_response_met=False) | Q(resolution_met=False)
        )
    )
    for customer_id, row in missed.items():
        reasons[customer_id].append(
            f"{_plural(row['n'], 'item')} breached a response target in {WINDOW_DAYS} days"
        )
    reopened = await _grouped(recent.filter(reopen_count__gt=0))
    for customer_id, row in reopened.items():
        reasons[customer_id].append(
            f"{_plural(row['n'], 'item')} reopened by the customer in {WINDOW_DAYS} days"
        )
    low_rows = (
        await SurveyResponse.filter(updated_at__gte=since)
        .filter(Q(satisfaction__lte=LOW_SATISFACTION) | Q(recommend__lte=LOW_RECOMMEND))
        .annotate(n=Count("id"), sat=Min("satisfaction"), rec=Min("recommend"))
        .group_by("item__customer_id")
        .values("item__customer_id", "n", "sat", "rec")
    )
    for row in low_rows:
        reasons[row["item__customer_id"]].append(
            f"Low survey score in {WINDOW_DAYS} days (lowest: satisfaction {row['sat']}/5, "
            f"recommend {row['rec']}/10)"
        )
    cutoff = now - timedelta(days=no_contact_days)
    silent = (
        await Customer.filter(owner_id__isnull=False, merged_into_id__isnull=True)
        .filter(
            Q(last_owner_contact_at__lt=cutoff)
            | Q(last_owner_contact_at__isnull=True, created_at__lt=cutoff)
        )
        .values("id", "last_owner_contact_at", "created_at")
    )
    for row in silent:
        last = row["last_owner_contact_at"]
        days = (now - (last or row["created_at"])).days
        reasons[row["id"]].append(
            f"No contact from their owner for {days} days"
            if last
            else f"No contact from their owner since they became a customer ({days} days)"
        )

    customers = await _customers(reasons)
    found = [
        AtRisk(customers[cid], reasons[cid])
        for cid in reasons
        if cid in customers and (owner_id is None or (customers[cid].owner_id or 0) == owner_id)
    ]
    value_rank = {segment: rank for rank, segment in enumerate(segments)}

    def most_at_stake(row: AtRisk) -> tuple[int, int, str, int]:
        rank = value_rank.get(row.customer.segment, len(value_rank))
        return (-len(row.reasons), rank, row.customer.name.lower(), row.customer.id)

    found.sort(key=most_at_stake)
    return found


async def _customers(ids: Iterable[int]) -> dict[int, Customer]:
    ids = list(ids)
    result: dict[int, Customer] = {}
    for start in range(0, len(ids), _CHUNK):  # keep under SQLite's bound-parameter limit
        for customer in await Customer.filter(id__in=ids[start : start + _CHUNK]).select_related(
            "owner"
        ):
            result[customer.id] = customer
    return result


# --- Repeat complainants -------------------------------------------------------------------


async def last_review(customer_id: int) -> Event | None:
    """The latest clearing of the customer's review flag (an event on one of their items)."""
    return (
        await Event.filter(item__customer_id=customer_id, action="review_cleared")
        .select_related("actor", "item")
        .order_by("-created_at", "-id")
        .first()
    )


async def flag_repeat_complainant(item: FeedbackItem, *, now: datetime) -> bool:
    """Flag the item's customer for a relationship review on their 3rd complaint in 90 days.

    Returns True when this call set the flag. Never raises into intake: a failure is logged.
    """
    try:
        return await _flag(item, now)
    except Exception:  # the feedback is stored already; a missing flag must not lose it
        log.exception("repeat-complainant check failed for item %s", item.id)
        return False


async def _flag(item: FeedbackItem, now: datetime) -> bool:
    if item.kind != Kind.COMPLAINT:
        return False
    customer_id = item.customer_id  # type: ignore[attr-defined]
    query = FeedbackItem.filter(
        customer_id=customer_id,
        kind=Kind.COMPLAINT,
        created_at__gte=now - timedelta(days=WINDOW_DAYS),
        merged_into_id__isnull=True,
    )
    cleared = await last_review(customer_id)
    if cleared is not None:
        query = query.filter(created_at__gt=cleared.created_at)
    count = await query.count()
    if count < REPEAT_COMPLAINTS:
        return False
    reason = f"{count} complaints in {WINDOW_DAYS} days (latest {item.reference})"
    flagged = await Customer.filter(id=customer_id, needs_review=False).update(
        needs_review=True, review_reason=reason[:200]
    )
    if not flagged:
        return False
    await audit.record(item, "review_flagged", now=now, field="relationship review", detail=reason)
    return True


class ReviewError(ValueError):
    """The review note is missing or too long (shown next to the field)."""


async def clear_review(customer: Customer, staff: Any, note: str, *, now: datetime) -> None:
    """A manager clears the flag with a note, kept on the audit trail of their latest item."""
    note = note.replace("\r\n", "\n").strip()
    if not note:
        raise ReviewError("Write a note: what you found and what was agreed.")
    if len(note) > MAX_REVIEW_NOTE:
        raise ReviewError(f"Keep the note to {MAX_REVIEW_NOTE} characters.")
    cleared = await Customer.filter(id=customer.id, needs_review=True).update(
        needs_review=False, review_reason=""
    )
    if not cleared:
        return  # someone cleared it a moment ago: nothing left to do
    old_reason = customer.review_reason
    customer.needs_review, customer.review_reason = False, ""
    latest = (
        await FeedbackItem.filter(customer_id=customer.id).order_by("-created_at", "-id").first()
    )
    if latest is not None:
        await audit.record(
            latest,
            "review_cleared",
            now=now,
            actor=staff,
            field="relationship review",
            old=old_reason,
            new="cleared",
            detail=note,
        )
