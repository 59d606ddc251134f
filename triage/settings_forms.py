"""Validation of the managers' settings forms, as pure functions (no HTTP, no database).

Each ``validate_*`` takes the submitted fields (any mapping; a ``getlist`` method is used for
multi-valued fields when present) plus the choices that are allowed right now, and returns
``(values, errors)``: a frozen dataclass of clean values and ``{}``, or ``None`` and a dict
of field name -> message. Messages are plain English sentences meant to sit next to the
field; they may quote what was typed, so templates must escape them (never pass them
through ``gettext``, which would mark them safe).

Uniqueness against stored rows (a team or calendar name, a staff e-mail) is left to the
caller, which checks the database after validation.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from feedback.addresses import is_mail_address, normalise_email
from triage.calendar import BusinessCalendar, HoursSpecError
from triage.priority import KINDS, PRIORITIES

__all__ = [
    "LIMITS",
    "CalendarValues",
    "Errors",
    "RuleValues",
    "StaffValues",
    "TargetValues",
    "TeamValues",
    "format_hours",
    "join_list",
    "split_list",
    "timezone_names",
    "validate_calendar",
    "validate_new_staff",
    "validate_rule",
    "validate_target",
    "validate_team",
]

Errors = dict[str, str]

# Field limits, shared with the templates' maxlength attributes. Text limits match the
# model columns; list limits keep a joined value inside its column.
LIMITS: Mapping[str, int] = {
    "team_name": 80,
    "calendar_name": 80,
    "rule_name": 120,
    "staff_name": 120,
    "email": 254,
    "password_min": 10,
    "password": 1024,
    "timezone": 64,
    "spec": 500,
    "holidays": 5000,
    "holiday_count": 366,
    "list_text": 500,  # categories, touchpoints, keywords as typed
    "short_list_text": 200,  # kinds, segments as typed
    "keyword": 60,
    "keyword_count": 30,
    "hours": 10,  # characters in an hours field
    "max_target_hours": 1000,
}

_DATE_RE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ID_RE = re.compile(r"[0-9]{1,9}")


# -- small helpers ---------------------------------------------------------------------------


def _text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def _getlist(form: Mapping[str, Any], name: str) -> list[str]:
    getlist = getattr(form, "getlist", None)
    if callable(getlist):
        raw: Iterable[Any] = getlist(name)
    else:
        value = form.get(name)
        raw = value if isinstance(value, list | tuple) else ([value] if value else [])
    return [item.strip() for item in raw if isinstance(item, str) and item.strip()]


def _flag(form: Mapping[str, Any], name: str) -> bool:
    return _text(form, name).lower() in {"on", "true", "1", "yes"}


def split_list(text: str) -> list[str]:
    """``'Billing, delivery,,'`` -> ``['Billing', 'delivery']``: trimmed, empties dropped."""
    return [part.strip() for part in text.split(",") if part.strip()]


def join_list(values: Iterable[str]) -> str:
    """The stored form of a list field: ``'Billing, Delivery'``."""
    return ", ".join(values)


def _required_text(
    form: Mapping[str, Any], name: str, limit: int, what: str, errors: Errors
) -> str:
    value = _text(form, name)
    if not value:
        errors[name] = f"Enter {what}."
    elif len(value) > limit:
        errors[name] = f"Keep {what} to {limit} characters or fewer (it has {len(value)})."
    return value


def _choice_id(
    form: Mapping[str, Any],
    name: str,
    allowed: Collection[int],
    errors: Errors,
    *,
    required: bool = False,
    message: str,
) -> int | None:
    raw = _text(form, name)
    if not raw:
        if required:
            errors[name] = message
        return None
    if not _ID_RE.fullmatch(raw) or int(raw) not in allowed:
        errors[name] = message
        return None
    return int(raw)


def _pick_from(
    typed: str,
    name: str,
    choices: Sequence[str],
    what: str,
    errors: Errors,
    *,
    limit: int,
) -> tuple[str, ...]:
    """Comma-separated values checked case-insensitively against ``choices``.

    Returns the configured spellings, in the order typed, without duplicates.
    """
    if len(typed) > limit:
        errors[name] = f"Keep the {what} to {limit} characters or fewer."
        return ()
    known = {choice.lower(): choice for choice in choices}
    picked: list[str] = []
    unknown: list[str] = []
    for part in split_list(typed):
        canonical = known.get(part.lower())
        if canonical is None:
            unknown.append(part)
        elif canonical not in picked:
            picked.append(canonical)
    if unknown:
        plural = "s" if len(unknown) > 1 else ""
        listed = ", ".join(f"“{u[:40]}”" for u in unknown[:5])
        errors[name] = f"Unknown {what}{plural}: {listed}. Choose from {', '.join(choices)}."
        return ()
    if len(join_list(picked)) > limit:  # only if the configured names are very long
        errors[name] = f"Too many {what} values for one rule: split it into two rules."
        return ()
    return tuple(picked)


# -- teams -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TeamValues:
    name: str
    is_default: bool
    manager_id: int | None
    member_ids: frozenset[int]
    calendar_id: int | None
    escalate_to_id: int | None


def validate_team(
    form: Mapping[str, Any],
    *,
    staff_ids: Collection[int],
    calendar_ids: Collection[int],
    currently_default: bool = False,
) -> tuple[TeamValues | None, Errors]:
    """A team form. ``staff_ids`` may be chosen as manager, member or escalation target.

    There is always exactly one default team, so the default team cannot be unticked: another
    team is made the default instead (``currently_default`` says whether this one is).
    """
    errors: Errors = {}
    name = _required_text(form, "name", LIMITS["team_name"], "a team name", errors)
    is_default = _flag(form, "is_default")
    if currently_default and not is_default:
        errors["is_default"] = (
            "This is the default queue, and there must always be one. To change it, edit the "
            "team that should take over and tick “Default team” there."
        )
    manager_id = _choice_id(
        form, "manager", staff_ids, errors, message="Choose a manager from the list, or nobody."
    )
    escalate_to_id = _choice_id(
        form,
        "escalate_to",
        staff_ids,
        errors,
        message="Choose who takes over breached items from the list, or nobody.",
    )
    calendar_id = _choice_id(
        form,
        "calendar",
        calendar_ids,
        errors,
        message="Choose a business-hours calendar from the list, or the default one.",
    )
    members: set[int] = set()
    for raw in _getlist(form, "members"):
        if not _ID_RE.fullmatch(raw) or int(raw) not in staff_ids:
            errors["members"] = "Tick members from the list only."
            break
        members.add(int(raw))
    if errors:
        return None, errors
    return (
        TeamValues(
            name=name,
            is_default=is_default,
            manager_id=manager_id,
            member_ids=frozenset(members),
            calendar_id=calendar_id,
            escalate_to_id=escalate_to_id,
        ),
        {},
    )


# -- routing rules -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RuleValues:
    name: str
    is_active: bool
    categories: tuple[str, ...]
    kinds: tuple[str, ...]
    touchpoints: tuple[str, ...]
    segments: tuple[str, ...]
    keywords: tuple[str, ...]
    team_id: int
    assignee_id: int | None

    def model_fields(self) -> dict[str, Any]:
        """Column values for a ``RoutingRule`` (lists stored comma-separated)."""
        return {
            "name": self.name,
            "is_active": self.is_active,
            "categories": join_list(self.categories),
            "kinds": join_list(self.kinds),
            "touchpoints": join_list(self.touchpoints),
            "segments": join_list(self.segments),
            "keywords": join_list(self.keywords),
            "team_id": self.team_id,
            "assignee_id": self.assignee_id,
        }


def validate_rule(
    form: Mapping[str, Any],
    *,
    categories: Sequence[str],
    touchpoints: Sequence[str],
    segments: Sequence[str],
    team_members: Mapping[int, Collection[int]],
) -> tuple[RuleValues | None, Errors]:
    """A routing rule. ``team_members`` maps each team id to the ids of its members."""
    errors: Errors = {}
    name = _required_text(form, "name", LIMITS["rule_name"], "a rule name", errors)
    long_limit, short_limit = LIMITS["list_text"], LIMITS["short_list_text"]
    picked_categories = _pick_from(
        _text(form, "categories"), "categories", categories, "category", errors, limit=long_limit
    )
    picked_kinds = _pick_from(
        _text(form, "kinds"), "kinds", KINDS, "kind", errors, limit=short_limit
    )
    picked_touchpoints = _pick_from(
        _text(form, "touchpoints"),
        "touchpoints",
        touchpoints,
        "touchpoint",
        errors,
        limit=long_limit,
    )
    picked_segments = _pick_from(
        _text(form, "segments"), "segments", segments, "segment", errors, limit=short_limit
    )
    keywords = _keywords(_text(form, "keywords"), errors)
    team_id = _choice_id(
        form, "team", team_members, errors, required=True, message="Choose the team to send to."
    )
    assignee_id = None
    if team_id is not None:
        assignee_id = _choice_id(
            form,
            "assignee",
            team_members[team_id],
            errors,
            message="The assignee must be a member of the chosen team (or leave it to the team).",
        )
    if errors or team_id is None:
        return None, errors
    return (
        RuleValues(
            name=name,
            is_active=_flag(form, "is_active"),
            categories=picked_categories,
            kinds=picked_kinds,
            touchpoints=picked_touchpoints,
            segments=picked_segments,
            keywords=keywords,
            team_id=team_id,
            assignee_id=assignee_id,
        ),
        {},
    )


def _keywords(typed: str, errors: Errors) -> tuple[str, ...]:
    if len(typed) > LIMITS["list_text"]:
        errors["keywords"] = f"Keep the keywords to {LIMITS['list_text']} characters or fewer."
        return ()
    words: list[str] = []
    for word in split_list(typed):
        word = " ".join(word.split())  # one space inside a phrase
        if len(word) > LIMITS["keyword"]:
            errors["keywords"] = (
                f"“{word[:20]}…” is too long: keep each keyword to {LIMITS['keyword']} characters."
            )
            return ()
        if word.lower() not in {w.lower() for w in words}:
            words.append(word)
    if len(words) > LIMITS["keyword_count"]:
        errors["keywords"] = f"Use at most {LIMITS['keyword_count']} keywords per rule."
        return ()
    return tuple(words)


# -- business-hours calendars -----------------------------------------------------------------


@lru_cache(maxsize=1)
def timezone_names() -> tuple[str, ...]:
    """Every IANA zone name known to this system, sorted (for validation and suggestions)."""
    return tuple(sorted(available_timezones() | {"UTC"}))


@lru_cache(maxsize=1)
def _zones_by_lower() -> dict[str, str]:
    return {zone.lower(): zone for zone in timezone_names()}


@dataclass(frozen=True)
class CalendarValues:
    name: str
    timezone: str
    spec: str
    holidays: tuple[date, ...]
    is_default: bool

    @property
    def holidays_text(self) -> str:
        """Stored form: one ISO date per line, sorted."""
        return "\n".join(day.isoformat() for day in self.holidays)


def validate_calendar(
    form: Mapping[str, Any], *, currently_default: bool = False
) -> tuple[CalendarValues | None, Errors]:
    """A business-hours calendar: name, IANA time zone, weekly hours spec, holidays.

    As with teams, the default calendar cannot be unticked, only replaced by another.
    """
    errors: Errors = {}
    name = _required_text(form, "name", LIMITS["calendar_name"], "a calendar name", errors)
    timezone = _text(form, "timezone")
    if not timezone:
        errors["timezone"] = "Enter a time zone, such as Europe/Berlin or America/New_York."
    elif len(timezone) > LIMITS["timezone"] or timezone.lower() not in _zones_by_lower():
        errors["timezone"] = (
            f"“{timezone[: LIMITS['timezone']]}” is not a time zone we know. Use an IANA name "
            "such as Europe/Berlin, Asia/Shanghai or UTC."
        )
    else:
        timezone = _zones_by_lower()[timezone.lower()]
        try:
            ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError):  # pragma: no cover - listed but unreadable
            errors["timezone"] = f"The time zone data for {timezone} cannot be read."
    spec = _spec_text(form)
    if not spec:
        errors["spec"] = "Enter the opening hours, such as “mon-fri 09:00-17:00” or “24/7”."
    elif len(spec) > LIMITS["spec"]:
        errors["spec"] = f"Keep the opening hours to {LIMITS['spec']} characters or fewer."
    else:
        try:
            BusinessCalendar.from_spec(name or "calendar", "UTC", spec)
        except HoursSpecError as exc:
            errors["spec"] = exc.for_people
        except ValueError as exc:  # pragma: no cover - every parser error is an HoursSpecError
            errors["spec"] = _sentence(str(exc))
    holidays = _holidays(_text(form, "holidays"), errors)
    is_default = _flag(form, "is_default")
    if currently_default and not is_default:
        errors["is_default"] = (
            "This is the default calendar, and there must always be one. To change it, edit "
            "the calendar that should take over and tick “Default calendar” there."
        )
    if errors:
        return None, errors
    return (
        CalendarValues(
            name=name,
            timezone=timezone,
            spec=spec,
            holidays=holidays,
            is_default=is_default,
        ),
        {},
    )


def _spec_text(form: Mapping[str, Any]) -> str:
    """The spec with each clause trimmed; new lines become ``; `` so it fits one line."""
    lines = [line.strip() for line in re.split(r"[;\n]", _text(form, "spec"))]
    return "; ".join(line for line in lines if line)


def _sentence(message: str) -> str:
    message = message.strip()
    message = message[:1].upper() + message[1:]
    return message if message.endswith((".", ")")) else message + "."


def _holidays(typed: str, errors: Errors) -> tuple[date, ...]:
    if len(typed) > LIMITS["holidays"]:
        errors["holidays"] = f"Keep the holidays to {LIMITS['holidays']:,} characters or fewer."
        return ()
    days: set[date] = set()
    for token in typed.replace(",", " ").split():
        day = None
        if _DATE_RE.fullmatch(token):
            try:
                day = date.fromisoformat(token)
            except ValueError:
                day = None
        if day is None:
            errors["holidays"] = f"“{token[:20]}” is not a date: write each one as YYYY-MM-DD."
            return ()
        days.add(day)
    if len(days) > LIMITS["holiday_count"]:
        errors["holidays"] = f"List at most {LIMITS['holiday_count']} holidays."
        return ()
    return tuple(sorted(days))


# -- response-time targets ---------------------------------------------------------------------


@dataclass(frozen=True)
class TargetValues:
    priority: str
    segment: str
    first_response_minutes: int
    resolution_minutes: int
    warn_at_percent: int


def format_hours(minutes: int) -> str:
    """Minutes as the hours a manager types: 90 -> ``'1.5'``, 480 -> ``'8'``, 20 -> ``'0.33'``."""
    hours = (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    text = f"{hours:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _hours_to_minutes(form: Mapping[str, Any], name: str, what: str, errors: Errors) -> int:
    raw = _text(form, name).replace(",", ".")
    if not raw:
        errors[name] = f"Enter the {what} target in business hours, such as 4 or 0.5."
        return 0
    try:
        hours = Decimal(raw) if len(raw) <= LIMITS["hours"] else None
    except InvalidOperation:
        hours = None
    if hours is None or not hours.is_finite():
        errors[name] = f"Enter the {what} target as a number of hours, such as 4 or 0.5."
        return 0
    maximum = LIMITS["max_target_hours"]
    if hours > maximum:
        errors[name] = f"Keep the {what} target to {maximum:,} business hours or fewer."
        return 0
    minutes = int((hours * 60).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    if minutes < 1:
        errors[name] = f"The {what} target must be at least one minute (0.02 hours)."
        return 0
    return minutes


def validate_target(
    form: Mapping[str, Any], *, segments: Sequence[str]
) -> tuple[TargetValues | None, Errors]:
    """A target override for one priority and segment (``""`` = any segment).

    Hours may be decimals (``0.5``); they are stored as whole minutes, rounded.
    """
    errors: Errors = {}
    priority = _text(form, "priority")
    if priority not in PRIORITIES:
        errors["priority"] = f"Choose a priority: {', '.join(PRIORITIES)}."
    segment = _text(form, "segment")
    known = {s.lower(): s for s in segments}
    if segment and segment.lower() not in known:
        errors["segment"] = f"Choose a segment: {', '.join(segments)}, or any segment."
    segment = known.get(segment.lower(), "") if segment else ""
    first = _hours_to_minutes(form, "first_response", "first-response", errors)
    resolution = _hours_to_minutes(form, "resolution", "resolution", errors)
    if first and resolution and resolution < first:
        errors["resolution"] = "The resolution target cannot be shorter than the first response."
    raw_warn = _text(form, "warn_at").removesuffix("%").strip()
    warn = int(raw_warn) if re.fullmatch(r"\d{1,3}", raw_warn) else 0
    if not 1 <= warn <= 99:
        errors["warn_at"] = "Enter a whole percentage from 1 to 99, such as 75."
    if errors:
        return None, errors
    return TargetValues(priority, segment, first, resolution, warn), {}


# -- staff -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StaffValues:
    email: str
    name: str
    role: str
    password: str


def validate_new_staff(
    form: Mapping[str, Any],
    *,
    allowed_roles: Sequence[str],
    min_password_length: int = LIMITS["password_min"],
) -> tuple[StaffValues | None, Errors]:
    """A new staff account. The e-mail is normalised (trimmed, lower case)."""
    errors: Errors = {}
    email = normalise_email(_text(form, "email"))
    if not email:
        errors["email"] = "Enter their work e-mail address."
    elif len(email) > LIMITS["email"] or not is_mail_address(email):
        errors["email"] = "Enter an e-mail address such as name@example.com."
    name = _required_text(form, "name", LIMITS["staff_name"], "their name", errors)
    role = _text(form, "role")
    if role not in allowed_roles:
        errors["role"] = f"Choose a role you may give: {', '.join(allowed_roles)}."
    raw_password = form.get("password")
    password = raw_password if isinstance(raw_password, str) else ""
    if len(password) < min_password_length:
        errors["password"] = f"Use at least {min_password_length} characters for the password."
    elif len(password) > LIMITS["password"]:
        errors["password"] = f"Keep the password to {LIMITS['password']} characters or fewer."
    elif not password.strip():
        errors["password"] = "The password cannot be only spaces."  # noqa: S105 (a message)
    if errors:
        return None, errors
    return StaffValues(email=email, name=name, role=role, password=password), {}
