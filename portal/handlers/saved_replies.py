"""Saved replies: the managers' page (/manage/replies) and inserting one on an item page.

Managers and admins create, edit, deactivate and reactivate them; agents only use them.
Forms post plainly (303 back, or the page again with the messages, 422) and with htmx
(the form fragment with its messages, or HX-Redirect; a row fragment for on/off). Rules are
in `feedback.saved_replies`.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from feedback.models import FeedbackItem, SavedReply
from feedback.saved_replies import (
    LANGUAGE_CHOICES,
    MAX_BODY_LENGTH,
    MAX_TITLE_LENGTH,
    PLACEHOLDERS,
    fill,
    gap_message,
    record_use,
    replies_for_item,
    save_saved_reply,
    set_active,
    unfilled_gaps,
    usable_reply,
    validate_saved_reply,
    values_for,
)
from portal.access import writable_item
from portal.clock import utcnow
from portal.handlers.manage import _get_or_404, _manager, _notify, _page, _raw
from portal.models import StaffUser
from portal.security import read_form
from portal.templating import is_fragment_request, render
from triage.models import Team

FIELDS = ("title", "body", "language", "team")
FORM_FRAGMENT = "manager/partials/_saved_reply_form.html"
ROW_FRAGMENT = "manager/partials/_saved_reply_row.html"
REPLY_BODY_FRAGMENT = "staff/partials/_reply_body.html"
SAVED_REPLY_FIELD = "saved_reply"
#: The picker's choice (the saved reply to insert now), beside the one a draft started from.
INSERT_FIELD = "insert_reply"


def _choices() -> dict[str, Any]:
    return {
        "languages": LANGUAGE_CHOICES,
        "placeholders": PLACEHOLDERS,
        "reply_limits": {"title": MAX_TITLE_LENGTH, "body": MAX_BODY_LENGTH},
    }


def _model_form(reply: SavedReply) -> dict[str, str]:
    return {
        "title": reply.title,
        "body": reply.body,
        "language": reply.language,
        "team": "" if reply.team_id is None else str(reply.team_id),  # type: ignore[attr-defined]
    }


def _filters(request: Request, teams: list[Team]) -> dict[str, str]:
    """The list's filters as typed: anything unknown shows everything."""
    language = request.query_params.get("language", "")
    team = request.query_params.get("team", "")
    if language not in {"any", *[code for code in LANGUAGE_CHOICES if code]}:
        language = ""
    if team not in {"everyone", *[str(t.id) for t in teams]}:
        team = ""
    return {"language": language, "team": team}


async def _list_page(
    request: Request, values: dict[str, Any], errors: dict[str, str], *, status_code: int = 200
) -> Response:
    teams = await Team.all()
    filters = _filters(request, teams)
    query = SavedReply.all().select_related("team", "created_by", "updated_by")
    if filters["language"]:
        query = query.filter(language="" if filters["language"] == "any" else filters["language"])
    if filters["team"] == "everyone":
        query = query.filter(team_id__isnull=True)
    elif filters["team"]:
        query = query.filter(team_id=int(filters["team"]))
    replies = await query.order_by("-is_active", "title_key", "id")
    return _page(
        request,
        "manager/saved_replies.html",
        "replies",
        {
            "replies": replies,
            "any_replies": bool(replies) or await SavedReply.exists(),
            "teams": teams,
            "filters": filters,
            "reply": None,
            "values": values,
            "errors": errors,
            **_choices(),
        },
        status_code=status_code,
    )


async def replies(request: Request) -> Response:
    await _manager(request)
    return await _list_page(request, {"language": "", "team": ""}, {})


async def _validated(form: FormData) -> tuple[Any, dict[str, str]]:
    team_ids = set(await Team.all().values_list("id", flat=True))
    return validate_saved_reply(form, team_ids=team_ids)


def _after_save(request: Request, url: str, anchor: str = "") -> Response:
    if is_fragment_request(request):
        # No #anchor for htmx: a change of fragment alone would not load the page again.
        return Response(status_code=204, headers={"HX-Redirect": url, "Vary": "HX-Request"})
    return RedirectResponse(url + anchor, status_code=303)


async def reply_create(request: Request) -> Response:
    user = await _manager(request)
    form = await read_form(request)
    values, errors = await _validated(form)
    saved = None
    if values is not None:
        saved, errors = await save_saved_reply(None, values, actor=user, now=utcnow())
    if saved is None:
        return await _form_answer(request, None, _raw(form, FIELDS), errors)
    _notify(request, f"Saved reply “{saved.title}” created.")
    return _after_save(request, str(request.url_for("manage_replies")), f"#reply-{saved.id}")


async def _form_answer(
    request: Request, reply: SavedReply | None, values: dict[str, Any], errors: dict[str, str]
) -> Response:
    """The form again with its messages: the fragment for htmx, else the whole page (422)."""
    if is_fragment_request(request):
        context = {"reply": reply, "values": values, "errors": errors, **_choices()}
        context["teams"] = await Team.all()
        return render(request, FORM_FRAGMENT, context, fragment=FORM_FRAGMENT, status_code=422)
    if reply is None:
        return await _list_page(request, values, errors, status_code=422)
    return await _detail_page(request, reply, values, errors, status_code=422)


