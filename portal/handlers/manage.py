"""Managers' settings pages: teams, staff, routing rules, calendars, response-time targets.

Every page needs the manager role (admins included); creating an admin account and
(de)activating accounts need the admin role. Forms post plainly and answer with a 303 back to
the page, or with the page re-rendered (422), what was typed kept and each message next to its
field. Validation is in `triage.settings_forms`; the handlers load, authorise, check what only
the database knows (unique names, the one default row), save and render.

Writes that touch several rows (the default flag, team members, rule order) run in one
transaction each.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from feedback.models import MailStatus, OutboxMail
from portal.auth import MIN_PASSWORD_LENGTH, create_staff, require_role
from portal.clock import utcnow
from portal.errors import error_page
from portal.models import Role, StaffUser
from portal.security import read_form
from portal.templating import is_fragment_request, render
from triage.models import BusinessHours, RoutingRule, TargetSetting, Team
from triage.priority import KINDS, PRIORITIES, PRIORITY_RULES
from triage.settings_forms import (
    LIMITS,
    CalendarValues,
    Errors,
    RuleValues,
    TeamValues,
    format_hours,
    timezone_names,
    validate_calendar,
    validate_new_staff,
    validate_rule,
    validate_target,
    validate_team,
)
from triage.settings_store import save_with_single_default, set_team_members
from triage.staff_mail import PREFERENCES as MAIL_PREFERENCES
from triage.target_review import REVIEW_WEEKS, review_targets
from triage.targets import DEFAULT_POLICIES

NOTICE_KEY = "manage_notice"
M = TypeVar("M", bound=Model)


# -- shared helpers ----------------------------------------------------------------------------


async def _manager(request: Request) -> StaffUser:
    return await require_role(request, Role.MANAGER)


def _notify(request: Request, text: str) -> None:
    """A one-off confirmation shown on the next page (after the 303)."""
    request.session[NOTICE_KEY] = text


def _see_other(request: Request, name: str, **params: Any) -> RedirectResponse:
    return RedirectResponse(request.url_for(name, **params), status_code=303)


def _page(
    request: Request,
    template: str,
    section: str,
    context: dict[str, Any],
    *,
    status_code: int = 200,
) -> Response:
    notice = request.session.pop(NOTICE_KEY, "") if status_code < 400 else ""
    return render(
        request,
        template,
        {"section": section, "notice": notice, "limits": LIMITS, **context},
        status_code=status_code,
    )


async def _get_or_404(model: type[M], object_id: int) -> M:
    found = await model.get_or_none(id=object_id)
    if found is None:
        raise HTTPException(404)
    return found


def _raw(form: FormData, names: Iterable[str]) -> dict[str, Any]:
    """What was typed, to put back in the form (strings only: a file part is dropped)."""
    return {name: value if isinstance(value := form.get(name), str) else "" for name in names}


def _id_text(value: int | None) -> str:
    return "" if value is None else str(value)


# -- overview ----------------------------------------------------------------------------------


async def overview(request: Request) -> Response:
    await _manager(request)
    counts = {
        "teams": await Team.all().count(),
        "staff": await StaffUser.filter(is_active=True).count(),
        "away": await StaffUser.filter(is_active=True, is_away=True).count(),
        "rules": await RoutingRule.all().count(),
        "active_rules": await RoutingRule.filter(is_active=True).count(),
        "calendars": await BusinessHours.all().count(),
        "targets": await TargetSetting.all().count(),
    }
    return _page(
        request,
        "manager/overview.html",
        "overview",
        {
            "counts": counts,
            "default_team": await Team.filter(is_default=True).first(),
            "default_calendar": await BusinessHours.filter(is_default=True).first(),
            "mail_configured": request.app.state.settings.mail_configured,
            "mail_failed": await OutboxMail.filter(status=MailStatus.FAILED).count(),
        },
    )


# -- teams -------------------------------------------------------------------------------------

TEAM_FIELDS = ("name", "is_default", "manager", "calendar", "escalate_to")


async def _team_staff(team: Team | None) -> list[StaffUser]:
    """Active staff, plus anyone already on the team (so saving never drops them silently)."""
    current: set[int] = set()
    if team is not None:
        current = set(await team.members.all().values_list("id", flat=True))
        current |= {i for i in (team.manager_id, team.escalate_to_id) if i}  # type: ignore[attr-defined]
    condition = Q(is_active=True) | Q(id__in=list(current)) if current else Q(is_active=True)
    return await StaffUser.filter(condition)


def _team_form(form: FormData) -> dict[str, Any]:
    return {**_raw(form, TEAM_FIELDS), "members": [str(v) for v in form.getlist("members")]}


async def _team_model_form(team: Team) -> dict[str, Any]:
    member_ids = await team.members.all().values_list("id", flat=True)
    return {
        "name": team.name,
        "is_default": "on" if team.is_default else "",
        "manager": _id_text(team.manager_id),  # type: ignore[attr-defined]
        "calendar": _id_text(team.calendar_id),  # type: ignore[attr-defined]
        "escalate_to": _id_text(team.escalate_to_id),  # type: ignore[attr-defined]
        "members": [str(i) for i in member_ids],
    }


async def _teams_page(
    request: Request, values: dict[str, Any], errors: Errors, *, status_code: int = 200
) -> Response:
    teams = (
        await Team.all()
        .select_related("manager", "calendar", "escalate_to")
        .prefetch_related("members")
    )
    return _page(
        request,
        "manager/teams.html",
        "teams",
        {
            "teams": teams,
            "team": None,
            "staff": await _team_staff(None),
            "calendars": await BusinessHours.all(),
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


async def teams(request: Request) -> Response:
    await _manager(request)
    values = {"name": "", "is_default": "", "members": []}
    return await _teams_page(request, values, {})


async def team_create(request: Request) -> Response:
    await _manager(request)
    form = await read_form(request)
    staff = await _team_staff(None)
    calendars = await BusinessHours.all()
    values, errors = validate_team(
        form, staff_ids={s.id for s in staff}, calendar_ids={c.id for c in calendars}
    )
    team = None
    if values is not None:
        team, errors = await _save_team(None, values)
    if team is None:
        return await _teams_page(request, _team_form(form), errors, status_code=422)
    default_note = " It is the default queue." if team.is_default else ""
    _notify(request, f"Team “{team.name}” created.{default_note}")
    return _see_other(request, "manage_teams")


async def _team_page(
    request: Request,
    team: Team,
    values: dict[str, Any],
    errors: Errors,
    *,
    status_code: int = 200,
) -> Response:
    return _page(
        request,
        "manager/team.html",
        "teams",
        {
            "team": team,
            "staff": await _team_staff(team),
            "calendars": await BusinessHours.all(),
            "rules": await RoutingRule.filter(team_id=team.id),
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


async def team_detail(request: Request) -> Response:
    await _manager(request)
    team = await _get_or_404(Team, request.path_params["team_id"])
    return await _team_page(request, team, await _team_model_form(team), {})


async def team_update(request: Request) -> Response:
    await _manager(request)
    team = await _get_or_404(Team, request.path_params["team_id"])
    form = await read_form(request)
    staff = await _team_staff(team)
    calendars = await BusinessHours.all()
    values, errors = validate_team(
        form,
        staff_ids={s.id for s in staff},
        calendar_ids={c.id for c in calendars},
        currently_default=team.is_default,
    )
    saved = None
    if values is not None:
        saved, errors = await _save_team(team, values)
    if saved is None:
        return await _team_page(request, team, _team_form(form), errors, status_code=422)
    _notify(request, f"Team “{saved.name}” saved.")
    return _see_other(request, "manage_team", team_id=team.id)


async def _save_team(team: Team | None, values: TeamValues) -> tuple[Team | None, Errors]:
    """Create or update a team with its members; keep exactly one default team."""
    fields = {
        "name": values.name,
        "manager_id": values.manager_id,
        "calendar_id": values.calendar_id,
        "escalate_to_id": values.escalate_to_id,
    }

    async def members(saved: Team) -> None:
        await set_team_members(saved, values.member_ids)

    return await save_with_single_default(
        Team, team, fields, want_default=values.is_default, noun="team", after_save=members
    )


# -- staff -------------------------------------------------------------------------------------

STAFF_FIELDS = ("email", "name", "role")


def _roles_for(user: StaffUser) -> list[str]:
    """Roles a user may give: up to their own (so a manager cannot create an admin)."""
    return [role.value for role in Role if Role(user.role).allows(role)]


async def _staff_page(
    request: Request,
    user: StaffUser,
    values: dict[str, Any],
    errors: Errors,
    *,
    status_code: int = 200,
) -> Response:
    members = await StaffUser.all().prefetch_related("teams")
    return _page(
        request,
        "manager/staff.html",
        "staff",
        {
            "members": members,
            "mail_preferences": MAIL_PREFERENCES,
            "roles": _roles_for(user),
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


async def staff(request: Request) -> Response:
    user = await _manager(request)
    return await _staff_page(request, user, {"email": "", "name": "", "role": "agent"}, {})


async def staff_create(request: Request) -> Response:
    user = await _manager(request)
    form = await read_form(request)
    values, errors = validate_new_staff(
        form, allowed_roles=_roles_for(user), min_password_length=MIN_PASSWORD_LENGTH
    )
    taken = {"email": "There is already an account with this e-mail address."}
    if values is not None and await StaffUser.filter(email=values.email).exists():
        errors = taken
    elif values is not None:
        try:
            await create_staff(values.email, values.name, values.password, Role(values.role))
        except IntegrityError:
            errors = taken
    if errors:
        # The password is never sent back; everything else is kept.
        return await _staff_page(request, user, _raw(form, STAFF_FIELDS), errors, status_code=422)
    assert values is not None
    _notify(request, f"Account for {values.name} ({values.role}) created.")
    return _see_other(request, "manage_staff")


def _yes_no(form: FormData, name: str) -> bool:
    value = form.get(name)
    if value not in {"0", "1"}:
        raise HTTPException(400)
    return value == "1"


async def _staff_row(request: Request, member_id: int, *, status_code: int = 200) -> Response:
    """After a row's toggle: the row alone for htmx, else back to the page."""
    if is_fragment_request(request):
        member = await StaffUser.get(id=member_id).prefetch_related("teams")
        return render(
            request,
            "manager/partials/_staff_row.html",
            {"member": member, "mail_preferences": MAIL_PREFERENCES},
            status_code=status_code,
            headers={"Vary": "HX-Request"},
        )
    response = _see_other(request, "manage_staff")
    response.headers["Vary"] = "HX-Request"
    return response


