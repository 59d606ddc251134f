"""Shared set-up for the board tests: items with exactly the fields a test needs."""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

from bs4 import BeautifulSoup

from feedback.intake import Submission, submit_feedback
from feedback.models import FeedbackItem, Kind


async def make_item(
    subject: str = "Parcel late",
    *,
    now: datetime,
    name: str = "Jo Park",
    email: str = "jo.park@example.com",
    kind: str = "complaint",
    category: str = "Delivery",
    **fields: Any,
) -> FeedbackItem:
    """An item through the real intake, then with `fields` set directly in the database.

    Without routing rules or teams intake flags every item "needs triage"; tests get it
    cleared unless they ask for it.
    """
    fields.setdefault("needs_triage", False)
    item, _ = await submit_feedback(
        Submission(
            kind=Kind(kind),
            category=category,
            name=name,
            email=email,
            subject=subject,
            message=f"{subject}. Please help.",
            submission_token="tok-" + os.urandom(6).hex(),
        ),
        now=now,
    )
    await FeedbackItem.filter(id=item.id).update(**fields)
    return await FeedbackItem.get(id=item.id).select_related("customer", "owner", "team")


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


def card_ids(html: str, column: str | None = None) -> list[str]:
    """The card ids on a page or fragment, in order (optionally of one column)."""
    root = soup(html)
    scope = root.select_one(f"#column-{column}") if column else root
    assert scope is not None, f"no column {column}"
    return [card["id"] for card in scope.select("article.board-card")]
