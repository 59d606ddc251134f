"""Staff log feedback a customer gave by phone, e-mail or in person, on their behalf.

Same fields and checks as the public form (`feedback.intake.validate_submission`), plus the
channel; the item then goes through the same intake as a web submission (scoring, priority,
routing, targets), with "logged by" on its audit trail.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from feedback.intake import LIMITS, new_submission_token, submit_feedback, validate_submission
from feedback.models import Channel
from portal.auth import require_role
from portal.clock import utcnow
from portal.handlers.public import KIND_LABELS
from portal.models import Role
from portal.security import CSRF_FIELD, CSRFError, check_csrf, read_form
from portal.templating import navigate, render

PAGE = "triage/log_feedback.html"
FORM_FRAGMENT = "triage/partials/_log_feedback_form.html"
CHANNELS = {
    Channel.PHONE.value: "Phone call",
    Channel.EMAIL.value: "E-mail",
    Channel.IN_PERSON.value: "In person",
}


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
    values.setdefault("channel", Channel.PHONE.value)
    return render(
        request,
        PAGE,
        {
            "values": values,
            "errors": errors,
            "notice": notice,
            "kinds": KIND_LABELS,
            "channels": CHANNELS,
            "categories": settings.categories,
            "touchpoints": settings.touchpoints,
            "limits": LIMITS,
        },
        fragment=FORM_FRAGMENT,
        status_code=status,
    )


async def log_feedback_form(request: Request) -> Response:
    await require_role(request, Role.AGENT)
    return _form_page(request, {}, {})


async def log_feedback_submit(request: Request) -> Response:
    user = await require_role(request, Role.AGENT)
    form = await read_form(request, check=False)
    values = {key: str(value) for key, value in form.items() if isinstance(value, str)}
    values.pop(CSRF_FIELD, None)
    try:
        check_csrf(request, form)
    except CSRFError:
        # Keep what was typed during a long call: show it again with a fresh token.
        return _form_page(
            request,
            values,
            {},
            status=403,
            notice="This form expired before it was sent. Check it and send it again.",
        )
    settings = request.app.state.settings
    submission, errors = validate_submission(
        values, categories=settings.categories, touchpoints=settings.touchpoints
    )
    channel = values.get("channel", "")
    if channel not in CHANNELS:
        errors["channel"] = "Choose how the customer got in touch."
    if submission is None or errors:
        return _form_page(request, values, errors, status=422)
    item, _created = await submit_feedback(
        submission,
        now=utcnow(),
        channel=Channel(channel),
        language=settings.default_language,
        logged_by=user,
        new_customer_segment=settings.segments[-1],
    )
    target = request.app.url_path_for("staff_item", item_id=item.id)
    return navigate(request, target)
