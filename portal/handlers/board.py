"""The triage board and the actions on its cards (move, take, assign, priority, category,
sentiment, bulk).

Each action works as a plain form post (303 back to the board with its filters, from a
validated `next` field) and as an htmx post: the card's fragment comes back and replaces the
card in place (with an out-of-band line for the board's live region), and the response sends
`HX-Trigger-After-Settle: board-changed`. The board region listens for that event and
refetches itself with its stale change stamp, so a card that changed column (or place in the
due order) moves there. After-settle rather than `HX-Trigger`: by then the old card and its
half-edited select are gone, and htmx fires the event on <body> since the form that sent it
was swapped out.

Failures answer 409 (someone else changed the item) or 422 (not allowed / bad input) with the
message: htmx gets the refreshed card (current data and version, so trying again works) with
the message on it; a plain post gets the board page with the message at the top.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from feedback.label_review import template_helpers
from feedback.labels import STATUS_TITLES
from feedback.models import FeedbackItem, Kind, Priority, Status
from portal.access import writable_item
from portal.auth import require_role
from portal.clock import utcnow
from portal.handlers.resolution import follow_ups_context
from portal.models import Role, StaffUser
from portal.security import read_form, same_site_path
from portal.templating import is_fragment_request, render, viewer_zone
from triage import actions, channel_watch
from triage.actions import ActionError, VersionConflict
from triage.board import (
    DUE_FILTERS,
    SENTIMENTS,
    BoardFilters,
    card_for,
    change_stamp,
    count_files,
    load_board,
    local_midnight,
    parse_filters,
)
from triage.models import Team
from triage.notifications import unread_count

BOARD_PAGE = "triage/board.html"
BOARD_FRAGMENT = "triage/partials/_board.html"
CARD_FRAGMENT = "triage/partials/_card.html"
NOTICE_KEY = "board_notice"
BOARD_CHANGED = {"HX-Trigger-After-Settle": "board-changed"}
DUE_TITLES = {
    "breached": "Breached",
    "at_risk": "At risk",
    "late_or_risky": "Breached or at risk",
}


def _board_path(request: Request, filters: BoardFilters, **extra: str) -> str:
    path = request.app.url_path_for("board")
    query = filters.query_string(**extra)
    return f"{path}?{query}" if query else path


def _filters_from(request: Request, user: StaffUser, query: Mapping[str, str]) -> BoardFilters:
    return parse_filters(query, user, categories=request.app.state.settings.categories)


async def _choices(request: Request) -> dict[str, Any]:
    """Options for the filter bar, the card forms and the bulk bar (two small queries)."""
    return {
        "staff": await StaffUser.filter(is_active=True).order_by("name"),
        "teams": await Team.all().order_by("name"),
        "categories": request.app.state.settings.categories,
        "kinds": [k.value for k in Kind],
        "priorities": [p.value for p in Priority],
        "sentiments": SENTIMENTS,
        "due_filters": {key: DUE_TITLES[key] for key in DUE_FILTERS},
        "statuses": STATUS_TITLES,
        "status_choices": actions.status_choices,
        "bulk_statuses": {status: STATUS_TITLES[status] for status in actions.BULK_STATUSES},
        **template_helpers(),
    }


async def _board_context(
    request: Request, user: StaffUser, filters: BoardFilters, *, stamp: str | None = None
) -> dict[str, Any]:
    now = utcnow()
    today_start = local_midnight(now, viewer_zone(request))
    if stamp is None:
        stamp = await change_stamp(filters, user, today_start)
    board = await load_board(filters, user, now, today_start)
    return {
        **await _choices(request),
        "board": board,
        "filters": filters,
        "stamp": stamp,
        "board_path": _board_path(request, filters),
        "poll_url": _board_path(request, filters, since=stamp),
    }


async def _board_page(
    request: Request,
    user: StaffUser,
    filters: BoardFilters,
    *,
    notice: str = "",
    notice_kind: str = "info",
    status: int = 200,
) -> Response:
    context = await _board_context(request, user, filters)
    context.update(
        notice=notice,
        notice_kind=notice_kind,
        unread_notifications=await unread_count(user.id),
    )
    if Role(user.role).allows(Role.MANAGER):
        context["quiet_channels"] = await channel_watch.quiet_channels(utcnow())
    # The owner's overdue follow-ups sit above the columns (only when there are any).
    path = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    context.update(await follow_ups_context(user, scope="overdue", next_path=path))
    # Only reached for plain requests; `fragment` is given so the response says it varies.
    return render(request, BOARD_PAGE, context, fragment=BOARD_FRAGMENT, status_code=status)


async def board(request: Request) -> Response:
    """The board page; for htmx the board region alone, or 204 when nothing changed since
    the `since` stamp the region polled with."""
    user = await require_role(request, Role.AGENT)
    filters = _filters_from(request, user, request.query_params)
    if not is_fragment_request(request):
        notice = request.session.pop(NOTICE_KEY, None) or {}
        return await _board_page(
            request,
            user,
            filters,
            notice=notice.get("text", ""),
            notice_kind=notice.get("kind", "info"),
        )
    today_start = local_midnight(utcnow(), viewer_zone(request))
    # The stamp is taken before the board is read: a change in between shows up now and
    # again on the next poll, never not at all.
    stamp = await change_stamp(filters, user, today_start)
    if request.query_params.get("since") == stamp:
        return Response(status_code=204, headers={"Vary": "HX-Request"})
    context = await _board_context(request, user, filters, stamp=stamp)
    return render(request, BOARD_PAGE, context, fragment=BOARD_FRAGMENT)


# -- card actions --------------------------------------------------------------------------

# (item, form, actor, now, expected version) -> the line to announce on success
Perform = Callable[[FeedbackItem, FormData, StaffUser, datetime, int | None], Awaitable[str]]


def _version(form: FormData) -> int | None:
    try:
        return int(str(form.get("version") or ""))
    except ValueError:
        return None


async def _card_response(
    request: Request,
    item_id: int,
    next_path: str,
    *,
    notice: str,
    notice_kind: str,
    error: str = "",
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    item = await FeedbackItem.get(id=item_id).select_related("customer", "owner", "team")
    context = {
        **await _choices(request),
        "card": (await count_files([card_for(item, utcnow())]))[0],
        "board_path": next_path,
        "error": error,
        "card_notice": notice,
        "notice_kind": notice_kind,
    }
    return render(
        request, CARD_FRAGMENT, context, fragment=CARD_FRAGMENT, status_code=status, headers=headers
    )


async def _card_action(request: Request, perform: Perform) -> Response:
    user, item = await writable_item(request)
    form = await read_form(request)
    next_path = same_site_path(form.get("next"), request.app.url_path_for("board"))
    try:
        done = await perform(item, form, user, utcnow(), _version(form))
    except VersionConflict as exc:
        return await _action_failed(request, user, item.id, next_path, str(exc), 409)
    except ActionError as exc:
        return await _action_failed(request, user, item.id, next_path, str(exc), 422)
    if is_fragment_request(request):
        return await _card_response(
            request,
            item.id,
            next_path,
            notice=done,
            notice_kind="info",
            headers=BOARD_CHANGED,
        )
    response = RedirectResponse(next_path, status_code=303)
    response.headers["Vary"] = "HX-Request"
    return response


async def _action_failed(
    request: Request, user: StaffUser, item_id: int, next_path: str, message: str, status: int
) -> Response:
    if is_fragment_request(request):
        return await _card_response(
            request,
            item_id,
            next_path,
            notice=message,
            notice_kind="error",
            error=message,
            status=status,
        )
    filters = _filters_from(request, user, dict(parse_qsl(urlsplit(next_path).query)))
    return await _board_page(
        request, user, filters, notice=message, notice_kind="error", status=status
    )


async def _do_move(
    item: FeedbackItem, form: FormData, user: StaffUser, now: datetime, version: int | None
) -> str:
    try:
        status = Status(str(form.get("status") or ""))
    except ValueError:
        raise ActionError("Choose a status from the list.") from None
    await actions.move(item, status, actor=user, now=now, expected_version=version)
    return f"{item.reference} is now {STATUS_TITLES[status].lower()}."


async def _owner_from(value: Any) -> StaffUser | None:
    """The staff member picked in an owner select ("" or "none" = nobody)."""
    text = str(value or "").strip()
    if text in ("", "none"):
        return None
    owner = await StaffUser.get_or_none(id=int(text)) if text.isdigit() else None
    if owner is None:
        raise ActionError("Choose someone from the list.")
    return owner


async def _do_assign(
    item: FeedbackItem, form: FormData, user: StaffUser, now: datetime, version: int | None
) -> str:
    owner = await _owner_from(form.get("owner"))
    await actions.assign(item, owner, actor=user, now=now, expected_version=version)
    return (
        f"{item.reference} is assigned to {owner.name}."
        if owner
        else f"{item.reference} is unassigned."
    )


async def _do_take(
    item: FeedbackItem, form: FormData, user: StaffUser, now: datetime, version: int | None
) -> str:
    await actions.assign(item, user, actor=user, now=now, expected_version=version)
    return f"You took {item.reference}."


async def _do_priority(
    item: FeedbackItem, form: FormData, user: StaffUser, now: datetime, version: int | None
) -> str:
    try:
        priority = Priority(str(form.get("priority") or ""))
    except ValueError:
        raise ActionError("Choose a priority from the list.") from None
    await actions.set_priority(item, priority, actor=user, now=now, expected_version=version)
    return f"{item.reference} is now {priority.value} priority."


async def card_move(request: Request) -> Response:
    return await _card_action(request, _do_move)


async def card_assign(request: Request) -> Response:
    return await _card_action(request, _do_assign)


async def card_take(request: Request) -> Response:
    return await _card_action(request, _do_take)


async def card_priority(request: Request) -> Response:
    return await _card_action(request, _do_priority)


async def card_category(request: Request) -> Response:
    allowed = list(request.app.state.settings.categories)

    async def perform(
        item: FeedbackItem, form: FormData, user: StaffUser, now: datetime, version: int | None
    ) -> str:
        category = str(form.get("category") or "").strip()
        await actions.set_category(
            item, category, allowed=allowed, actor=user, now=now, expected_version=version
        )
        return f"{item.reference} is now filed under {category}."

    return await _card_action(request, perform)


async def _do_sentiment(
    item: FeedbackItem, form: FormData, user: StaffUser, now: datetime, version: int | None
) -> str:
    label = str(form.get("sentiment") or "").strip()
    await actions.set_sentiment(item, label, actor=user, now=now, expected_version=version)
    return f"{item.reference} is now marked {label}."


async def card_sentiment(request: Request) -> Response:
    """Correct (or confirm) a card's sentiment; the label is kept for the learned model."""
    return await _card_action(request, _do_sentiment)


