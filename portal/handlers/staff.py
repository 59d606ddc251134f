"""Staff pages: sign-in, the item list, an item with its conversation, a customer's history."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from feedback import audit_text
from feedback.at_risk import last_review
from feedback.attachments import staged
from feedback.conversation import (
    STATUS_WORDS,
    ConversationError,
    add_staff_reply,
    collision_warning,
    messages_written_since,
)
from feedback.customer_merge import current_customer, possible_duplicates
from feedback.history import LIFECYCLE_LABELS, customer_history
from feedback.label_review import template_helpers
from feedback.labels import OUTCOME_LABELS, STATUS_TITLES
from feedback.models import Customer, Event, FeedbackItem, Message, Status
from feedback.resolution import (
    default_resolution_values,
    history_outcomes,
    item_outcome,
    resolved_state,
)
from feedback.sentiment import LABELS
from portal.access import get_customer_for_user, get_item_for_user, writable_customer, writable_item
from portal.auth import authenticate, require_role, sign_in, sign_out
from portal.clock import utcnow
from portal.handlers import attachments as files
from portal.handlers import saved_replies
from portal.i18n import gettext
from portal.mail_links import customer_links, wake_mail_sender
from portal.models import Role, StaffUser
from portal.security import check_csrf, read_form, read_upload_form, same_site_path
from portal.templating import is_fragment_request, render
from triage.actions import (
    ActionError,
    VersionConflict,
    add_collaborator,
    move,
    remove_collaborator,
    set_category,
    set_sentiment,
    status_choices,
)
from triage.sla import explain_item_clock

PAGE_SIZE = 50
LABELS_FRAGMENT = "staff/partials/_labels.html"
MAX_NOTES_LENGTH = 20_000


async def sign_in_page(request: Request) -> Response:
    return render(
        request,
        "staff/sign_in.html",
        {
            "next": same_site_path(request.query_params.get("next"), "/staff/board"),
            "error": "",
            "email": "",
        },
    )


async def sign_in_submit(request: Request) -> Response:
    form = await read_form(request)
    email = str(form.get("email") or "")[:254]
    password = str(form.get("password") or "")[:1024]
    next_url = same_site_path(form.get("next"), "/staff/board")
    settings = request.app.state.settings
    user, locked = await authenticate(
        email,
        password,
        client=request.client.host if request.client else "unknown",
        now=utcnow(),
        failures_allowed=settings.sign_in_failures_allowed,
        lockout=timedelta(minutes=settings.sign_in_lockout_minutes),
    )
    if user is None:
        error = (
            "Too many failed sign-ins. Wait a few minutes and try again."
            if locked
            else "That e-mail and password do not match an active account."
        )
        return render(
            request,
            "staff/sign_in.html",
            {"next": next_url, "error": error, "email": email},
            status_code=429 if locked else 400,
        )
    sign_in(request, user)
    return RedirectResponse(next_url, status_code=303)


async def sign_out_submit(request: Request) -> Response:
    await read_form(request)
    sign_out(request)
    return RedirectResponse(request.url_for("sign_in"), status_code=303)


async def item_list(request: Request) -> Response:
    await require_role(request, Role.AGENT)
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    status = request.query_params.get("status", "")
    query = FeedbackItem.all()
    if status in {s.value for s in Status}:
        query = query.filter(status=status)
    total = await query.count()
    items = (
        await query.select_related("customer", "owner")
        .order_by("-created_at", "-id")
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE)
    )
    return render(
        request,
        "staff/items.html",
        {
            "items": items,
            "page": page,
            "has_next": page * PAGE_SIZE < total,
            "total": total,
            "status": status,
            "statuses": list(Status),
        },
        fragment="staff/partials/_item_rows.html",
    )


async def _item_page(
    request: Request,
    item: FeedbackItem,
    *,
    reply_error: str = "",
    reply_text: str = "",
    collaborator_error: str = "",
    status: int = 200,
    **extra: Any,
) -> Response:
    """The item page; `extra` overrides context, e.g. the resolve form's values and errors."""
    messages = await Message.filter(item_id=item.id).select_related("author_staff")
    message_files = await files.files_of(messages)
    events = await Event.filter(item_id=item.id).select_related("actor")
    collaborators = await item.collaborators.all()
    settings = request.app.state.settings
    if "saved_reply_groups" not in extra:
        extra = {**await saved_replies.picker_context(request, item), **extra}
    outcomes = await resolution_context(request, item)
    resolutions = outcomes["outcome"].resolutions
    latest = resolutions[-1] if resolutions else None
    return render(
        request,
        "staff/item.html",
        {
            **outcomes,
            "resolved_state": resolved_state(item, latest, events),
            "item": item,
            "messages": messages,
            "message_files": message_files,
            **files.template_context(request),
            "events": events,
            "describe_event": audit_text.describe,
            "event_actor": audit_text.actor,
            "statuses": status_choices(item),
            "status_titles": STATUS_TITLES,
            "status_error": "",
            "status_words": STATUS_WORDS,
            "reply_error": reply_error,
            "reply_text": reply_text,
            "collaborators": collaborators,
            "staff_choices": await StaffUser.filter(is_active=True).exclude(
                id__in=[c.id for c in collaborators]
            ),
            "collaborator_error": collaborator_error,
            "target_lines": await explain_item_clock(item, utcnow(), settings.default_timezone),
            **labels_context(request),
            **extra,
        },
        status_code=status,
    )


