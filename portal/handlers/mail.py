"""The managers' "Customer e-mail" page: is mail configured, what waits, what failed, retry,
and what came in (inbound mail: configured or not, counts by day, last received).

A feedback channel must never silently go dark: the page says plainly when mail is not
configured or mails failed, lists the latest failures with their error, and "Retry now"
puts failed mails back in the outbox (one, or all). Plain POST answers with a 303; htmx
gets the status fragment back.
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from feedback.inbound_mail import inbound_summary
from feedback.models import InboundOutcome
from feedback.outbox import BACKOFF_MINUTES, MAX_ATTEMPTS, outbox_summary, retry_failed
from portal.auth import require_role
from portal.clock import utcnow
from portal.mail_links import wake_mail_sender
from portal.models import Role
from portal.security import read_form
from portal.templating import is_fragment_request, render
from triage.staff_mail import KINDS as STAFF_KINDS

PAGE = "manager/mail.html"
STATUS_FRAGMENT = "manager/partials/_mail_status.html"
NOTICE_KEY = "manage_notice"  # shown by manager/base.html after the redirect
INBOUND_WORDS = {
    InboundOutcome.THREADED.value: "Added to an item",
    InboundOutcome.NEW.value: "New item",
    InboundOutcome.IGNORED.value: "Ignored",
    InboundOutcome.REFUSED.value: "Refused",
}


async def _context(request: Request, notice: str = "") -> dict[str, Any]:
    settings = request.app.state.settings
    return {
        "section": "mail",
        "notice": notice,
        "mail_configured": settings.mail_configured,
        "smtp": {
            "host": settings.smtp_host,
            "port": settings.smtp_port,
            "starttls": settings.smtp_starttls,
            "username": settings.smtp_username,
            "sender": settings.mail_from,
        },
        "summary": await outbox_summary(),
        "backoff_minutes": BACKOFF_MINUTES,
        "max_attempts": MAX_ATTEMPTS,
        "staff_kinds": STAFF_KINDS,
        "staff_mail": settings.staff_mail,
        "inbound_configured": settings.mail_in_configured,
        "inbound_address": settings.mail_in_address,
        "inbound_address_example": settings.mail_in_address.replace("@", "+…@", 1),
        "inbound_max_kib": settings.mail_in_max_bytes // 1024,
        "inbound": await inbound_summary(utcnow()),
        "inbound_words": INBOUND_WORDS,
    }


async def mail(request: Request) -> Response:
    await require_role(request, Role.MANAGER)
    notice = request.session.pop(NOTICE_KEY, "")
    return render(request, PAGE, await _context(request, notice), fragment=STATUS_FRAGMENT)


async def mail_retry(request: Request) -> Response:
    """Retry one failed mail (`mail_id`) or all of them, now."""
    await require_role(request, Role.MANAGER)
    form = await read_form(request)
    raw = str(form.get("mail_id") or "")
    if raw and not raw.isdigit():
        raise HTTPException(400)
    count = await retry_failed(utcnow(), int(raw) if raw else None)
    wake_mail_sender(request)
    notice = (
        f"{count} mail{'' if count == 1 else 's'} queued again."
        if count
        else "Nothing to retry: no failed mail."
    )
    if is_fragment_request(request):
        response = render(request, STATUS_FRAGMENT, await _context(request, notice))
        response.headers["Vary"] = "HX-Request"
        return response
    request.session[NOTICE_KEY] = notice
    response = RedirectResponse(request.url_for("manage_mail"), status_code=303)
    response.headers["Vary"] = "HX-Request"
    return response
