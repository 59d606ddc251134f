"""Response-time targets, computed as pure functions over an item's status history.

Every item has two targets, counted in open business time of its team's calendar:

* **first response** - until the first public staff reply;
* **resolution** - until the item is resolved (or closed).

The rules, in one place:

* Only business time counts, and only while the item is *running*: status ``new``,
  ``assigned`` or ``in_progress``. While it is ``waiting_on_customer`` the clocks are paused,
  so each due time moves later by exactly the business time spent waiting.
* A target is **met** when it stops at or before its due moment (a reply on the due minute is
  met) and **missed** when it stops later. An open target is **breached** once ``now`` is
  strictly after its due moment, and **at risk** once ``warn_at`` of it is used up.
* Resolving or closing an item stops both clocks. An item closed without any public reply
  has its first-response clock stopped at that moment too: the resolution is the answer the
  customer gets, and closing late still counts as late.
* **Reopening** (any status other than ``closed`` after ``resolved``/``closed``) restarts the
  clocks *where they stopped*: business time used before the resolution is kept, the time the
  item spent resolved does not count, and the due times move later by that time.
* Due times are computed from the history alone, so ``now`` may be any moment: events after
  ``now`` (history rows, replies, resolutions) are ignored, which shows an item as it was.

While an item is paused there is no fixed due moment; the clock reports the due moment as if
the customer replied ``now``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import MappingProxyType

from triage.calendar import BusinessCalendar, as_utc

__all__ = [
    "DEFAULT_POLICIES",
    "DONE_STATUSES",
    "PAUSED_STATUSES",
    "RUNNING_STATUSES",
    "STATUSES",
    "StatusChange",
    "TargetClock",
    "TargetPolicy",
    "compute_clock",
    "elapsed_business_time",
    "explain_clock",
    "format_duration",
    "policy_for",
]

RUNNING_STATUSES = ("new", "assigned", "in_progress")
PAUSED_STATUSES = ("waiting_on_customer",)
DONE_STATUSES = ("resolved", "closed")
STATUSES = RUNNING_STATUSES + PAUSED_STATUSES + DONE_STATUSES

FIRST_RESPONSE = "first_response"
RESOLUTION = "resolution"


@dataclass(frozen=True)
class TargetPolicy:
    """How much business time an item may take, and when to warn.

    ``warn_at`` is the fraction of a target after which an open item is ``at_risk``.
    """

    first_response: timedelta
    resolution: timedelta
    warn_at: float = 0.75

    def __post_init__(self) -> None:
        if self.first_response <= timedelta(0) or self.resolution <= timedelta(0):
            raise ValueError("target durations must be positive")
        if not 0 < self.warn_at <= 1:
            raise ValueError(f"warn_at must be in (0, 1], got {self.warn_at}")

    def target(self, kind: str) -> timedelta:
        """The duration of the ``"first_response"`` or ``"resolution"`` target."""
        if kind == FIRST_RESPONSE:
            return self.first_response
        if kind == RESOLUTION:
            return self.resolution
        raise ValueError(f"unknown target kind {kind!r}")


def _hours(value: float) -> timedelta:
    return timedelta(hours=value)


DEFAULT_POLICIES: Mapping[str, TargetPolicy] = MappingProxyType(
    {
        # Business hours on an 8-hour working day (a 24/7 calendar makes them wall hours).
        # urgent: reply within the hour, fixed within one business day.
        "urgent": TargetPolicy(first_response=_hours(1), resolution=_hours(8)),
        # high: reply within half a day, fixed within two days.
        "high": TargetPolicy(first_response=_hours(4), resolution=_hours(16)),
        # normal: reply within a business day, fixed within a working week.
        "normal": TargetPolicy(first_response=_hours(8), resolution=_hours(40)),
        # low (praise, most suggestions): reply within two days, closed within two weeks.
        "low": TargetPolicy(first_response=_hours(16), resolution=_hours(80)),
    }
)
"""Default targets by priority; read-only, copy it with ``dict(...)`` to configure."""


def policy_for(
    priority: str, policies: Mapping[str, TargetPolicy] = DEFAULT_POLICIES
) -> TargetPolicy:
    """The policy for a priority; ``ValueError`` naming the known ones if it has none."""
    try:
        return policies[priority]
    except KeyError:
        known = ", ".join(policies)
        raise ValueError(f"no target policy for priority {priority!r} (known: {known})") from None


@dataclass(frozen=True)
class StatusChange:
    """One row of an item's status audit trail (the status it changed *to*), oldest first."""

    at: datetime
    status: str


