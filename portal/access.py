"""One access helper reused by every staff handler."""

from __future__ import annotations

from starlette.exceptions import HTTPException

from feedback.models import Customer, FeedbackItem
from portal.models import Role, StaffUser


async def get_item_for_user(user: StaffUser, item_id: int) -> tuple[FeedbackItem, bool]:
    """The item and whether this user may change it (404 when it does not exist).

    Every rep sees every item (one shared customer timeline); agents, managers and admins
    may all write. Tightening this later (e.g. per-team write access) happens here only.
    """
    item = await FeedbackItem.get_or_none(id=item_id).select_related("customer", "owner", "team")
    if item is None:
        raise HTTPException(404)
    can_write = Role(user.role).allows(Role.AGENT) and user.is_active
    return item, can_write


async def get_customer_for_user(user: StaffUser, customer_id: int) -> tuple[Customer, bool]:
    customer = await Customer.get_or_none(id=customer_id).select_related("owner")
    if customer is None:
        raise HTTPException(404)
    return customer, Role(user.role).allows(Role.AGENT) and user.is_active
