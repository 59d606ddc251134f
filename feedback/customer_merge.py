"""Merge two customer records that are the same person (one timeline per customer).

People write from a work and a home address, or staff log a phone call under a new record
before finding the old one. Merging moves every item and follow-up of the *source* record to
the *target*, fills the target's blank details from the source, keeps the target's owner (or
takes the source's when the target has none: one customer, one responsible rep) and the more
valuable segment, and appends the source's notes. The source record stays as an alias with
`merged_into` set: feedback or mail from its address lands on the target from then on, and its
page leads to the target. Nothing is deleted; every moved item gets an audit event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from feedback.addresses import normalise_email
from feedback.models import AuthorKind, Customer, Event, FeedbackItem, FollowUp
from triage.search import Scope, parse_search, search

MAX_NOTES_LENGTH = 20_000  # the customer page's notes limit
# An erased record (feedback.privacy) is never revived by a merge, in either direction.
ERASED = "An erased customer's record cannot be merged."


class CustomerMergeError(ValueError):
    """A merge that is not allowed; the message is shown next to the field."""


@dataclass(frozen=True)
class MergePreview:
    """What a merge would do, shown before staff confirm it."""

    source: Customer
    target: Customer
    items: int
    owner_after: Any  # StaffUser or None
    segment_after: str


def merged_segment(target: str, source: str, segments: Sequence[str]) -> str:
    """The more valuable of two segments (`segments` lists the highest value first)."""
    rank = {segment: index for index, segment in enumerate(segments)}
    return min((target, source), key=lambda segment: rank.get(segment, len(rank)))


async def find_source(target: Customer, email: str) -> Customer:
    """The customer record with `email` that may be merged into `target`."""
    email = normalise_email(email or "")
    if not email:
        raise CustomerMergeError("Type the e-mail address of the other customer record.")
    source = await Customer.get_or_none(email=email).select_related("owner")
    if source is None:
        raise CustomerMergeError(f"No customer has the address {email}.")
    if source.id == target.id:
        raise CustomerMergeError("That is this customer's own address.")
    if source.merged_into_id is not None:
        raise CustomerMergeError(f"{email} was already merged into another customer.")
    if target.merged_into_id is not None:
        raise CustomerMergeError("This customer was merged into another one; merge into that.")
    if source.erased_at is not None or target.erased_at is not None:
        raise CustomerMergeError(ERASED)
    return source


async def preview_merge(
    source: Customer, target: Customer, segments: Sequence[str]
) -> MergePreview:
    """Count what would move and say who would own the merged customer."""
    await target.fetch_related("owner")
    return MergePreview(
        source=source,
        target=target,
        items=await FeedbackItem.filter(customer_id=source.id).count(),
        owner_after=target.owner or source.owner,
        segment_after=merged_segment(target.segment, source.segment, segments),
    )


async def merge_customers(
    source: Customer,
    target: Customer,
    *,
    staff: Any,
    now: datetime,
    segments: Sequence[str],
) -> int:
    """Merge `source` into `target` in one transaction; returns how many items moved.

    Both rows are re-read under the transaction, so a record merged meanwhile by someone
    else is refused instead of merged twice.
    """
    async with in_transaction():
        source = await Customer.select_for_update().get(id=source.id)
        target = await Customer.select_for_update().get(id=target.id)
        if source.merged_into_id is not None or target.merged_into_id is not None:
            raise CustomerMergeError("One of the two records was merged meanwhile; reload.")
        if source.id == target.id:
            raise CustomerMergeError("That is this customer's own address.")
        if source.erased_at is not None or target.erased_at is not None:
            raise CustomerMergeError(ERASED)
        item_ids = await FeedbackItem.filter(customer_id=source.id).values_list("id", flat=True)
        await FeedbackItem.filter(customer_id=source.id).update(customer_id=target.id)
        await FollowUp.filter(customer_id=source.id).update(customer_id=target.id)
        await Event.bulk_create(
            [
                Event(
                    item_id=item_id,
                    actor=staff,
                    actor_kind=AuthorKind.STAFF,
                    action="customer_merged",
                    field="customer",
                    old_value=source.email[:200],
                    new_value=target.email[:200],
                    detail=f"customer {source.name} merged into {target.name}"[:500],
                    created_at=now,
                )
                for item_id in item_ids
            ]
        )
        _absorb(target, source, segments)
        await target.save()
        source.merged_into_id = target.id
        source.merged_at = now
        await source.save(update_fields=["merged_into_id", "merged_at"])
        # Records merged into the source earlier now stand for the target too: one hop, always.
        await Customer.filter(merged_into_id=source.id).update(merged_into_id=target.id)
    return len(item_ids)


def _absorb(target: Customer, source: Customer, segments: Sequence[str]) -> None:
    """Fill `target` from `source` where the target lacks something."""
    target.phone = target.phone or source.phone
    target.company = target.company or source.company
    if target.owner_id is None:
        target.owner_id = source.owner_id
    target.segment = merged_segment(target.segment, source.segment, segments)
    target.needs_review = target.needs_review or source.needs_review
    target.review_reason = target.review_reason or source.review_reason
    contacts = [c for c in (target.last_owner_contact_at, source.last_owner_contact_at) if c]
    target.last_owner_contact_at = max(contacts) if contacts else None
    if source.notes.strip():
        joined = f"{target.notes.rstrip()}\n\nFrom {source.email}:\n{source.notes.strip()}"
        target.notes = joined.strip()[:MAX_NOTES_LENGTH]


#: At most this many "maybe the same person" suggestions on a customer page.
MAX_SUGGESTIONS = 5
SEARCH_PAGE = 50  # items looked at per search for them
MIN_LOCAL_PART = 4


def _name_key(name: str) -> tuple[str, str] | None:
    """(first initial, last word) of a name, lower case: "Jo Park" and "J. Park" agree."""
    words = [word.strip(".,").lower() for word in name.split()]
    words = [word for word in words if word]
    if len(words) < 2 or len(words[-1]) < 2:
        return None
    return words[0][0], words[-1]


def _local_part(email: str) -> str:
    return email.split("@", 1)[0].lower()


async def possible_duplicates(customer: Customer) -> list[Customer]:
    """Other records that may be the same person, for the customer page to offer a merge.

    The same part before the "@" at another domain (jo.park@ at home and at work), or the
    same last name and first initial ("Jo Park", "J. Park"). Candidates come from staff
    search's customer index (triage.search: no table scan), then this rule picks among them.
    A suggestion only: staff check and confirm the merge.
    """
    if customer.merged_into_id is not None or customer.erased_at is not None:
        return []
    # A short part before the "@" ("jo@", "me@") is shared by strangers: not a sign.
    local_part = _local_part(customer.email)
    if len(local_part) < MIN_LOCAL_PART:
        local_part = ""
    name_key = _name_key(customer.name)
    queries = [f'"{local_part}@"'] if local_part else []
    if name_key is not None:
        queries.append(f'"{name_key[1]}"')
    found: dict[int, Customer] = {}
    for q in queries:
        query = parse_search({"q": q, "in": Scope.CUSTOMER.value})
        results = await search(query, page_size=SEARCH_PAGE, cap=SEARCH_PAGE)
        for hit in results.hits:
            other = hit.item.customer
            if other.id == customer.id or other.merged_into_id is not None or other.erased_at:
                continue
            if (local_part and _local_part(other.email) == local_part) or (
                name_key is not None and _name_key(other.name) == name_key
            ):
                found.setdefault(other.id, other)
    return sorted(found.values(), key=lambda other: (other.name.lower(), other.id))[
        :MAX_SUGGESTIONS
    ]


async def current_customer(customer: Customer) -> Customer:
    """The record feedback from `customer`'s address belongs to: itself, or where it was merged.

    Merging re-points earlier aliases, so this is one hop; the loop only guards older data.
    """
    seen = {customer.id}
    while customer.merged_into_id is not None:
        merged_into = await Customer.get_or_none(id=customer.merged_into_id)
        if merged_into is None or merged_into.id in seen:
            break
        seen.add(merged_into.id)
        customer = merged_into
    return customer
