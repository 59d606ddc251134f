"""Hand-built items for the dashboard tests: every stored figure given explicitly."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

from feedback.models import (
    Customer,
    FeedbackItem,
    Kind,
    Outcome,
    Resolution,
    Status,
    SurveyResponse,
)
from triage import metrics
from triage.metrics import MetricFilters

NOW = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)  # a Tuesday
TODAY = NOW.date()
VIEW = MetricFilters(start=date(2026, 3, 4), end=TODAY)  # the default 28 days
HOUR = 3600
_refs = itertools.count(1)


async def customer(segment: str = "regular", email: str = "") -> Customer:
    n = next(_refs)
    return await Customer.create(
        email=email or f"c{n}@example.com", name=f"Customer {n}", segment=segment
    )


async def item(
    cust: Customer | None = None, *, at: datetime | None = None, **fields
) -> FeedbackItem:  # noqa: ANN003
    """A feedback item as the clock would have left it: every stored figure given explicitly."""
    at = at or NOW - timedelta(days=2)
    cust = cust or await customer()
    fields.setdefault("status", Status.RESOLVED if fields.get("resolved_at") else Status.NEW)
    return await FeedbackItem.create(
        reference=f"FB-T{next(_refs):05d}",
        customer=cust,
        kind=fields.pop("kind", Kind.COMPLAINT),
        category=fields.pop("category", "Delivery"),
        subject="Test item",
        created_at=at,
        updated_at=at,
        created_week=metrics.monday(at.date()),
        **fields,
    )


async def survey(on: FeedbackItem, satisfaction: int, recommend: int, **fields) -> None:  # noqa: ANN003
    await SurveyResponse.create(
        item=on,
        satisfaction=satisfaction,
        recommend=recommend,
        owner_id_at_answer=fields.get("owner_id", on.owner_id),  # type: ignore[attr-defined]
        team_id_at_answer=fields.get("team_id", on.team_id),  # type: ignore[attr-defined]
        category=fields.get("category", on.category),
        created_at=NOW,
        updated_at=NOW,
    )


async def resolve(on: FeedbackItem, root_cause: str, effort: int = 0, at: datetime = NOW) -> None:
    await Resolution.create(
        item=on,
        outcome=Outcome.RESOLVED,
        root_cause=root_cause,
        message_to_customer="We changed the rule.",
        effort_minutes=effort,
        created_at=at,
    )