async def staff_away(request: Request) -> Response:
    """Mark a rep out of office (routing skips them) or back."""
    await _manager(request)
    member = await _get_or_404(StaffUser, request.path_params["staff_id"])
    form = await read_form(request)
    away = _yes_no(form, "is_away")
    await StaffUser.filter(id=member.id).update(is_away=away)
    if not is_fragment_request(request):
        _notify(request, f"{member.name} is {'away' if away else 'back'}.")
    return await _staff_row(request, member.id)


async def staff_active(request: Request) -> Response:
    """Deactivate (no sign-in, no new items) or reactivate an account: admins only."""
    user = await require_role(request, Role.ADMIN)
    member = await _get_or_404(StaffUser, request.path_params["staff_id"])
    form = await read_form(request)
    active = _yes_no(form, "is_active")
    if member.id == user.id and not active:
        # No button offers this; a crafted request gets the reason (htmx: the row unchanged).
        if is_fragment_request(request):
            return await _staff_row(request, member.id, status_code=409)
        return error_page(request, 409, "You cannot deactivate your own account.")
    await StaffUser.filter(id=member.id).update(is_active=active)
    if not is_fragment_request(request):
        _notify(request, f"{member.name} {'reactivated' if active else 'deactivated'}.")
    return await _staff_row(request, member.id)