@dataclass(frozen=True)
class TargetClock:
    """Where an item stands against its targets at ``now``.

    ``state`` is ``"ok"``, ``"at_risk"``, ``"breached"`` or ``"paused"`` while a target is
    open (breached wins over paused), ``"met"`` or ``"missed"`` once both have stopped.
    ``first_response_met``/``resolution_met`` are ``None`` while the outcome is still open and
    ``False`` as soon as the target is breached, even before it stops.
    """

    first_response_due: datetime | None
    resolution_due: datetime | None
    next_due: datetime | None
    next_due_kind: str | None
    state: str
    paused: bool
    paused_for: timedelta
    business_time_used: timedelta
    first_response_met: bool | None
    resolution_met: bool | None


@dataclass(frozen=True)
class _Segment:
    """A stretch of time ``[start, end)`` spent in one status (``end`` is at most ``now``)."""

    start: datetime
    end: datetime
    status: str


@dataclass(frozen=True)
class _Target:
    """One target's run: business time used until it stopped (or ``now``) and its due moment."""

    kind: str
    target: timedelta
    used: timedelta
    due: datetime
    stopped_at: datetime | None
    paused_for: timedelta  # wall time spent waiting on the customer before it stopped

    @property
    def is_open(self) -> bool:
        return self.stopped_at is None

    def met(self, now: datetime) -> bool | None:
        if self.stopped_at is not None:
            return self.stopped_at <= self.due
        return False if now > self.due else None


@dataclass(frozen=True)
class _Analysis:
    now: datetime
    created_at: datetime
    segments: tuple[_Segment, ...]
    first_response: _Target
    resolution: _Target
    answered_at: datetime | None
    warn_at: float


def _timeline(
    created_at: datetime, history: Sequence[StatusChange], now: datetime
) -> tuple[_Segment, ...]:
    """The item's statuses from creation to ``now`` as touching segments.

    The item starts ``new``; a row at or before ``created_at`` sets its first status instead.
    Rows after ``now`` are ignored, rows with the same moment keep their given order.
    """
    changes = []
    for index, change in enumerate(history):
        if change.status not in STATUSES:
            raise ValueError(
                f"unknown status {change.status!r} in history (known: {', '.join(STATUSES)})"
            )
        at = max(as_utc(change.at, "history time"), created_at)
        if at <= now:
            changes.append((at, index, change.status))
    changes.sort()
    segments: list[_Segment] = []
    start, status = created_at, "new"
    for at, _index, new_status in changes:
        if at > start:
            segments.append(_Segment(start, at, status))
            start = at
        status = new_status
    segments.append(_Segment(start, now, status))
    return tuple(segments)


def _done_at(
    segments: Sequence[_Segment], resolved_at: datetime | None, now: datetime
) -> datetime | None:
    """When the item's current resolution happened, or ``None`` while it is open.

    ``resolved_at`` wins unless the history shows the item reopened after it; with no
    ``resolved_at`` a history that ends resolved/closed gives the start of that last run.
    """
    if resolved_at is not None and resolved_at <= now:
        reopened = any(
            seg.status not in DONE_STATUSES for seg in segments if seg.start > resolved_at
        )
        if not reopened:
            return resolved_at
    if segments[-1].status not in DONE_STATUSES:
        return None
    done_at = segments[-1].start
    for seg in reversed(segments):
        if seg.status not in DONE_STATUSES:
            break
        done_at = seg.start
    return done_at


def _run_target(
    kind: str,
    target: timedelta,
    segments: Sequence[_Segment],
    stop: datetime | None,
    now: datetime,
    calendar: BusinessCalendar,
) -> _Target:
    """Count business time over running segments until ``stop`` (or ``now``); find the due."""
    until = stop if stop is not None else now
    used = timedelta(0)
    paused_for = timedelta(0)
    due: datetime | None = None
    for seg in segments:
        if seg.start >= until:
            break
        end = min(seg.end, until)
        if seg.status in PAUSED_STATUSES:
            paused_for += end - seg.start
        if seg.status not in RUNNING_STATUSES:
            continue
        span = calendar.business_time_between(seg.start, end)
        if due is None and used + span >= target:
            due = calendar.add_business_time(seg.start, target - used)
        used += span
    if due is None:
        # Not used up yet: the remaining time runs from `until` (for a paused item: from now,
        # as if the customer replied now).
        due = calendar.add_business_time(until, target - used)
    return _Target(kind, target, used, due, stop, paused_for)


def _analyse(
    *,
    created_at: datetime,
    history: Sequence[StatusChange],
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    policy: TargetPolicy,
    calendar: BusinessCalendar,
    now: datetime,
) -> _Analysis:
    created = as_utc(created_at, "created_at")
    # A `now` a moment before creation (clock skew between servers) reads as creation time.
    current = max(as_utc(now, "now"), created)
    answered = _clamp(first_response_at, "first_response_at", created, current)
    resolved = _clamp(resolved_at, "resolved_at", created, current)
    segments = _timeline(created, history, current)
    done_at = _done_at(segments, resolved, current)
    first_stop = min((t for t in (answered, done_at) if t is not None), default=None)
    return _Analysis(
        now=current,
        created_at=created,
        segments=segments,
        first_response=_run_target(
            FIRST_RESPONSE, policy.first_response, segments, first_stop, current, calendar
        ),
        resolution=_run_target(RESOLUTION, policy.resolution, segments, done_at, current, calendar),
        answered_at=answered,
        warn_at=policy.warn_at,
    )