def labels_context(request: Request) -> dict[str, Any]:
    """The "Sentiment and category" box: choices, helpers, no message."""
    return {
        **template_helpers(),
        "sentiments": LABELS,
        "categories": request.app.state.settings.categories,
        "labels_notice": "",
        "labels_error": "",
        "labels_oob": False,
    }


async def item_labels(request: Request) -> Response:
    """Correct (or confirm) an item's sentiment and/or category from its page.

    The form sends `sentiment` or `category` (or both) with the version the user saw. htmx
    gets the box back (409 on a conflict, 422 on a bad value, with the message in it); a plain
    post gets a 303 to the page, or the page with the message.
    """
    user, item = await writable_item(request)
    form = await read_form(request)
    try:
        version: int | None = int(str(form.get("version") or ""))
    except ValueError:
        version = None
    sentiment = str(form.get("sentiment") or "").strip()
    category = str(form.get("category") or "").strip()
    now = utcnow()
    done = []
    try:
        if not sentiment and not category:
            raise ActionError("Choose a sentiment or a category.")
        if sentiment:
            await set_sentiment(item, sentiment, actor=user, now=now, expected_version=version)
            done.append(f"sentiment {sentiment}")
            version = item.version
        if category:
            await set_category(
                item,
                category,
                allowed=request.app.state.settings.categories,
                actor=user,
                now=now,
                expected_version=version,
            )
            done.append(f"category {category}")
    except VersionConflict as exc:
        return await _labels_answer(request, item.id, error=str(exc), status=409)
    except ActionError as exc:
        return await _labels_answer(request, item.id, error=str(exc), status=422)
    if is_fragment_request(request):
        return await _labels_answer(request, item.id, notice="Saved: " + " and ".join(done) + ".")
    return RedirectResponse(
        str(request.url_for("staff_item", item_id=item.id)) + "#labels", status_code=303
    )


async def _labels_answer(
    request: Request, item_id: int, *, notice: str = "", error: str = "", status: int = 200
) -> Response:
    """The labels box (htmx) or the whole item page (plain), with the current item."""
    item = await FeedbackItem.get(id=item_id).select_related("customer", "owner", "team")
    messages = {"labels_notice": notice, "labels_error": error}
    if not is_fragment_request(request):
        return await _item_page(request, item, status=status, **messages)
    context = {**labels_context(request), **messages, "item": item, "labels_oob": True}
    return render(request, LABELS_FRAGMENT, context, fragment=LABELS_FRAGMENT, status_code=status)


