"""What a request handler needs to send mail to customers: the links mails carry and a nudge
for the sender.

Handlers that queue customer mail (the public form, staff replies, resolutions, /manage/mail
retries) share these; they live outside `portal.handlers` so handlers never import one
another for them. (`portal.staff_links` is the sweeper's counterpart, outside any request.)
"""

from __future__ import annotations

from starlette.requests import Request

from feedback.customer_mail import CustomerLinks
from feedback.models import FeedbackItem

#: Signing purpose of tracking links (the token in /t/{token}).
TRACKING = "tracking-link"


def tracking_token(request: Request, item: FeedbackItem) -> str:
    return request.app.state.signer.sign(item.id, purpose=TRACKING)


def tracking_url(request: Request, item: FeedbackItem) -> str:
    """The tracking link for mail: absolute on `PORTAL_BASE_URL`, wherever the request came."""
    path = request.app.url_path_for("tracking", token=tracking_token(request, item))
    return f"{request.app.state.settings.base_url}{path}"


def customer_links(request: Request) -> CustomerLinks:
    """Absolute links (PORTAL_BASE_URL) that mails to customers carry."""
    return CustomerLinks(tracking=lambda item: tracking_url(request, item))


def wake_mail_sender(request: Request) -> None:
    """Send new mail now rather than at the sender's next round (it runs in the lifespan)."""
    wakeup = getattr(request.app.state, "mail_wakeup", None)
    if wakeup is not None:
        wakeup.set()