async def _detail_page(
    request: Request,
    reply: SavedReply,
    values: dict[str, Any],
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> Response:
    await reply.fetch_related("team", "created_by", "updated_by")
    return _page(
        request,
        "manager/saved_reply.html",
        "replies",
        {
            "reply": reply,
            "teams": await Team.all(),
            "values": values,
            "errors": errors,
            **_choices(),
        },
        status_code=status_code,
    )


async def reply_detail(request: Request) -> Response:
    await _manager(request)
    reply = await _get_or_404(SavedReply, request.path_params["reply_id"])
    return await _detail_page(request, reply, _model_form(reply), {})


async def reply_update(request: Request) -> Response:
    user = await _manager(request)
    reply = await _get_or_404(SavedReply, request.path_params["reply_id"])
    form = await read_form(request)
    values, errors = await _validated(form)
    saved = None
    if values is not None:
        saved, errors = await save_saved_reply(reply, values, actor=user, now=utcnow())
    if saved is None:
        return await _form_answer(request, reply, _raw(form, FIELDS), errors)
    _notify(request, f"Saved reply “{saved.title}” saved.")
    return _after_save(request, str(request.url_for("manage_reply", reply_id=reply.id)))


async def reply_active(request: Request) -> Response:
    user = await _manager(request)
    reply = await _get_or_404(SavedReply, request.path_params["reply_id"])
    form = await read_form(request)
    wanted = form.get("is_active")
    if wanted not in {"0", "1"}:
        raise HTTPException(400)
    await set_active(reply, wanted == "1", actor=user, now=utcnow())
    state = "reactivated: reps can insert it again" if reply.is_active else "deactivated"
    if is_fragment_request(request):
        await reply.fetch_related("team", "created_by", "updated_by")
        context = {"reply": reply, "languages": LANGUAGE_CHOICES, "row_notice": state}
        return render(request, ROW_FRAGMENT, context, fragment=ROW_FRAGMENT)
    _notify(request, f"Saved reply “{reply.title}” {state}.")
    return RedirectResponse(
        str(request.url_for("manage_replies")) + f"#reply-{reply.id}", status_code=303
    )


# -- on the item page ---------------------------------------------------------------------------


async def _team_ids(user: StaffUser) -> list[int]:
    return list(await Team.filter(members__id=user.id).values_list("id", flat=True))


async def picker_context(
    request: Request, item: FeedbackItem, *, chosen: SavedReply | None = None
) -> dict[str, Any]:
    """The "Insert a saved reply" control's choices (for `_saved_reply_picker.html`)."""
    user = request.state.staff_user
    return {
        "saved_reply_groups": await replies_for_item(item, await _team_ids(user)),
        "saved_reply_id": chosen.id if chosen is not None else "",
        "saved_reply_error": "",
    }


async def prefilled(request: Request, item: FeedbackItem) -> dict[str, Any]:
    """The no-JS path: `?saved_reply=ID` fills the reply box (an unknown id is said so)."""
    raw = request.query_params.get(SAVED_REPLY_FIELD)
    if not raw:
        return await picker_context(request, item)
    user = request.state.staff_user
    chosen = await usable_reply(raw, item, await _team_ids(user))
    context = await picker_context(request, item, chosen=chosen)
    if chosen is None:
        context["saved_reply_error"] = "That saved reply is not available any more."
        return context
    return {**context, "reply_text": fill(chosen.body, values_for(item, user)), "focus_reply": True}


async def insertion(request: Request, item: FeedbackItem, form: FormData) -> dict[str, Any]:
    """The reply box after "Insert": the draft, then the chosen saved reply filled in.

    Shared by the htmx route (which answers with the box alone) and the reply form's Insert
    button without JavaScript (which answers with the whole item page). An unknown choice
    keeps the draft and says so; nothing is sent either way.
    """
    user = request.state.staff_user
    chosen = await usable_reply(form.get(INSERT_FIELD), item, await _team_ids(user))
    body = form.get("body")
    typed = body.replace("\r\n", "\n").rstrip() if isinstance(body, str) else ""
    context: dict[str, Any] = {"reply_error": "", "focus_reply": True}
    if chosen is None:
        return {
            **context,
            "reply_text": typed,
            "saved_reply_id": "",
            "reply_error": "Choose one of the saved replies in the list.",
        }
    text = fill(chosen.body, values_for(item, user))
    return {
        **context,
        "reply_text": f"{typed}\n\n{text}" if typed else text,
        "saved_reply_id": chosen.id,
    }


async def item_saved_reply(request: Request) -> Response:
    """Insert a saved reply into the reply box (htmx).

    htmx POSTs the choice with what was already typed (a draft can be longer than a URL may
    be) and gets the filled reply box back; a plain GET — an old link — is sent to the item
    page with `?saved_reply=ID`, which fills the box there.
    """
    _, item = await writable_item(request)
    if request.method != "POST":
        raw = request.query_params.get(SAVED_REPLY_FIELD, "")[:12]
        url = request.url_for("staff_item", item_id=item.id).include_query_params(
            **{SAVED_REPLY_FIELD: raw}
        )
        return RedirectResponse(str(url) + "#reply", status_code=303)
    form = await read_form(request)
    context = await insertion(request, item, form)
    return render(
        request,
        REPLY_BODY_FRAGMENT,
        {"item": item, **context},
        fragment=REPLY_BODY_FRAGMENT,
        status_code=422 if context["reply_error"] else 200,
    )


def check_before_send(form: FormData, body: str) -> str:
    """Why a reply built from a saved reply cannot be sent yet ("" when it can)."""
    if not form.get(SAVED_REPLY_FIELD):
        return ""
    gaps = unfilled_gaps(body)
    return gap_message(gaps) if gaps else ""


async def count_use(form: FormData, item: FeedbackItem, user: StaffUser) -> None:
    """After a reply or note was sent: count the saved reply it started from, if any."""
    raw = form.get(SAVED_REPLY_FIELD)
    if not raw:
        return
    chosen = await usable_reply(raw, item, await _team_ids(user))
    if chosen is not None:
        await record_use(chosen.id, now=utcnow())
