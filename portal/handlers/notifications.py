"""A staff member's notifications: the in-app list, the unread count in the nav, mark read,
and "E-mail me": which kinds also come by e-mail (each person sets only their own).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from portal.auth import require_role
from portal.clock import utcnow
from portal.models import Role, StaffUser
from portal.security import read_form
from portal.templating import is_fragment_request, render
from triage.notifications import mark_all_read, recent_notifications, unread_count
from triage.staff_mail import preferences_for, save_mail_preferences, validate_mail_preferences

PAGE = "triage/notifications.html"
LIST_FRAGMENT = "triage/partials/_notifications.html"
COUNT_FRAGMENT = "triage/partials/_nav_count.html"
MAIL_PAGE = "triage/mail_preferences.html"
MAIL_FRAGMENT = "triage/partials/_mail_preferences.html"
MAIL_NOTICE_KEY = "mail_preferences_notice"


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


def _mail_page(
    request: Request,
    user: StaffUser,
    values: dict[str, object],
    errors: dict[str, str],
    *,
    notice: str = "",
    status_code: int = 200,
) -> Response:
    return render(
        request,
        MAIL_PAGE,
        {
            "preferences": preferences_for(user.role),
            "values": values,
            "errors": errors,
            "notice": notice,
            "staff_mail_on": request.app.state.settings.staff_mail,
        },
        fragment=MAIL_FRAGMENT,
        status_code=status_code,
    )


async def mail_preferences(request: Request) -> Response:
    """The signed-in person's own choices (there is no way to name anyone else)."""
    user = await require_role(request, Role.AGENT)
    values = {p.field: getattr(user, p.field) for p in preferences_for(user.role)}
    notice = request.session.pop(MAIL_NOTICE_KEY, "")
    return _mail_page(request, user, values, {}, notice=notice)


async def mail_preferences_save(request: Request) -> Response:
    """Save them. htmx gets the form back with a confirmation; a plain post a 303 to the page.

    A missing or mangled choice re-renders the form (422) with what was chosen kept.
    """
    user = await require_role(request, Role.AGENT)
    form = await read_form(request)
    offered = preferences_for(user.role)
    values, errors = validate_mail_preferences(form, offered)
    if values is None:
        typed = {p.field: form.get(p.field) == "1" for p in offered if p.field not in errors}
        return _mail_page(request, user, typed, errors, status_code=422)
    await save_mail_preferences(user.id, values)
    notice = "Saved. In-app notifications come either way."
    if is_fragment_request(request):
        return _mail_page(request, user, values, {}, notice=notice)
    request.session[MAIL_NOTICE_KEY] = notice
    response = RedirectResponse(request.url_for("mail_preferences"), status_code=303)
    response.headers["Vary"] = "HX-Request"
    return response
