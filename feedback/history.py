"""One timeline per customer that every rep sees."""

from __future__ import annotations

from feedback.models import Customer, FeedbackItem, Lifecycle

# The customer's lifecycle stage as the customer page names it.
LIFECYCLE_LABELS = {
    Lifecycle.NEW: "New customer",
    Lifecycle.ACTIVE: "Active",
    Lifecycle.AT_RISK: "At risk",
    Lifecycle.INACTIVE: "Inactive",
}


async def customer_history(customer: Customer) -> list[FeedbackItem]:
    """Every item of the customer, oldest to newest, with the owner loaded (one query)."""
    return (
        await FeedbackItem.filter(customer_id=customer.id)
        .select_related("owner")
        .order_by("created_at", "id")
    )
