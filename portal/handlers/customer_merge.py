"""Merge another customer record into the one on the page: check the address, confirm, merge."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from feedback.customer_merge import (
    CustomerMergeError,
    find_source,
    merge_customers,
    possible_duplicates,
    preview_merge,
)
from feedback.models import Customer
from portal.access import writable_customer
from portal.clock import utcnow
from portal.handlers import staff
from portal.security import read_form
from portal.templating import is_fragment_request, navigate, render

MERGE_FRAGMENT = "staff/partials/_customer_merge.html"


async def customer_merge(request: Request) -> Response:
    """First post: check the address and show what would happen. With `confirm`: merge."""
    user, target = await writable_customer(request)
    form = await read_form(request)
    email = str(form.get("email") or "").strip()[:254]
    segments = request.app.state.settings.segments
    try:
        source = await find_source(target, email)
        if form.get("confirm") != "yes":
            preview = await preview_merge(source, target, segments)
            return await _answer(request, target, merge_preview=preview)
        await merge_customers(source, target, staff=user, now=utcnow(), segments=segments)
    except CustomerMergeError as exc:
        return await _answer(request, target, merge_email=email, merge_error=str(exc), status=422)
    url = str(request.url_for("staff_customer", customer_id=target.id)) + "#history"
    return navigate(request, url)


async def _answer(
    request: Request, customer: Customer, *, status: int = 200, **merge: Any
) -> Response:
    """The merge box alone for htmx, else the whole customer page with it."""
    context = {"merge_email": "", "merge_error": "", "merge_preview": None, **merge}
    if is_fragment_request(request):
        suggestions = [] if context["merge_preview"] else await possible_duplicates(customer)
        return render(
            request,
            MERGE_FRAGMENT,
            {"customer": customer, "merge_suggestions": suggestions, **context},
            fragment=MERGE_FRAGMENT,
            status_code=status,
        )
    response = await staff.customer_page(request, customer, status=status, **context)
    response.headers["Vary"] = "HX-Request"
    return response
