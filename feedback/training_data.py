"""The labels an installation learns from: staff corrections, kept as training examples.

Every time staff set an item's sentiment or category (on the board or the item page), the
item's text and the confirmed label are kept as one :class:`TrainingExample` per item
(``source_key`` ``item:<id>``): a second correction updates it. A sentiment correction keeps
the category confirmed earlier, and the other way round. Imported history is added by
:mod:`feedback.history_import`.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError

from feedback.models import AuthorKind, FeedbackItem, Message, TrainingExample, TrainingSource

MAX_TEXT = 10_000


def example_text(subject: str, message: str) -> str:
    """The text a model sees for an item: subject and first message (as scored at intake)."""
    return f"{subject}\n{message}"[:MAX_TEXT]


async def item_text(item: FeedbackItem) -> str:
    """Subject and the customer's first message."""
    first = (
        await Message.filter(item_id=item.id, author_kind=AuthorKind.CUSTOMER)
        .order_by("created_at", "id")
        .first()
    )
    return example_text(item.subject, first.body if first else "")


async def record_staff_label(
    item: FeedbackItem,
    *,
    now: datetime,
    sentiment: str | None = None,
    category: str | None = None,
) -> TrainingExample:
    """Add or update the item's training example with the label(s) staff just confirmed."""
    key = f"item:{item.id}"
    text = await item_text(item)
    for _attempt in range(2):
        example = await TrainingExample.get_or_none(source_key=key)
        if example is None:
            try:
                return await TrainingExample.create(
                    text=text,
                    sentiment=sentiment,
                    category=category,
                    source=TrainingSource.STAFF,
                    source_key=key,
                    item=item,
                    created_at=item.created_at,
                    labelled_at=now,
                )
            except IntegrityError:
                continue  # another request created it just now: update that one
        example.text = text
        if sentiment is not None:
            example.sentiment = sentiment
        if category is not None:
            example.category = category
        example.labelled_at = now
        await example.save(update_fields=["text", "sentiment", "category", "labelled_at"])
        return example
    raise RuntimeError(f"could not record the training example {key}")
