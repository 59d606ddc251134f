"""The customer's side: the feedback form, the confirmation and the private tracking page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from feedback import bot_check
from feedback.attachments import staged
from feedback.conversation import (
    STATUS_WORDS,
    ConversationError,
    add_customer_reply,
    customer_promise,
    reply_refusal,
    reply_window_ends,
)
from feedback.intake import LIMITS, new_submission_token, submit_feedback, validate_submission
from feedback.models import FeedbackItem, Kind, Message, Status, SurveyResponse
from feedback.resolution import (
    OUTCOME_WORDS,
    latest_resolution,
    survey_change_deadline,
    survey_state,
)
from portal import throttle
from portal.clock import utcnow
from portal.handlers import attachments as files
from portal.i18n import N_, current_language
from portal.mail_links import TRACKING, customer_links, tracking_token, wake_mail_sender
from portal.security import CSRFError, InvalidToken, check_csrf, read_upload_form
from portal.templating import render

KIND_LABELS = {
    Kind.COMPLAINT: N_("Complaint"),
    Kind.COMMENT: N_("Comment"),
    Kind.PRAISE: N_("Praise"),
    Kind.SUGGESTION: N_("Suggestion"),
    Kind.QUESTION: N_("Question"),
}


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def item_from_token(request: Request, token: str) -> FeedbackItem:
    try:
        item_id = request.app.state.signer.unsign(token, purpose=TRACKING)
    except InvalidToken:
        raise HTTPException(404) from None
    item = await FeedbackItem.get_or_none(id=item_id).select_related("owner", "customer")
    if item is None:
        raise HTTPException(404)
    if item.customer.is_erased:
        raise HTTPException(410)  # "this conversation was erased" (portal.errors)
    return item


def _form_page(
    request: Request,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status: int = 200,
    notice: str = "",
) -> Response:
    settings = request.app.state.settings
    values.setdefault("submission_token", new_submission_token())
    if (errors or notice) and "files" not in errors and values.get("had_files"):
        errors["files"] = files.ATTACH_AGAIN
    return render(
        request,
        "feedback/form.html",
        {
            "values": values,
            "errors": errors,
            "notice": notice,
            "kinds": KIND_LABELS,
            "categories": settings.categories,
            "touchpoints": settings.touchpoints,
            "limits": LIMITS,
            "honeypot": bot_check.HONEYPOT_FIELD,
            "form_started_field": bot_check.STARTED_FIELD,
            "form_started": bot_check.carried_form_started(
                request.app.state.signer, values.get(bot_check.STARTED_FIELD, ""), utcnow()
            ),
            **files.template_context(request),
        },
        status_code=status,
    )


async def feedback_form(request: Request) -> Response:
    values = {}
    if request.query_params.get("kind") in {k.value for k in Kind}:
        values["kind"] = request.query_params["kind"]
    return _form_page(request, values, {})


async def submit(request: Request) -> Response:
    try:
        form = await read_upload_form(request, max_files=files.limits_for(request).max_files)
    except ValueError:
        raise HTTPException(400) from None
    values = {key: str(value) for key, value in form.items() if isinstance(value, str)}
    values.pop("csrf_token", None)
    uploads = await files.uploads_in(request, form)
    values["had_files"] = "yes" if uploads else ""
    try:
        check_csrf(request, form)
    except CSRFError:
        # Never lose what the customer typed: show the form again with a fresh token.
        return _form_page(
            request,
            values,
            {},
            status=403,
            notice=N_(
                "Your session expired before you sent this. Please check it and send it again."
            ),
        )
    settings = request.app.state.settings
    now = utcnow()
    address = client_address(request)
    automated = bot_check.automated_sign(
        values, request.app.state.signer, now, settings.form_min_seconds
    )
    if automated:
        bot_check.log_held_back(automated, address)
        if automated == "honeypot":  # a script: let it believe it worked
            return render(request, "feedback/thanks.html", {"item": None})
        # Perhaps a person with fast autofill: nothing is lost, and the form keeps the time it
        # was first shown, so the second press goes through.
        return _form_page(request, values, {}, status=422, notice=bot_check.HELD_BACK)
    sent_recently = await throttle.count("submit", address, since=now - timedelta(hours=1))
    if sent_recently >= settings.submissions_per_hour:
        return _form_page(
            request,
            values,
            {},
            status=429,
            notice=N_(
                "You have sent us a lot of messages in the last hour. Please wait a little and "
                "send this one again — your text is kept below."
            ),
        )
    submission, errors = validate_submission(
        values, categories=settings.categories, touchpoints=settings.touchpoints
    )
    checked, file_error = files.check(request, uploads)
    if file_error:
        errors["files"] = file_error
    if submission is None or errors:
        return _form_page(request, values, errors, status=422)
    async with staged(files.store_for(request), checked):
        item, created = await submit_feedback(
            submission,
            now=now,
            language=current_language(),
            new_customer_segment=settings.segments[-1],
            links=customer_links(request),
            files=checked,
        )
    if created:
        await throttle.hit("submit", address, now)
        wake_mail_sender(request)
    return RedirectResponse(
        request.url_for("thanks", token=tracking_token(request, item)), status_code=303
    )


async def thanks(request: Request) -> Response:
    token = request.path_params["token"]
    item = await item_from_token(request, token)
    return render(
        request,
        "feedback/thanks.html",
        # On the page: the address this customer reached us at (PORTAL_BASE_URL is for mail).
        {
            "item": item,
            "tracking_url": str(request.url_for("tracking", token=token)),
            "promise": customer_promise(item, utcnow()),
        },
    )


async def survey_context(
    request: Request,
    item: FeedbackItem,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    notice: str = "",
) -> dict[str, Any]:
    """What the survey fragment needs: its state, the answer so far, what was typed."""
    settings = request.app.state.settings
    survey = await SurveyResponse.get_or_none(item_id=item.id)
    if values is None:
        values = (
            {
                "satisfaction": str(survey.satisfaction),
                "recommend": str(survey.recommend),
                "comment": survey.comment,
            }
            if survey
            else {}
        )
    return {
        "item": item,
        "token": request.path_params["token"],
        "survey": survey,
        "survey_state": survey_state(item, survey, utcnow(), settings.survey_change_days),
        "survey_deadline": (
            survey_change_deadline(survey, settings.survey_change_days) if survey else None
        ),
        "survey_values": values,
        "survey_errors": errors or {},
        "survey_notice": notice,
    }


async def tracking_page(
    request: Request,
    item: FeedbackItem,
    *,
    reply_error: str = "",
    reply_text: str = "",
    file_error: str = "",
    status: int = 200,
    survey: dict[str, Any] | None = None,
) -> Response:
    """The tracking page; `survey` replaces the survey fragment's context (typed answers)."""
    settings = request.app.state.settings
    now = utcnow()
    messages = await Message.filter(item_id=item.id, is_internal=False).select_related(
        "author_staff"
    )
    message_files = await files.files_of(messages)
    refusal = reply_refusal(item, now=now, reopen_window_days=settings.reopen_window_days)
    resolution = (
        await latest_resolution(item)
        if item.status in (Status.RESOLVED, Status.CLOSED) and item.merged_into_id is None  # type: ignore[attr-defined]
        else None
    )
    merged_into = (
        await FeedbackItem.get_or_none(id=item.merged_into_id)  # type: ignore[attr-defined]
        if item.merged_into_id is not None  # type: ignore[attr-defined]
        else None
    )
    return render(
        request,
        "feedback/tracking.html",
        {
            **(survey or await survey_context(request, item)),
            "item": item,
            "token": request.path_params["token"],
            "status_words": STATUS_WORDS[Status(item.status)],
            "owner_first_name": item.owner.first_name if item.owner else "",
            "promise": customer_promise(item, now),
            "messages": messages,
            "message_files": message_files,
            "file_error": file_error,
            **files.template_context(request),
            "reply_error": reply_error,
            "reply_text": reply_text,
            "can_reply": refusal is None,
            "reply_closed_reason": refusal or "",
            "reply_window_ends": reply_window_ends(item, settings.reopen_window_days),
            "kinds": KIND_LABELS,
            "resolution": resolution,
            "outcome_words": OUTCOME_WORDS,
            "merged_into": merged_into,
            "merged_into_url": (
                request.url_for("tracking", token=tracking_token(request, merged_into))
                if merged_into
                else ""
            ),
        },
        status_code=status,
    )