# -- routing rules -----------------------------------------------------------------------------

RULE_FIELDS = (
    "name",
    "categories",
    "kinds",
    "touchpoints",
    "segments",
    "keywords",
    "team",
    "assignee",
    "is_active",
)


def _rule_model_form(rule: RoutingRule) -> dict[str, Any]:
    return {
        "name": rule.name,
        "categories": rule.categories,
        "kinds": rule.kinds,
        "touchpoints": rule.touchpoints,
        "segments": rule.segments,
        "keywords": rule.keywords,
        "team": _id_text(rule.team_id),  # type: ignore[attr-defined]
        "assignee": _id_text(rule.assignee_id),  # type: ignore[attr-defined]
        "is_active": "on" if rule.is_active else "",
    }


async def _teams_with_members() -> list[Team]:
    return await Team.all().prefetch_related("members")


def _validate_rule(
    request: Request, form: FormData, teams: list[Team]
) -> tuple[RuleValues | None, Errors]:
    settings = request.app.state.settings
    return validate_rule(
        form,
        categories=settings.categories,
        touchpoints=settings.touchpoints,
        segments=settings.segments,
        team_members={team.id: {m.id for m in team.members} for team in teams},
    )


def _rule_context(request: Request, teams: list[Team]) -> dict[str, Any]:
    settings = request.app.state.settings
    return {
        "teams": teams,
        "choices": {
            "categories": settings.categories,
            "kinds": KINDS,
            "touchpoints": settings.touchpoints,
            "segments": settings.segments,
        },
    }


