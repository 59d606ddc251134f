"""Possible duplicates: the same customer writing about the same thing twice, and merging.

Two texts (subject + first message) are compared as sets of normalised words: lower case,
common English stop words dropped, a light suffix strip ("parcels" = "parcel",
"charged" = "charge"), and runs of Chinese/Japanese/Korean characters split into character
pairs. They look like duplicates when

- the Jaccard index (shared words / all words) is at least 0.5, or
- the shorter text has at least 4 such words and at least 60 % of them are in the other
  ("Still no parcel for order A-1001" against a long first complaint about it).

Tested on a table of pairs in tests/feedback/test_duplicates.py; tune there.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.transactions import in_transaction

from feedback import audit
from feedback.conversation import change_status
from feedback.models import OPEN_STATUSES, FeedbackItem, Message, Status

JACCARD_THRESHOLD = 0.5
CONTAINMENT_THRESHOLD = 0.6
CONTAINMENT_MIN_WORDS = 4

STOP_WORDS = frozenset(
    """a about after again all also am an and any are as at be been before being but by can
    could did do does dont for from get got had has have having he her here him his how i im
    ive if in into is it its just me more my no nor not now of off on once only or our out
    over please so some still such than that the their them then there these they this those
    to too up very was we were what when where which while who why will with would you your
    yours hi hello dear thanks thank regards""".split()
)
_WORD = re.compile(r"\w+")
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]+")


def _stem(word: str) -> str:
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3 and not word.endswith("ss"):
            word = word[: -len(suffix)]
            break
    # "charge", "charged", "charging" -> "charg"
    return word[:-1] if word.endswith("e") and len(word) > 3 else word


def words(text: str) -> frozenset[str]:
    """The comparable words of a text (see the module docstring)."""
    text = text.lower().replace("’", "").replace("'", "")
    result: set[str] = set()
    for run in _CJK_RUN.findall(text):
        result.update(run[i : i + 2] for i in range(max(1, len(run) - 1)))
    for word in _WORD.findall(_CJK_RUN.sub(" ", text)):
        if word in STOP_WORDS or (len(word) < 2 and not word.isdigit()):
            continue
        result.add(_stem(word))
    return frozenset(result)


@dataclass(frozen=True)
class Similarity:
    jaccard: float
    containment: float  # share of the shorter text's words found in the other (0 if too short)

    @property
    def is_duplicate(self) -> bool:
        return self.jaccard >= JACCARD_THRESHOLD or self.containment >= CONTAINMENT_THRESHOLD


def similarity(first: str, second: str) -> Similarity:
    a, b = words(first), words(second)
    if not a or not b:
        return Similarity(0.0, 0.0)
    shared = len(a & b)
    shorter = min(len(a), len(b))
    containment = shared / shorter if shorter >= CONTAINMENT_MIN_WORDS else 0.0
    return Similarity(shared / len(a | b), containment)


def looks_like_duplicate(first: str, second: str) -> bool:
    return similarity(first, second).is_duplicate


async def _first_messages(item_ids: list[int]) -> dict[int, str]:
    first: dict[int, str] = {}
    rows = (
        await Message.filter(item_id__in=item_ids, is_internal=False)
        .order_by("created_at", "id")
        .values("item_id", "body")
    )
    for row in rows:
        first.setdefault(row["item_id"], row["body"])
    return first


async def possible_duplicates(item: FeedbackItem, within_days: int = 7) -> list[FeedbackItem]:
    """Other open items of the same customer, received within `within_days` of this one,
    whose subject and first message look like this one's (oldest first)."""
    window = timedelta(days=within_days)
    candidates = (
        await FeedbackItem.filter(
            customer_id=item.customer_id,  # type: ignore[attr-defined]
            status__in=list(OPEN_STATUSES),
            merged_into_id__isnull=True,
            created_at__gte=item.created_at - window,
            created_at__lte=item.created_at + window,
        )
        .exclude(id=item.id)
        .order_by("created_at", "id")
    )
    if not candidates:
        return []
    bodies = await _first_messages([item.id, *(c.id for c in candidates)])
    own = f"{item.subject}\n{bodies.get(item.id, '')}"
    return [
        other
        for other in candidates
        if looks_like_duplicate(own, f"{other.subject}\n{bodies.get(other.id, '')}")
    ]


class MergeError(ValueError):
    """The two items cannot be merged (shown to staff)."""


async def merge_items(
    source: FeedbackItem, target: FeedbackItem, *, staff: Any, now: datetime
) -> None:
    """Close `source` as merged into `target`. Messages and events stay where they are.

    The target's page shows the merged item's conversation; both trails say what happened.
    """
    if source.id == target.id:
        raise MergeError("An item cannot be merged into itself.")
    if source.customer_id != target.customer_id:  # type: ignore[attr-defined]
        raise MergeError("Only items of the same customer can be merged.")
    if target.status not in OPEN_STATUSES or target.merged_into_id is not None:  # type: ignore[attr-defined]
        raise MergeError(f"{target.reference} is no longer open; merge into an open item.")
    if source.status not in OPEN_STATUSES:
        raise MergeError(f"{source.reference} is no longer open.")
    async with in_transaction():
        claimed = await FeedbackItem.filter(
            id=source.id, merged_into_id__isnull=True, status__in=list(OPEN_STATUSES)
        ).update(merged_into_id=target.id)
        if not claimed:
            raise MergeError(f"{source.reference} was merged or closed meanwhile.")
        source.merged_into_id = target.id  # type: ignore[attr-defined]
        await change_status(
            source, Status.CLOSED, now=now, actor=staff, detail=f"merged into {target.reference}"
        )
        await audit.record(
            source,
            "merged",
            now=now,
            actor=staff,
            field="merged into",
            new=target.reference,
            detail=f"merged into {target.reference}",
        )
        await audit.record(
            target,
            "merged_here",
            now=now,
            actor=staff,
            field="merged from",
            new=source.reference,
            detail=f"{source.reference} merged here",
        )
        target.updated_at = now
        target.version += 1
        await target.save(update_fields=["updated_at", "version"])