# -- bulk ----------------------------------------------------------------------------------


def bulk_summary(result: actions.BulkResult) -> str:
    """ "3 changed, 1 skipped: FB-…: reason" (the skipped part only when something was)."""
    text = f"{len(result.changed)} changed"
    if result.skipped:
        text += f", {len(result.skipped)} skipped: " + "; ".join(result.skipped)
    return text + "."


async def board_bulk(request: Request) -> Response:
    """Apply one owner and/or status to the selected cards; each item is checked on its own."""
    user = await require_role(request, Role.AGENT)
    form = await read_form(request)
    next_path = same_site_path(form.get("next"), request.app.url_path_for("board"))
    item_ids = [int(v) for v in form.getlist("item_ids") if isinstance(v, str) and v.isdigit()]
    owner_value = str(form.get("owner") or "").strip()
    status_value = str(form.get("status") or "").strip()
    if not item_ids:
        return await _bulk_answer(
            request, user, next_path, "Select at least one card first.", "error", 422
        )
    try:
        status = Status(status_value) if status_value else None
    except ValueError:
        return await _bulk_answer(
            request, user, next_path, "Choose a status from the list.", "error", 422
        )
    try:
        owner = await _owner_from(owner_value)
    except ActionError as exc:
        return await _bulk_answer(request, user, next_path, str(exc), "error", 422)
    unassign = owner_value == "none"
    if status is None and owner is None and not unassign:
        return await _bulk_answer(
            request, user, next_path, "Choose a new owner or a new status to apply.", "error", 422
        )
    result = await actions.bulk(
        item_ids, actor=user, now=utcnow(), status=status, owner=owner, unassign=unassign
    )
    kind = "warning" if result.skipped else "info"
    return await _bulk_answer(request, user, next_path, bulk_summary(result), kind, 200)


async def _bulk_answer(
    request: Request, user: StaffUser, next_path: str, message: str, kind: str, status: int
) -> Response:
    filters = _filters_from(request, user, dict(parse_qsl(urlsplit(next_path).query)))
    if is_fragment_request(request):
        context = await _board_context(request, user, filters)
        context.update(oob_notice=message, notice_kind=kind)
        return render(request, BOARD_PAGE, context, fragment=BOARD_FRAGMENT, status_code=status)
    if status >= 400:
        return await _board_page(
            request, user, filters, notice=message, notice_kind=kind, status=status
        )
    # Post/redirect/get: the summary waits in the session for the board page to show it.
    request.session[NOTICE_KEY] = {"text": message[:1500], "kind": kind}
    response = RedirectResponse(next_path, status_code=303)
    response.headers["Vary"] = "HX-Request"
    return response