async def resolution_context(request: Request, item: FeedbackItem) -> dict[str, Any]:
    """Resolutions, survey, follow-ups, duplicates, merges and the resolve form's defaults."""
    settings = request.app.state.settings
    user = request.state.staff_user
    return {
        "outcome": await item_outcome(item),
        "outcome_labels": OUTCOME_LABELS,
        "root_causes": settings.root_causes,
        "resolve_values": default_resolution_values(item, item.customer, settings.follow_up_days),
        "resolve_errors": {},
        "resolve_open": False,
        "merge_error": "",
        "review_error": "",
        "review_note": "",
        "is_manager": Role(user.role).allows(Role.MANAGER),
        "now": utcnow(),
        "last_seen_message_id": await Message.filter(item_id=item.id)
        .order_by("-id")
        .first()
        .values_list("id", flat=True)
        or 0,
        "resolve_new_messages": [],
    }


async def item_detail(request: Request) -> Response:
    user = await require_role(request, Role.AGENT)
    item, _ = await get_item_for_user(user, request.path_params["item_id"])
    return await _item_page(request, item, **await saved_replies.prefilled(request, item))


async def _inserted_saved_reply(request: Request, item: FeedbackItem, form: FormData) -> Response:
    """The reply form's Insert button without JavaScript: the page again, box filled, unsent."""
    inserted = await saved_replies.insertion(request, item, form)
    if await files.uploads_in(request, form):
        inserted["file_error"] = gettext(files.ATTACH_AGAIN)
    return await _item_page(
        request, item, status=422 if inserted["reply_error"] else 200, **inserted
    )


async def item_reply(request: Request) -> Response:
    user, item = await writable_item(request)
    form = await read_upload_form(request, max_files=files.limits_for(request).max_files)
    check_csrf(request, form)
    if form.get("insert"):
        return await _inserted_saved_reply(request, item, form)
    body = str(form.get("body") or "")
    internal = form.get("internal") == "on"
    used = {"saved_reply_id": str(form.get(saved_replies.SAVED_REPLY_FIELD) or "")[:12]}
    checked, file_error = files.check(request, await files.uploads_in(request, form))
    if file_error:
        return await _item_page(
            request, item, reply_text=body, file_error=file_error, status=422, **used
        )
    if gaps := saved_replies.check_before_send(form, body):
        return await _item_page(
            request, item, reply_error=gaps, reply_text=body, status=422, **used
        )
    if written_since := await unread_messages(form, item, user):
        return await _item_page(
            request,
            item,
            reply_error=collision_warning(written_since, item.customer.name)
            + (f" {files.ATTACH_AGAIN}" if checked else ""),
            reply_text=body,
            new_message_ids={message.id for message in written_since},
            status=409,
            **used,
        )
    try:
        async with staged(files.store_for(request), checked):
            await add_staff_reply(
                item,
                user,
                body,
                now=utcnow(),
                internal=internal,
                links=customer_links(request),
                files=checked,
            )
    except ConversationError as exc:
        again = f" {files.ATTACH_AGAIN}" if checked else ""
        return await _item_page(
            request, item, reply_error=str(exc) + again, reply_text=body, status=422, **used
        )
    await saved_replies.count_use(form, item, user)
    if not internal:
        wake_mail_sender(request)
    return RedirectResponse(
        str(request.url_for("staff_item", item_id=item.id)) + "#conversation", status_code=303
    )


async def unread_messages(form: Any, item: FeedbackItem, user: Any) -> list[Message]:
    """Others' messages a reply or resolve form did not show, by its `last_seen_message`.

    None when the form predates the check (no field), so an old open tab still sends.
    """
    try:
        last_seen = int(str(form.get("last_seen_message") or ""))
    except ValueError:
        return []
    return await messages_written_since(item, last_seen, user)


