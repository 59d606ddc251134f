"""A staff member's in-app notifications: the list, the unread count in the nav, mark read."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.auth import require_role
from portal.clock import utcnow
from portal.models import Role
from portal.security import read_form
from portal.templating import is_fragment_request, render
from triage.notifications import mark_all_read, recent_notifications, unread_count

PAGE = "triage/notifications.html"
LIST_FRAGMENT = "triage/partials/_notifications.html"
COUNT_FRAGMENT = "triage/partials/_nav_count.html"


async def notifications(request: Request) -> Response:
    """Newest first, unread ones highlighted; htmx gets the list alone."""
    user = await require_role(request, Role.AGENT)
    return render(
        request,
        PAGE,
        {
            "notifications": await recent_notifications(user.id),
            "unread_notifications": await unread_count(user.id),
        },
        fragment=LIST_FRAGMENT,
    )


async def notifications_read(request: Request) -> Response:
    """Mark all read. htmx gets the refreshed list and an event that updates the nav count."""
    user = await require_role(request, Role.AGENT)
    await read_form(request)
    await mark_all_read(user.id, utcnow())
    if is_fragment_request(request):
        return render(
            request,
            PAGE,
            {"notifications": await recent_notifications(user.id), "unread_notifications": 0},
            fragment=LIST_FRAGMENT,
            headers={"HX-Trigger": "notifications-read"},
        )
    response = RedirectResponse(request.url_for("notifications"), status_code=303)
    response.headers["Vary"] = "HX-Request"
    return response


async def notifications_count(request: Request) -> Response:
    """The nav link's text, "Notifications (N)", which staff pages load and refresh."""
    user = await require_role(request, Role.AGENT)
    return render(
        request,
        COUNT_FRAGMENT,
        {"unread_notifications": await unread_count(user.id)},
        fragment=COUNT_FRAGMENT,
    )