async def _rules_page(
    request: Request, values: dict[str, Any], errors: Errors, *, status_code: int = 200
) -> Response:
    rules = await RoutingRule.all().select_related("team", "assignee")
    teams = await _teams_with_members()
    return _page(
        request,
        "manager/rules.html",
        "rules",
        {
            "rules": rules,
            "rule": None,
            "default_team": await Team.filter(is_default=True).first(),
            "values": values,
            "errors": errors,
            **_rule_context(request, teams),
        },
        status_code=status_code,
    )


async def rules(request: Request) -> Response:
    await _manager(request)
    return await _rules_page(request, {"is_active": "on"}, {})


async def rule_create(request: Request) -> Response:
    await _manager(request)
    form = await read_form(request)
    values, errors = _validate_rule(request, form, await _teams_with_members())
    if values is None:
        return await _rules_page(request, _raw(form, RULE_FIELDS), errors, status_code=422)
    async with in_transaction():
        last = await RoutingRule.all().order_by("-position", "-id").first()
        await RoutingRule.create(
            position=(last.position + 1) if last else 1, **values.model_fields()
        )
    _notify(request, f"Rule “{values.name}” added at the end of the list.")
    return _see_other(request, "manage_rules")


async def _rule_page(
    request: Request,
    rule: RoutingRule,
    values: dict[str, Any],
    errors: Errors,
    *,
    status_code: int = 200,
) -> Response:
    teams = await _teams_with_members()
    return _page(
        request,
        "manager/rule.html",
        "rules",
        {"rule": rule, "values": values, "errors": errors, **_rule_context(request, teams)},
        status_code=status_code,
    )


async def rule_detail(request: Request) -> Response:
    await _manager(request)
    rule = await _get_or_404(RoutingRule, request.path_params["rule_id"])
    return await _rule_page(request, rule, _rule_model_form(rule), {})


async def rule_update(request: Request) -> Response:
    await _manager(request)
    rule = await _get_or_404(RoutingRule, request.path_params["rule_id"])
    form = await read_form(request)
    values, errors = _validate_rule(request, form, await _teams_with_members())
    if values is None:
        return await _rule_page(request, rule, _raw(form, RULE_FIELDS), errors, status_code=422)
    await RoutingRule.filter(id=rule.id).update(**values.model_fields())
    _notify(request, f"Rule “{values.name}” saved.")
    return _see_other(request, "manage_rules")


async def rule_delete(request: Request) -> Response:
    await _manager(request)
    rule = await _get_or_404(RoutingRule, request.path_params["rule_id"])
    await read_form(request)
    await rule.delete()
    _notify(request, f"Rule “{rule.name}” deleted.")
    return _see_other(request, "manage_rules")


async def rule_active(request: Request) -> Response:
    await _manager(request)
    rule = await _get_or_404(RoutingRule, request.path_params["rule_id"])
    form = await read_form(request)
    active = _yes_no(form, "is_active")
    await RoutingRule.filter(id=rule.id).update(is_active=active)
    _notify(request, f"Rule “{rule.name}” turned {'on' if active else 'off'}.")
    return _see_other(request, "manage_rules")


async def rule_move(request: Request) -> Response:
    await _manager(request)
    rule = await _get_or_404(RoutingRule, request.path_params["rule_id"])
    form = await read_form(request)
    direction = form.get("direction")
    if direction not in {"up", "down"}:
        raise HTTPException(400)
    await _move_rule(rule.id, -1 if direction == "up" else 1)
    return RedirectResponse(
        str(request.url_for("manage_rules")) + f"#rule-{rule.id}", status_code=303
    )


