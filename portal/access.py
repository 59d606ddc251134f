"""One access helper reused by every staff handler."""

from __future__ import annotations

from starlette.exceptions import HTTPException
from starlette.requests import Request

from feedback.models import Customer, FeedbackItem
from portal.auth import require_role
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


async def writable_item(
    request: Request, role: Role = Role.AGENT
) -> tuple[StaffUser, FeedbackItem]:
    """For a handler that changes the item in the path: the signed-in user (at least `role`)
    and the item; 404 when it does not exist, 403 when this user may not change it.
    """
    user = await require_role(request, role)
    item, can_write = await get_item_for_user(user, request.path_params["item_id"])
    if not can_write:
        raise HTTPException(403)
    return user, item


async def writable_customer(
    request: Request, role: Role = Role.AGENT
) -> tuple[StaffUser, Customer]:
    """The same for the customer in the path."""
    user = await require_role(request, role)
    customer, can_write = await get_customer_for_user(user, request.path_params["customer_id"])
    if not can_write:
        raise HTTPException(403)
    return user, customer