async def item_status(request: Request) -> Response:
    user, item = await writable_item(request)
    form = await read_form(request)
    try:
        new_status = Status(str(form.get("status") or ""))
    except ValueError:
        return await _item_page(request, item, status_error="Choose a valid status.", status=422)
    if new_status == Status.RESOLVED:
        # Resolving needs a resolution record: send the rep to the resolve form instead.
        return RedirectResponse(
            request.url_for("staff_item_resolve", item_id=item.id), status_code=303
        )
    try:
        await move(item, new_status, actor=user, now=utcnow())
    except ActionError as exc:
        return await _item_page(request, item, status_error=str(exc), status=422)
    return RedirectResponse(request.url_for("staff_item", item_id=item.id), status_code=303)


async def item_collaborators(request: Request) -> Response:
    user, item = await writable_item(request)
    form = await read_form(request)
    try:
        staff_id = int(str(form.get("staff_id") or ""))
    except ValueError:
        staff_id = 0
    collaborator = await StaffUser.get_or_none(id=staff_id)
    if collaborator is None:
        return await _item_page(
            request, item, collaborator_error="Choose a team member.", status=422
        )
    try:
        if form.get("action") == "remove":
            await remove_collaborator(item, collaborator, actor=user, now=utcnow())
        else:
            await add_collaborator(item, collaborator, actor=user, now=utcnow())
    except ActionError as exc:
        return await _item_page(request, item, collaborator_error=str(exc), status=422)
    return RedirectResponse(
        str(request.url_for("staff_item", item_id=item.id)) + "#collaborators", status_code=303
    )


async def customer_page(
    request: Request,
    customer: Customer,
    *,
    notes_error: str = "",
    review_error: str = "",
    review_note: str = "",
    status: int = 200,
    **extra: Any,
) -> Response:
    """The customer page; `extra` adds to the context (e.g. the merge box's state)."""
    items = await customer_history(customer)
    user = request.state.staff_user
    if customer.is_erased:
        await customer.fetch_related("erased_by")
    return render(
        request,
        "staff/customer.html",
        {
            "customer": customer,
            "items": items,
            "notes_error": notes_error,
            "status_words": STATUS_WORDS,
            "lifecycle_labels": LIFECYCLE_LABELS,
            "outcomes": await history_outcomes(items),
            "outcome_labels": OUTCOME_LABELS,
            "last_review": await last_review(customer.id),
            "is_manager": Role(user.role).allows(Role.MANAGER),
            "is_admin": Role(user.role).allows(Role.ADMIN),
            "review_error": review_error,
            "review_note": review_note,
            "merge_email": "",
            "merge_error": "",
            "merge_preview": None,
            "merge_suggestions": await possible_duplicates(customer),
            **extra,
        },
        status_code=status,
    )


async def customer_detail(request: Request) -> Response:
    user = await require_role(request, Role.AGENT)
    customer, _ = await get_customer_for_user(user, request.path_params["customer_id"])
    if customer.merged_into_id is not None:
        # A merged-away record lives on only as an address: its timeline is the other one's.
        merged_into = await current_customer(customer)
        return RedirectResponse(
            str(request.url_for("staff_customer", customer_id=merged_into.id)), status_code=303
        )
    return await customer_page(request, customer)


async def customer_notes(request: Request) -> Response:
    user, customer = await writable_customer(request)
    form = await read_form(request)
    notes = str(form.get("notes") or "").replace("\r\n", "\n").strip()
    if len(notes) > MAX_NOTES_LENGTH:
        customer.notes = notes
        return await customer_page(
            request,
            customer,
            notes_error=f"Notes are limited to {MAX_NOTES_LENGTH:,} characters.",
            status=422,
        )
    customer.notes = notes
    await customer.save(update_fields=["notes"])
    return RedirectResponse(
        request.url_for("staff_customer", customer_id=customer.id), status_code=303
    )