def _clamp(value: datetime | None, what: str, created: datetime, now: datetime) -> datetime | None:
    """``value`` in UTC, no earlier than creation; ``None`` if missing or after ``now``."""
    if value is None:
        return None
    moment = as_utc(value, what)
    return None if moment > now else max(moment, created)


def compute_clock(
    *,
    created_at: datetime,
    history: Sequence[StatusChange],
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    policy: TargetPolicy,
    calendar: BusinessCalendar,
    now: datetime,
) -> TargetClock:
    """Where an item stands against its first-response and resolution targets at ``now``.

    ``history`` is the status trail (oldest first; an initial ``new`` row is optional).
    ``resolved_at`` is the moment of the item's current resolution (``None`` while open; a
    stale value is ignored when the history shows the item reopened after it). All datetimes
    must be timezone-aware; the returned ones are UTC. See the module docstring for the rules.
    """
    return _clock(
        _analyse(
            created_at=created_at,
            history=history,
            first_response_at=first_response_at,
            resolved_at=resolved_at,
            policy=policy,
            calendar=calendar,
            now=now,
        )
    )


def _clock(analysis: _Analysis) -> TargetClock:
    now_utc = analysis.now
    first, resolution = analysis.first_response, analysis.resolution
    open_targets = [t for t in (first, resolution) if t.is_open]
    paused = bool(open_targets) and analysis.segments[-1].status in PAUSED_STATUSES
    next_target = min(open_targets, key=lambda t: t.due, default=None)
    if not open_targets:
        state = "met" if first.met(now_utc) and resolution.met(now_utc) else "missed"
    elif any(now_utc > t.due for t in open_targets):
        state = "breached"
    elif paused:
        state = "paused"
    elif any(_at_risk(t, analysis.warn_at) for t in open_targets):
        state = "at_risk"
    else:
        state = "ok"
    return TargetClock(
        first_response_due=first.due if first.is_open else None,
        resolution_due=resolution.due if resolution.is_open else None,
        next_due=next_target.due if next_target else None,
        next_due_kind=next_target.kind if next_target else None,
        state=state,
        paused=paused,
        paused_for=sum(
            (s.end - s.start for s in analysis.segments if s.status in PAUSED_STATUSES),
            timedelta(0),
        ),
        business_time_used=(next_target or resolution).used,
        first_response_met=first.met(now_utc),
        resolution_met=resolution.met(now_utc),
    )


def elapsed_business_time(
    *,
    created_at: datetime,
    history: Sequence[StatusChange],
    calendar: BusinessCalendar,
    until: datetime,
) -> timedelta:
    """Business time the item's clock ran between creation and ``until``.

    Counts only running statuses (not waiting on the customer, not resolved/closed), exactly
    as the targets do; useful for reports such as "average business time to resolution".
    """
    created = as_utc(created_at, "created_at")
    end = max(as_utc(until, "until"), created)
    return sum(
        (
            calendar.business_time_between(seg.start, seg.end)
            for seg in _timeline(created, history, end)
            if seg.status in RUNNING_STATUSES
        ),
        timedelta(0),
    )


