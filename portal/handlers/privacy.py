"""A customer's personal data: download it (managers and admins), erase it (admins only).

Managers may export because every staff role already reads every item and customer page:
the file holds nothing a manager cannot see, managers are the ones who answer customers'
escalated requests, and each export is on the audit trail. Erasure cannot be undone, so it
is the admins' alone, behind a confirmation that names what happens. Rules are in
`feedback.privacy`.
"""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from feedback.attachments import AttachmentStore
from feedback.models import Customer
from feedback.privacy import (
    REDACTED,
    erase_customer,
    erasure_confirmed,
    export_customer,
    export_filename,
    open_item_count,
    record_export,
)
from portal.access import get_customer_for_user, writable_customer
from portal.auth import require_role
from portal.clock import utcnow
from portal.i18n import N_
from portal.models import Role
from portal.security import read_form
from portal.templating import navigate, render

ERASE_FRAGMENT = "staff/partials/_erase_form.html"
CONFIRM_FIELD = "confirm_email"
MAX_CONFIRM_LENGTH = 254


async def customer_export(request: Request) -> Response:
    """Download everything held about the customer as one JSON file (a POST: it is audited)."""
    user = await require_role(request, Role.MANAGER)
    customer, _ = await get_customer_for_user(user, request.path_params["customer_id"])
    await read_form(request)
    now = utcnow()
    data = await export_customer(customer, now=now)
    await record_export(customer, actor=user, now=now)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="{export_filename(customer, now)}"',
            "Cache-Control": "no-store",
        },
    )


async def _erase_page(
    request: Request, customer: Customer, *, typed: str = "", error: str = "", status: int = 200
) -> Response:
    return render(
        request,
        "staff/erase.html",
        {
            "customer": customer,
            "typed": typed,
            "error": error,
            "confirm_field": CONFIRM_FIELD,
            "redacted": REDACTED,
            "open_items": await open_item_count(customer.id),
        },
        fragment=ERASE_FRAGMENT,
        status_code=status,
    )


async def erase_confirm(request: Request) -> Response:
    """The confirmation page: what erasing keeps and what it replaces, and the e-mail to type."""
    _, customer = await writable_customer(request, Role.ADMIN)
    if customer.is_erased:
        return navigate(request, str(request.url_for("staff_customer", customer_id=customer.id)))
    return await _erase_page(request, customer)


async def erase_submit(request: Request) -> Response:
    """Erase once the customer's e-mail was typed; the customer page shows the result."""
    user, customer = await writable_customer(request, Role.ADMIN)
    form = await read_form(request)
    typed = str(form.get(CONFIRM_FIELD) or "")[:MAX_CONFIRM_LENGTH]
    page = str(request.url_for("staff_customer", customer_id=customer.id))
    if customer.is_erased:
        return navigate(request, page)
    if not erasure_confirmed(customer, typed):
        error = (
            N_("Type the customer's e-mail address to confirm.")
            if not typed.strip()
            else N_("That is not this customer's e-mail address.")
        )
        return await _erase_page(request, customer, typed=typed, error=error, status=422)
    store = AttachmentStore(request.app.state.settings.attachment_dir)
    await erase_customer(customer.id, actor=user, now=utcnow(), store=store)
    return navigate(request, page + "#personal-data")
