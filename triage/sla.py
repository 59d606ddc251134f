"""Response-time targets for stored items: the policy, the calendar, and the stored clock.

Due times are computed from the item's audit trail (its status events) by the pure
functions in `triage.targets`, then stored on the item so the board can sort and filter in
the database. `refresh_targets` is called after every change and by the sweeper.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from feedback.models import Customer, Event, FeedbackItem
from triage.calendar import BusinessCalendar
from triage.models import BusinessHours, TargetSetting, Team
from triage.targets import (
    DEFAULT_POLICIES,
    StatusChange,
    TargetClock,
    TargetPolicy,
    elapsed_business_time,
)
from triage.targets import compute_clock as _compute_clock
from triage.targets import explain_clock as _explain_clock

DEFAULT_CALENDAR_SPEC = "mon-fri 09:00-17:00"


def parse_holidays(text: str) -> list[date]:
    """Holidays as typed by a manager: YYYY-MM-DD, one per line or comma-separated."""
    days = []
    for token in text.replace(",", "\n").split():
        days.append(date.fromisoformat(token.strip()))
    return days


def calendar_from_row(row: BusinessHours) -> BusinessCalendar:
    return BusinessCalendar.from_spec(
        row.name, row.timezone, row.spec, holidays=parse_holidays(row.holidays)
    )


async def calendar_for_team(
    team_id: int | None, fallback_timezone: str = "UTC"
) -> BusinessCalendar:
    """The team's calendar, else the default calendar, else office hours in the default zone."""
    row = None
    if team_id is not None:
        team = await Team.get_or_none(id=team_id).select_related("calendar")
        row = team.calendar if team else None
    if row is None:
        row = await BusinessHours.filter(is_default=True).first()
    if row is None:
        return BusinessCalendar.from_spec("Office hours", fallback_timezone, DEFAULT_CALENDAR_SPEC)
    return calendar_from_row(row)


@dataclass(frozen=True)
class PolicyChoice:
    policy: TargetPolicy
    source: str  # e.g. "high / key customers (custom)" or "normal (default)"


async def policy_for_item(priority: str, segment: str) -> PolicyChoice:
    """Segment-specific target, else the priority's target, else the shipped default."""
    rows = {
        row.segment: row
        for row in await TargetSetting.filter(priority=priority, segment__in=[segment, ""])
    }
    row = rows.get(segment) or rows.get("")
    if row is not None:
        policy = TargetPolicy(
            first_response=timedelta(minutes=row.first_response_minutes),
            resolution=timedelta(minutes=row.resolution_minutes),
            warn_at=row.warn_at_percent / 100,
        )
        scope = f"{priority} / {segment} customers" if row.segment else priority
        return PolicyChoice(policy, f"{scope} (set by a manager)")
    return PolicyChoice(DEFAULT_POLICIES[priority], f"{priority} (default)")


async def status_history(item_id: int) -> list[StatusChange]:
    """The item's status trail, oldest first, from its audit events."""
    rows = (
        await Event.filter(item_id=item_id, action="status")
        .order_by("created_at", "id")
        .values("created_at", "new_value")
    )
    return [StatusChange(at=row["created_at"], status=row["new_value"]) for row in rows]


async def _context(item: FeedbackItem, fallback_timezone: str) -> tuple:
    customer = await Customer.get(id=item.customer_id)  # type: ignore[attr-defined]
    choice = await policy_for_item(item.priority, customer.segment)
    calendar = await calendar_for_team(item.team_id, fallback_timezone)  # type: ignore[attr-defined]
    history = await status_history(item.id)
    return choice, calendar, history


def _clock_inputs(
    item: FeedbackItem,
    choice: PolicyChoice,
    calendar: BusinessCalendar,
    history: list[StatusChange],
    now: datetime,
) -> dict[str, object]:
    """The keyword arguments compute_clock and explain_clock take, for a stored item."""
    return {
        "created_at": item.created_at,
        "history": history,
        "first_response_at": item.first_response_at,
        "resolved_at": item.resolved_at,
        "policy": choice.policy,
        "calendar": calendar,
        "now": now,
    }


async def explain_item_clock(
    item: FeedbackItem, now: datetime, fallback_timezone: str = "UTC"
) -> list[str]:
    """Why the item is due when it is: policy, calendar, pauses — for the item page."""
    choice, calendar, history = await _context(item, fallback_timezone)
    lines = [f"Target: {choice.source}. Calendar: {calendar.name} ({calendar.timezone})."]
    return lines + _explain_clock(**_clock_inputs(item, choice, calendar, history, now))  # type: ignore[arg-type]


async def refresh_targets(
    item: FeedbackItem, now: datetime, fallback_timezone: str = "UTC"
) -> TargetClock:
    """Recompute the item's clock and store due times and state (not a user change)."""
    choice, calendar, history = await _context(item, fallback_timezone)
    clock = _compute_clock(**_clock_inputs(item, choice, calendar, history, now))  # type: ignore[arg-type]
    warn_at = None
    if clock.next_due is not None and not clock.paused and clock.next_due_kind:
        target = choice.policy.target(clock.next_due_kind)
        remaining = target * choice.policy.warn_at - clock.business_time_used
        warn_at = calendar.add_business_time(now, remaining) if remaining > timedelta(0) else now
    fields = {
        **_outcome_figures(item, history, calendar, clock),
        "first_response_due": clock.first_response_due,
        "resolution_due": clock.resolution_due,
        "next_due": clock.next_due,
        "next_due_kind": clock.next_due_kind or "",
        "warn_at": warn_at,
        "sla_state": clock.state,
        "paused_seconds": int(clock.paused_for.total_seconds()),
    }
    await FeedbackItem.filter(id=item.id).update(**fields)
    for name, value in fields.items():
        setattr(item, name, value)
    return clock


def _outcome_figures(
    item: FeedbackItem, history: list[StatusChange], calendar: BusinessCalendar, clock: TargetClock
) -> dict[str, object]:
    """Business time to first response and to resolution, and whether each target was met."""

    def business_seconds(until: datetime | None) -> int | None:
        if until is None:
            return None
        used = elapsed_business_time(
            created_at=item.created_at, history=history, calendar=calendar, until=until
        )
        return int(used.total_seconds())

    return {
        "first_response_business_seconds": business_seconds(item.first_response_at),
        "resolution_business_seconds": business_seconds(item.resolved_at)
        if clock.resolution_met is not None and clock.resolution_due is None
        else None,
        "first_response_met": clock.first_response_met,
        "resolution_met": clock.resolution_met,
    }