def explain_clock(
    *,
    created_at: datetime,
    history: Sequence[StatusChange],
    first_response_at: datetime | None,
    resolved_at: datetime | None,
    policy: TargetPolicy,
    calendar: BusinessCalendar,
    now: datetime,
) -> list[str]:
    """Human-readable lines explaining how the due times were computed, for managers.

    Takes the same arguments as :func:`compute_clock`. Times are shown in the calendar's
    local time. One line each for creation, the business hours, every wait on the customer,
    every reopening, each target and the state, e.g. ``"First response: target 8 business
    hours, paused 2h 05m while waiting on the customer, 5h 45m used, due Tue 3 Mar 11:15 -
    2h 15m left."``
    """
    analysis = _analyse(
        created_at=created_at,
        history=history,
        first_response_at=first_response_at,
        resolved_at=resolved_at,
        policy=policy,
        calendar=calendar,
        now=now,
    )
    clock = _clock(analysis)

    def when(moment: datetime) -> str:
        return _format_moment(moment, calendar)

    lines = [
        f"Created {when(analysis.created_at)}; times are {calendar.timezone} local time.",
        f"Business hours ({calendar.name}): {_describe_hours(calendar)}.",
    ]
    segments = analysis.segments
    for index, seg in enumerate(segments):
        if seg.status in PAUSED_STATUSES:
            business = calendar.business_time_between(seg.start, seg.end)
            if index == len(segments) - 1:
                lines.append(
                    f"Waiting on the customer since {when(seg.start)} "
                    f"({format_duration(seg.end - seg.start, days=True)} so far): "
                    "the clocks are paused."
                )
            else:
                lines.append(
                    f"Waiting on the customer {when(seg.start)} to {when(seg.end)} "
                    f"({format_duration(seg.end - seg.start, days=True)}, "
                    f"{format_duration(business)} of business time): the clocks were paused."
                )
        elif seg.status in DONE_STATUSES and index < len(segments) - 1:
            following = segments[index + 1]
            if following.status not in DONE_STATUSES:
                first_done = index
                while first_done > 0 and segments[first_done - 1].status in DONE_STATUSES:
                    first_done -= 1
                done = segments[first_done]
                lines.append(
                    f"{done.status.capitalize()} {when(done.start)}, reopened "
                    f"{when(following.start)}: the clocks continued where they stopped."
                )
    lines.append(_explain_target("First response", analysis.first_response, analysis, when))
    lines.append(_explain_target("Resolution", analysis.resolution, analysis, when))
    lines.append(f"State at {when(analysis.now)}: {clock.state.replace('_', ' ')}.")
    return lines


def _explain_target(label: str, target: _Target, analysis: _Analysis, when: _When) -> str:
    parts = [f"{label}: target {_describe_target(target.target)}"]
    if target.paused_for:
        parts.append(
            f"paused {format_duration(target.paused_for, days=True)} while waiting on the customer"
        )
    parts.append(f"{format_duration(target.used)} used")
    now = analysis.now
    if target.stopped_at is not None:
        if target.kind == FIRST_RESPONSE and analysis.answered_at == target.stopped_at:
            event = f"answered {when(target.stopped_at)}"
        elif target.kind == FIRST_RESPONSE:
            event = f"resolved without a public reply {when(target.stopped_at)}"
        else:
            event = f"resolved {when(target.stopped_at)}"
        if target.stopped_at <= target.due:
            outcome = "met"
        else:
            outcome = f"missed by {format_duration(target.stopped_at - target.due, days=True)}"
        return f"{', '.join(parts)}, due {when(target.due)} - {event}, {outcome}."
    if now > target.due:
        status = f"breached {format_duration(now - target.due, days=True)} ago"
    elif analysis.segments[-1].status in PAUSED_STATUSES:
        return f"{', '.join(parts)}, due {when(target.due)} if the customer replied now - paused."
    elif _at_risk(target, analysis.warn_at):
        status = f"at risk, {format_duration(target.target - target.used)} left"
    else:
        status = f"{format_duration(target.target - target.used)} left"
    return f"{', '.join(parts)}, due {when(target.due)} - {status}."


def _at_risk(target: _Target, warn_at: float) -> bool:
    return target.used >= target.target * warn_at


_When = Callable[[datetime], str]
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _format_moment(moment: datetime, calendar: BusinessCalendar) -> str:
    """``"Mon 2 Mar 09:10"`` in the calendar's local time (fixed English, locale-independent)."""
    local = moment.astimezone(calendar.tz)
    return f"{_DAYS[local.weekday()]} {local.day} {_MONTHS[local.month - 1]} {local:%H:%M}"


def _describe_hours(calendar: BusinessCalendar) -> str:
    text = "open 24/7" if calendar.always_open else calendar.to_spec()
    if calendar.holidays:
        count = len(calendar.holidays)
        text += f", closed on {count} holiday{'s' if count != 1 else ''}"
    return text


def _describe_target(target: timedelta) -> str:
    """``"8 business hours"``, ``"1 business hour"``, ``"1h 30m of business time"``."""
    hours, rest = divmod(target, timedelta(hours=1))
    if not rest:
        return f"{hours} business hour{'s' if hours != 1 else ''}"
    return f"{format_duration(target)} of business time"


def format_duration(value: timedelta, *, days: bool = False) -> str:
    """A short duration such as ``"2h 05m"``, ``"45m"`` or ``"3h"``; whole minutes, floored.

    With ``days=True`` (for wall time) whole days are split off: ``"2d 4h 05m"``. Business
    time keeps hours (``"40h"``), since a business day is not 24 hours.
    """
    sign = "-" if value < timedelta(0) else ""
    hours, minutes = divmod(abs(value) // timedelta(minutes=1), 60)
    whole_days, hours = divmod(hours, 24) if days else (0, hours)
    parts = [f"{whole_days}d"] if whole_days else []
    if hours:
        parts.append(f"{hours}h")
    if minutes or not parts:
        parts.append(f"{minutes:02d}m" if parts else f"{minutes}m")
    return sign + " ".join(parts)
