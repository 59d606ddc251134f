"""Resolving, merging, follow-ups, customers at risk, relationship reviews, and the survey.

Thin handlers: load and authorise, validate, call one domain function, render. Forms work
as plain posts (303 after success, the page again with 422 on errors) and with htmx (the
fragment comes back; `HX-Redirect` when the whole page changed).
"""

from __future__ import annotations

from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from feedback.at_risk import ReviewError, clear_review, customers_at_risk
from feedback.conversation import collision_warning
from feedback.duplicates import MergeError, merge_items
from feedback.followups import (
    FollowUpError,
    complete_follow_up,
    open_follow_ups,
    overdue_follow_ups,
)
from feedback.models import FeedbackItem, FollowUp, Message
from feedback.resolution import (
    ResolutionError,
    SurveyError,
    resolve_item,
    save_survey,
    validate_resolution,
    validate_survey,
)
from portal.access import get_customer_for_user, get_item_for_user, writable_item
from portal.auth import require_role
from portal.clock import utcnow
from portal.handlers import public, staff
from portal.i18n import N_
from portal.mail_links import customer_links, wake_mail_sender
from portal.models import Role, StaffUser
from portal.security import CSRFError, check_csrf, read_form, same_site_path
from portal.templating import is_fragment_request, navigate, render

RESOLVE_FRAGMENT = "staff/partials/_resolve_form.html"
FOLLOW_UPS_FRAGMENT = "staff/partials/_follow_ups.html"
SURVEY_FRAGMENT = "feedback/partials/_survey.html"
VARY = {"Vary": "HX-Request"}
RESOLVE_FIELDS = (
    "outcome",
    "outcome_detail",
    "root_cause",
    "remedy",
    "remedy_amount",
    "effort_minutes",
    "message",
    "follow_up",
    "follow_up_days",
    "follow_up_note",
)


# --- Resolve -------------------------------------------------------------------------------


async def _resolve_form(
    request: Request,
    item: FeedbackItem,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    new_messages: list[Message] | None = None,
    status: int = 200,
) -> Response:
    overrides: dict[str, Any] = {"resolve_open": True, "resolve_errors": errors or {}}
    if new_messages:
        # Shown inside the form too, because htmx swaps only the form.
        overrides["resolve_new_messages"] = new_messages
        overrides["new_message_ids"] = {message.id for message in new_messages}
    if values is not None:
        overrides["resolve_values"] = values
    if is_fragment_request(request):
        context = {**await staff.resolution_context(request, item), "item": item, **overrides}
        return render(
            request, RESOLVE_FRAGMENT, context, fragment=RESOLVE_FRAGMENT, status_code=status
        )
    response = await staff._item_page(request, item, status=status, **overrides)
    response.headers["Vary"] = "HX-Request"
    return response


async def resolve_form(request: Request) -> Response:
    _, item = await writable_item(request)
    return await _resolve_form(request, item)


async def resolve_submit(request: Request) -> Response:
    user, item = await writable_item(request)
    form = await read_form(request)
    values = {name: str(form.get(name) or "") for name in RESOLVE_FIELDS}
    data, errors = validate_resolution(form, request.app.state.settings.root_causes)
    if data is None:
        return await _resolve_form(request, item, values=values, errors=errors, status=422)
    if written_since := await staff.unread_messages(form, item, user):
        warning = collision_warning(written_since, item.customer.name, shown="shown here")
        return await _resolve_form(
            request,
            item,
            values=values,
            errors={"form": warning},
            new_messages=written_since,
            status=409,
        )
    try:
        await resolve_item(item, user, data, utcnow(), links=customer_links(request))
    except ResolutionError as exc:
        item, _ = await get_item_for_user(user, item.id)
        return await _resolve_form(
            request, item, values=values, errors={"form": str(exc)}, status=409
        )
    wake_mail_sender(request)
    return navigate(request, str(request.url_for("staff_item", item_id=item.id)) + "#resolutions")


# --- Merge ---------------------------------------------------------------------------------


async def merge(request: Request) -> Response:
    user, item = await writable_item(request)
    form = await read_form(request)
    try:
        target_id = int(str(form.get("into") or ""))
    except ValueError:
        target_id = 0
    target = await FeedbackItem.get_or_none(id=target_id)
    try:
        if target is None:
            raise MergeError("Choose the item to merge into.")
        await merge_items(item, target, staff=user, now=utcnow())
    except MergeError as exc:
        item, _ = await get_item_for_user(user, item.id)
        response = await staff._item_page(request, item, merge_error=str(exc), status=422)
        response.headers["Vary"] = "HX-Request"
        return response
    url = str(request.url_for("staff_item", item_id=target.id)) + f"#merged-from-{item.id}"
    return navigate(request, url)


# --- Follow-ups ----------------------------------------------------------------------------