async def tracking(request: Request) -> Response:
    item = await item_from_token(request, request.path_params["token"])
    return await tracking_page(request, item)


async def tracking_reply(request: Request) -> Response:
    item = await item_from_token(request, request.path_params["token"])
    try:
        form = await read_upload_form(request, max_files=files.limits_for(request).max_files)
    except ValueError:
        raise HTTPException(400) from None
    body = str(form.get("body") or "")
    uploads = await files.uploads_in(request, form)
    again = files.ATTACH_AGAIN if uploads else ""
    try:
        check_csrf(request, form)
    except CSRFError:
        return await tracking_page(
            request,
            item,
            status=403,
            reply_text=body,
            reply_error=N_("Your session expired. Please send your reply again."),
            file_error=again,
        )
    checked, file_error = files.check(request, uploads)
    if file_error:
        return await tracking_page(
            request, item, reply_text=body, file_error=file_error, status=422
        )
    try:
        async with staged(files.store_for(request), checked):
            await add_customer_reply(
                item,
                body,
                now=utcnow(),
                reopen_window_days=request.app.state.settings.reopen_window_days,
                files=checked,
            )
    except ConversationError as exc:
        return await tracking_page(
            request, item, reply_error=str(exc), reply_text=body, file_error=again, status=422
        )
    url = request.url_for("tracking", token=request.path_params["token"])
    return RedirectResponse(f"{url}#latest", status_code=303)
