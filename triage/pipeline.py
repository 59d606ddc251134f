"""What happens to every new item, whatever channel it came from: priority, routing, targets."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from feedback import audit
from feedback.models import OPEN_STATUSES, Customer, FeedbackItem, Kind
from triage.priority import PriorityInputs, decide_priority
from triage.routing import route_new_item
from triage.sla import refresh_targets

log = logging.getLogger("portal.triage")
RECENT_COMPLAINTS_WINDOW = timedelta(days=90)


async def priority_inputs(item: FeedbackItem, now: datetime) -> PriorityInputs:
    """Kind, sentiment, the customer's segment and history — not sentiment alone."""
    customer = await Customer.get(id=item.customer_id)  # type: ignore[attr-defined]
    recent = (
        await FeedbackItem.filter(
            customer_id=customer.id,
            kind=Kind.COMPLAINT,
            created_at__gte=now - RECENT_COMPLAINTS_WINDOW,
        )
        .exclude(id=item.id)
        .count()
    )
    open_breach = (
        await FeedbackItem.filter(
            customer_id=customer.id, sla_state="breached", status__in=list(OPEN_STATUSES)
        )
        .exclude(id=item.id)
        .exists()
    )
    return PriorityInputs(
        kind=item.kind,
        sentiment_label=item.sentiment_label,
        sentiment_score=max(-1.0, min(1.0, item.sentiment_score)),
        segment=customer.segment,
        recent_complaints=recent,
        customer_has_open_breach=open_breach,
    )


async def triage_new_item(
    item: FeedbackItem, *, now: datetime, text: str = "", fallback_timezone: str = "UTC"
) -> None:
    """Set priority, route, and start the response-time clock, each step on the audit trail.

    A failure here never loses the item: it stays in the queue flagged "needs triage".
    """
    try:
        priority, rule = decide_priority(await priority_inputs(item, now))
        if priority != item.priority:
            old = item.priority
            item.priority = priority  # type: ignore[assignment]
            await FeedbackItem.filter(id=item.id).update(priority=priority)
            await audit.record(
                item,
                "priority",
                now=now,
                field="priority",
                old=old,
                new=priority,
                detail=rule.audit_line(),
            )
        await route_new_item(item, now=now, text=text)
        await refresh_targets(item, now, fallback_timezone)
    except Exception:
        log.exception("triage failed for item %s; left for manual triage", item.id)
        await FeedbackItem.filter(id=item.id).update(needs_triage=True)
        await audit.record(
            item, "triage_failed", now=now, detail="automatic triage failed; needs manual triage"
        )