async def follow_ups_context(
    user: StaffUser, *, scope: str = "overdue", next_path: str = ""
) -> dict[str, Any]:
    """Context for `staff/partials/_follow_ups.html`: the user's overdue (or all open)
    follow-ups. The board page merges this into its context and includes the fragment."""
    now = utcnow()
    follow_ups = (
        await open_follow_ups(user.id)
        if scope == "open"
        else await overdue_follow_ups(user.id, now)
    )
    return {
        "follow_ups": follow_ups,
        "follow_ups_scope": "open" if scope == "open" else "overdue",
        "follow_ups_now": now,
        "follow_ups_next": next_path,
    }


async def follow_ups_page(request: Request) -> Response:
    user = await require_role(request, Role.AGENT)
    path = request.app.url_path_for("staff_follow_ups")
    context = await follow_ups_context(user, scope="open", next_path=str(path))
    return render(request, "staff/follow_ups.html", context, fragment=FOLLOW_UPS_FRAGMENT)


async def follow_up_done(request: Request) -> Response:
    user = await require_role(request, Role.AGENT)
    form = await read_form(request)
    follow_up = await FollowUp.get_or_none(id=request.path_params["follow_up_id"])
    if follow_up is None:
        raise HTTPException(404)
    try:
        await complete_follow_up(follow_up, user, now=utcnow())
    except FollowUpError:
        raise HTTPException(403) from None
    default = str(request.app.url_path_for("staff_follow_ups"))
    next_path = same_site_path(form.get("next"), default)
    if is_fragment_request(request):
        scope = "open" if form.get("scope") == "open" else "overdue"
        context = await follow_ups_context(user, scope=scope, next_path=next_path)
        return render(
            request,
            FOLLOW_UPS_FRAGMENT,
            context,
            fragment=FOLLOW_UPS_FRAGMENT,
            headers={"HX-Trigger": "follow-up-done"},
        )
    return RedirectResponse(next_path, status_code=303, headers=VARY)


# --- Customers at risk and relationship reviews --------------------------------------------


async def at_risk_page(request: Request) -> Response:
    """Customers at risk, optionally one rep's (`?owner=<id>`, `0` for nobody's)."""
    await require_role(request, Role.MANAGER)
    settings = request.app.state.settings
    owner = request.query_params.get("owner", "")
    owner_id = int(owner) if owner.isdigit() and len(owner) < 10 else None
    found = await customers_at_risk(
        utcnow(),
        settings.at_risk_no_contact_days,
        segments=settings.segments,
        owner_id=owner_id,
    )
    return render(
        request,
        "staff/at_risk.html",
        {
            "at_risk": found,
            "no_contact_days": settings.at_risk_no_contact_days,
            "owner_id": owner_id,
            "reps": await StaffUser.filter(is_active=True).order_by("name"),
        },
    )


async def review_clear(request: Request) -> Response:
    user = await require_role(request, Role.MANAGER)
    customer, _ = await get_customer_for_user(user, request.path_params["customer_id"])
    form = await read_form(request)
    note = str(form.get("note") or "")
    default = str(request.app.url_path_for("staff_customer", customer_id=customer.id))
    next_path = same_site_path(form.get("next"), default)
    try:
        await clear_review(customer, user, note, now=utcnow())
    except ReviewError as exc:
        return await staff.customer_page(
            request, customer, review_error=str(exc), review_note=note, status=422
        )
    return RedirectResponse(next_path + "#review", status_code=303)


# --- The customer's satisfaction survey ----------------------------------------------------


async def _survey_answer(
    request: Request,
    item: FeedbackItem,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
    status: int = 200,
) -> Response:
    context = await public.survey_context(
        request, item, values=values, errors=errors, notice=notice
    )
    if is_fragment_request(request):
        return render(
            request, SURVEY_FRAGMENT, context, fragment=SURVEY_FRAGMENT, status_code=status
        )
    response = await public.tracking_page(request, item, survey=context, status=status)
    response.headers["Vary"] = "HX-Request"
    return response


async def survey_submit(request: Request) -> Response:
    item = await public.item_from_token(request, request.path_params["token"])
    form = await read_form(request, check=False)
    values = {name: str(form.get(name) or "") for name in ("satisfaction", "recommend", "comment")}
    try:
        check_csrf(request, form)
    except CSRFError:
        return await _survey_answer(
            request,
            item,
            values=values,
            errors={"form": N_("Your session expired. Please send your answer again.")},
            status=403,
        )
    data, errors = validate_survey(form)
    if data is None:
        return await _survey_answer(request, item, values=values, errors=errors, status=422)
    settings = request.app.state.settings
    try:
        await save_survey(item, data, now=utcnow(), change_days=settings.survey_change_days)
    except SurveyError as exc:
        return await _survey_answer(request, item, errors={"form": str(exc)}, status=409)
    if is_fragment_request(request):
        return await _survey_answer(request, item, notice=N_("Thank you! We have your answer."))
    url = request.url_for("tracking", token=request.path_params["token"])
    return RedirectResponse(f"{url}#survey", status_code=303, headers=VARY)
