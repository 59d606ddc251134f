"""Links for e-mail to staff, built from the route table and `PORTAL_BASE_URL`.

The sweeper runs outside any request (in the app's background task or `portal sweep`), so
it cannot use `request.url_for`; this gives it the same absolute links from the routes.
"""

from __future__ import annotations

from starlette.routing import Router

from feedback.models import FeedbackItem
from portal.routes import routes
from portal.settings import Settings
from triage.staff_mail import StaffMail


def staff_mail_for(settings: Settings) -> StaffMail | None:
    """The sweeper's staff-mail links, or None when `PORTAL_STAFF_MAIL` is off (in-app only)."""
    if not settings.staff_mail:
        return None
    router = Router(routes)
    base_url = settings.base_url.rstrip("/")

    def item_url(item: FeedbackItem) -> str:
        return f"{base_url}{router.url_path_for('staff_item', item_id=item.id)}"

    return StaffMail(
        item_url=item_url, dashboard_url=f"{base_url}{router.url_path_for('dashboard')}"
    )