async def _move_rule(rule_id: int, step: int) -> None:
    """Swap a rule with its neighbour; positions are renumbered 1..n on the way."""
    async with in_transaction():
        order = list(
            await RoutingRule.all().order_by("position", "id").values_list("id", "position")
        )
        ids = [row[0] for row in order]
        index = ids.index(rule_id)
        other = index + step
        if 0 <= other < len(ids):
            ids[index], ids[other] = ids[other], ids[index]
        old = dict(order)
        for position, each in enumerate(ids, start=1):
            if old[each] != position:
                await RoutingRule.filter(id=each).update(position=position)


# -- business-hours calendars ------------------------------------------------------------------

CALENDAR_FIELDS = ("name", "timezone", "spec", "holidays", "is_default")


def _calendar_model_form(calendar: BusinessHours) -> dict[str, Any]:
    return {
        "name": calendar.name,
        "timezone": calendar.timezone,
        "spec": calendar.spec,
        "holidays": calendar.holidays,
        "is_default": "on" if calendar.is_default else "",
    }


async def _calendars_page(
    request: Request, values: dict[str, Any], errors: Errors, *, status_code: int = 200
) -> Response:
    return _page(
        request,
        "manager/calendars.html",
        "calendars",
        {
            "calendars": await BusinessHours.all().prefetch_related("teams"),
            "calendar": None,
            "timezones": timezone_names(),
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


async def calendars(request: Request) -> Response:
    await _manager(request)
    default_zone = request.app.state.settings.default_timezone
    values = {"timezone": default_zone, "spec": "mon-fri 09:00-17:00"}
    return await _calendars_page(request, values, {})


async def calendar_create(request: Request) -> Response:
    await _manager(request)
    form = await read_form(request)
    values, errors = validate_calendar(form)
    calendar = None
    if values is not None:
        calendar, errors = await _save_calendar(None, values)
    if calendar is None:
        return await _calendars_page(request, _raw(form, CALENDAR_FIELDS), errors, status_code=422)
    default_note = " It is the default calendar." if calendar.is_default else ""
    _notify(request, f"Calendar “{calendar.name}” created.{default_note}")
    return _see_other(request, "manage_calendars")


async def _calendar_page(
    request: Request,
    calendar: BusinessHours,
    values: dict[str, Any],
    errors: Errors,
    *,
    status_code: int = 200,
) -> Response:
    return _page(
        request,
        "manager/calendar.html",
        "calendars",
        {
            "calendar": calendar,
            "teams": await Team.filter(calendar_id=calendar.id),
            "timezones": timezone_names(),
            "values": values,
            "errors": errors,
        },
        status_code=status_code,
    )


async def calendar_detail(request: Request) -> Response:
    await _manager(request)
    calendar = await _get_or_404(BusinessHours, request.path_params["calendar_id"])
    return await _calendar_page(request, calendar, _calendar_model_form(calendar), {})


async def calendar_update(request: Request) -> Response:
    await _manager(request)
    calendar = await _get_or_404(BusinessHours, request.path_params["calendar_id"])
    form = await read_form(request)
    values, errors = validate_calendar(form, currently_default=calendar.is_default)
    saved = None
    if values is not None:
        saved, errors = await _save_calendar(calendar, values)
    if saved is None:
        return await _calendar_page(
            request, calendar, _raw(form, CALENDAR_FIELDS), errors, status_code=422
        )
    _notify(request, f"Calendar “{saved.name}” saved.")
    return _see_other(request, "manage_calendar", calendar_id=calendar.id)


async def _save_calendar(
    calendar: BusinessHours | None, values: CalendarValues
) -> tuple[BusinessHours | None, Errors]:
    """Create or update a calendar; keep exactly one default calendar."""
    fields = {
        "name": values.name,
        "timezone": values.timezone,
        "spec": values.spec,
        "holidays": values.holidays_text,
    }
    return await save_with_single_default(
        BusinessHours, calendar, fields, want_default=values.is_default, noun="calendar"
    )


# -- response-time targets ---------------------------------------------------------------------


def _minutes(value: Any) -> int:
    return int(value.total_seconds() // 60)


def _row_key(priority: str, segment: str, used: set[str]) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", segment.lower()).strip("-") if segment else "any"
    key = f"{priority}-{slug or 'segment'}"
    while key in used:
        key += "-x"
    used.add(key)
    return key


def _target_rows(
    overrides: Mapping[tuple[str, str], TargetSetting],
    segments: Iterable[str],
    posted: tuple[str, str, dict[str, str], Errors] | None = None,
) -> list[dict[str, Any]]:
    """One row per priority x segment ("" = any), showing what applies today and why."""
    rows = []
    used: set[str] = set()
    for priority in PRIORITIES:
        for segment in ("", *segments):
            row = overrides.get((priority, segment))
            fallback = overrides.get((priority, "")) if segment else None
            if row is not None:
                source = "Set here"
            elif fallback is not None:
                row, source = fallback, "As for any segment"
            else:
                source = "Shipped default"
            policy = DEFAULT_POLICIES[priority]
            shipped = (
                f"{format_hours(_minutes(policy.first_response))} h, "
                f"{format_hours(_minutes(policy.resolution))} h, {round(policy.warn_at * 100)}%"
            )
            if row is not None:
                first, resolution, warn = (
                    row.first_response_minutes,
                    row.resolution_minutes,
                    row.warn_at_percent,
                )
            else:
                first, resolution = _minutes(policy.first_response), _minutes(policy.resolution)
                warn = round(policy.warn_at * 100)
            values = {
                "first_response": format_hours(first),
                "resolution": format_hours(resolution),
                "warn_at": str(warn),
            }
            errors: Errors = {}
            if posted is not None and posted[:2] == (priority, segment):
                values, errors = posted[2], posted[3]
            rows.append(
                {
                    "key": _row_key(priority, segment, used),
                    "priority": priority,
                    "segment": segment,
                    "source": source,
                    "shipped": shipped,
                    "overridden": (priority, segment) in overrides,
                    "values": values,
                    "errors": errors,
                }
            )
    return rows


async def _targets_page(
    request: Request,
    posted: tuple[str, str, dict[str, str], Errors] | None = None,
    *,
    status_code: int = 200,
) -> Response:
    overrides = {(t.priority, t.segment): t for t in await TargetSetting.all()}
    segments = request.app.state.settings.segments
    reviews = await review_targets(segments, utcnow())
    rows = _target_rows(overrides, segments, posted)
    for row in rows:
        row["review"] = reviews[row["priority"], row["segment"]]
    return _page(
        request,
        "manager/targets.html",
        "targets",
        {
            "rows": rows,
            "review_weeks": REVIEW_WEEKS,
            "has_items": any(review.items for review in reviews.values()),
            "priority_rules": PRIORITY_RULES,
        },
        status_code=status_code,
    )


async def targets(request: Request) -> Response:
    await _manager(request)
    return await _targets_page(request)


def _target_key(request: Request, form: FormData) -> tuple[str, str]:
    """The row a target form is for (hidden fields: anything unknown is a bad request)."""
    priority, segment = form.get("priority"), form.get("segment", "")
    if priority not in PRIORITIES or segment not in ("", *request.app.state.settings.segments):
        raise HTTPException(400)
    return str(priority), str(segment)


async def target_save(request: Request) -> Response:
    await _manager(request)
    form = await read_form(request)
    priority, segment = _target_key(request, form)
    values, errors = validate_target(form, segments=request.app.state.settings.segments)
    if values is None:
        typed = _raw(form, ("first_response", "resolution", "warn_at"))
        return await _targets_page(request, (priority, segment, typed, errors), status_code=422)
    await TargetSetting.update_or_create(
        defaults={
            "first_response_minutes": values.first_response_minutes,
            "resolution_minutes": values.resolution_minutes,
            "warn_at_percent": values.warn_at_percent,
        },
        priority=values.priority,
        segment=values.segment,
    )
    scope = f"{priority}, {segment or 'any segment'}"
    _notify(request, f"Target for {scope} saved.")
    return RedirectResponse(str(request.url_for("manage_targets")) + "#targets", status_code=303)


async def target_reset(request: Request) -> Response:
    await _manager(request)
    form = await read_form(request)
    priority, segment = _target_key(request, form)
    deleted = await TargetSetting.filter(priority=priority, segment=segment).delete()
    if deleted:
        _notify(request, f"Target for {priority}, {segment or 'any segment'} reset.")
    return RedirectResponse(str(request.url_for("manage_targets")) + "#targets", status_code=303)
