"""Business-hours calendars: the one clock that every response-time target is counted on.

A :class:`BusinessCalendar` knows a team's weekly opening hours in its own IANA time zone plus
its closed days (holidays). All datetimes it takes must be timezone-aware (any zone; naive ones
raise ``ValueError``) and every datetime it returns is in UTC.

Opening hours are local wall-clock times, so on a daylight-saving day a shop open 09:00-17:00
is still open from 09:00 to 17:00 local time. The rare wall-clock times that do not exist or
happen twice are resolved like this (only calendars with hours around 02:00 ever notice):

* a time inside a spring-forward gap (Berlin 2026-03-29 02:30) means the moment the clocks jump,
  so a day's intervals never overlap or run backwards;
* a time that happens twice (Berlin 2026-10-25 02:30) means its first occurrence.

Intervals are half-open ``[start, end)``: open at the opening minute, closed at the closing
minute. An interval cannot cross midnight; write ``fri 22:00-24:00; sat 00:00-06:00`` instead,
and the two halves are treated as one continuous opening.

**End of day.** ``datetime.time`` cannot hold 24:00, so an interval *end* of ``time(0, 0)``
means midnight at the end of that day (written ``24:00`` in a spec). ``time(23, 59, 59)`` was
not used because it would lose a second every day and make ``24/7`` calendars leak.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DAY_NAMES",
    "END_OF_DAY",
    "BusinessCalendar",
    "HoursSpecError",
    "Interval",
    "WeeklyHours",
    "as_utc",
]


class HoursSpecError(ValueError):
    """A business-hours spec that does not read.

    ``str(error)`` is for developers and logs (it names the clause); ``for_people`` says the
    same to a manager typing the hours into the settings page, with what to write instead.
    """

    def __init__(self, message: str, *, for_people: str) -> None:
        super().__init__(message)
        self.for_people = for_people


_EXAMPLE = "“mon-fri 09:00-17:00”"
Interval = tuple[time, time]
WeeklyHours = dict[int, tuple[Interval, ...]]

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
END_OF_DAY = time(0, 0)
"""As an interval *end*, ``time(0, 0)`` means midnight at the end of the day (``24:00``)."""

_FULL_DAY: tuple[Interval, ...] = ((time(0, 0), END_OF_DAY),)
_ALWAYS_OPEN_SPEC = "24/7"
_TIME_RE = re.compile(r"(\d{1,2}):(\d{2})")
_CLAUSE_RE = re.compile(r"(?P<days>[a-z][a-z,\-\s]*?)\s*:?\s*(?P<hours>\d.*)")


def _end_minutes(end: time) -> int:
    """Minutes after midnight of an interval end, with ``time(0, 0)`` counted as 24:00."""
    return 24 * 60 if end == END_OF_DAY else end.hour * 60 + end.minute


def _fmt_time(value: time, *, is_end: bool) -> str:
    if is_end and value == END_OF_DAY:
        return "24:00"
    if value.second or value.microsecond:
        return value.isoformat()
    return f"{value.hour:02d}:{value.minute:02d}"


def as_utc(value: datetime, what: str = "datetime") -> datetime:
    """Return ``value`` converted to UTC; ``ValueError`` if it is naive (``what`` names it)."""
    if not isinstance(value, datetime):
        raise TypeError(f"{what} must be a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got naive {value.isoformat()}")
    return value.astimezone(UTC)


@dataclass(frozen=True)
class BusinessCalendar:
    """Weekly opening hours in one time zone, minus holidays; or open around the clock.

    ``weekly_hours`` maps a weekday (0 = Monday .. 6 = Sunday) to its open intervals, e.g.
    ``{0: ((time(9), time(12)), (time(13), time(18)))}`` for a split shift; days left out are
    closed. An interval end of ``time(0, 0)`` means 24:00 (see the module docstring).

    ``holidays`` are local dates closed all day. They apply to ``always_open`` calendars too:
    ``always_open`` means "every day 00:00-24:00", so a 24/7 team can still close for,
    say, a company holiday; :meth:`twenty_four_seven` has none.

    The hours are normalised on construction (empty days dropped, intervals sorted), so two
    calendars with the same hours compare equal. Invalid hours raise ``ValueError``, and so
    does a calendar that is never open: every computation needs an opening to count towards.
    """

    name: str
    timezone: str
    weekly_hours: WeeklyHours = field(default_factory=dict)
    holidays: frozenset[date] = frozenset()
    always_open: bool = False

    def __post_init__(self) -> None:
        try:
            ZoneInfo(self.timezone)
        except (ZoneInfoNotFoundError, ValueError, TypeError) as exc:
            raise ValueError(
                f"calendar {self.name!r}: unknown time zone {self.timezone!r} "
                "(use an IANA name such as 'Europe/Berlin')"
            ) from exc
        object.__setattr__(self, "holidays", _normalise_holidays(self.holidays, self.name))
        if self.always_open:
            if any(self.weekly_hours.values()):
                raise ValueError(
                    f"calendar {self.name!r}: an always-open calendar takes no weekly hours"
                )
            object.__setattr__(self, "weekly_hours", {})
            return
        normalised = _normalise_hours(self.weekly_hours, self.name)
        if not normalised:
            raise ValueError(
                f"calendar {self.name!r} has no opening hours; give at least one interval "
                "(e.g. 'mon-fri 09:00-17:00') or use a 24/7 calendar"
            )
        object.__setattr__(self, "weekly_hours", normalised)

    def __hash__(self) -> int:
        return hash(
            (
                self.name,
                self.timezone,
                tuple(sorted(self.weekly_hours.items())),
                self.holidays,
                self.always_open,
            )
        )

    # -- construction ----------------------------------------------------------------------

    @classmethod
    def twenty_four_seven(cls, name: str = "24/7", timezone: str = "UTC") -> BusinessCalendar:
        """A calendar that is always open and has no holidays."""
        return cls(name=name, timezone=timezone, weekly_hours={}, always_open=True)

    @classmethod
    def from_spec(
        cls,
        name: str,
        timezone: str,
        spec: str,
        holidays: Iterable[date | str] = (),
    ) -> BusinessCalendar:
        """Parse a human spec such as ``"mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00"``.

        Clauses are separated by ``;`` or new lines. Each clause is a list of days (``mon``,
        ``monday``, ranges such as ``mon-fri`` or ``fri-mon`` that wrap past Sunday, joined by
        commas) followed by comma-separated ``HH:MM-HH:MM`` intervals; ``24:00`` may end an
        interval. A day named in two clauses gets both sets of intervals. The whole spec may
        instead be ``24/7``. Holidays are dates or ISO ``YYYY-MM-DD`` strings.

        Raises ``ValueError`` naming the offending clause on any bad input.
        """
        if not isinstance(spec, str) or not spec.strip():
            raise HoursSpecError(
                "empty business-hours spec; write e.g. 'mon-fri 09:00-17:00' or '24/7'",
                for_people=f"Enter the opening hours, such as {_EXAMPLE} or “24/7”.",
            )
        text = spec.strip().lower()
        if text == _ALWAYS_OPEN_SPEC:
            return cls(name=name, timezone=timezone, holidays=frozenset(holidays), always_open=True)
        hours: dict[int, list[Interval]] = {}
        for raw_clause in re.split(r"[;\n]", text):
            clause = raw_clause.strip()
            if not clause:
                continue
            if clause == _ALWAYS_OPEN_SPEC:
                raise HoursSpecError(
                    f"bad business-hours spec {spec!r}: '24/7' must be the whole spec",
                    for_people="“24/7” means always open, so write it alone, without other hours.",
                )
            for day, interval in _parse_clause(clause):
                hours.setdefault(day, []).append(interval)
        if not hours:
            raise HoursSpecError(
                f"bad business-hours spec {spec!r}: no opening hours found",
                for_people=f"Enter the opening hours, such as {_EXAMPLE} or “24/7”.",
            )
        weekly = {day: tuple(intervals) for day, intervals in hours.items()}
        try:
            return cls(
                name=name, timezone=timezone, weekly_hours=weekly, holidays=frozenset(holidays)
            )
        except HoursSpecError as exc:
            message = f"bad business-hours spec {spec!r}: {exc}"
            raise HoursSpecError(message, for_people=exc.for_people) from exc
        except ValueError as exc:
            raise ValueError(f"bad business-hours spec {spec!r}: {exc}") from exc

    def to_spec(self) -> str:
        """The hours as a spec that :meth:`from_spec` reads back (holidays are not included).

        Days with the same intervals are grouped, consecutive days written as ranges:
        ``"mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00"``.
        """
        if self.always_open:
            return _ALWAYS_OPEN_SPEC
        groups: dict[tuple[Interval, ...], list[int]] = {}
        for day in range(7):
            intervals = self.weekly_hours.get(day)
            if intervals:
                groups.setdefault(intervals, []).append(day)
        clauses = []
        for intervals, days in groups.items():
            hours = ",".join(
                f"{_fmt_time(start, is_end=False)}-{_fmt_time(end, is_end=True)}"
                for start, end in intervals
            )
            clauses.append(f"{_fmt_days(days)} {hours}")
        return "; ".join(clauses)

    # -- queries -----------------------------------------------------------------------------

    @property
    def tz(self) -> ZoneInfo:
        """The calendar's time zone."""
        return ZoneInfo(self.timezone)

    def is_open(self, at: datetime) -> bool:
        """Whether the calendar is open at ``at`` (opening minute open, closing minute closed)."""
        moment = as_utc(at, "at")
        start, _end = next(self._open_intervals(moment))
        return start <= moment

    def next_open(self, at: datetime) -> datetime:
        """``at`` itself (in UTC) if open then, otherwise the next opening moment."""
        moment = as_utc(at, "at")
        start, _end = next(self._open_intervals(moment))
        return max(start, moment)

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """The earliest moment by which ``duration`` of open time has passed since ``start``.

        Counting begins at ``start`` if open, else at the next opening. When the duration runs
        out exactly at a closing time the closing time is returned (Monday 17:00, not Tuesday
        09:00). A zero duration returns :meth:`next_open`. Negative durations raise
        ``ValueError``.
        """
        moment = as_utc(start, "start")
        if duration < timedelta(0):
            raise ValueError(f"duration must not be negative, got {duration}")
        if self.always_open and not self.holidays:
            return moment + duration
        remaining = duration
        for open_from, open_until in self._open_intervals(moment):
            begin = max(open_from, moment)
            available = open_until - begin
            if remaining <= available:
                return begin + remaining
            remaining -= available
        raise AssertionError("unreachable: _open_intervals never runs dry")  # pragma: no cover

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Open time within ``[start, end)``; zero when ``end <= start``."""
        begin = as_utc(start, "start")
        finish = as_utc(end, "end")
        if finish <= begin:
            return timedelta(0)
        if self.always_open and not self.holidays:
            return finish - begin
        total = timedelta(0)
        for open_from, open_until in self._open_intervals(begin):
            if open_from >= finish:
                break
            total += min(open_until, finish) - max(open_from, begin)
        return total

    # -- internals ---------------------------------------------------------------------------

    def _open_intervals(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """UTC open intervals, in order, from the one containing or following ``moment``.

        Touching intervals (a 24/7 week, or ``22:00-24:00`` then ``00:00-06:00``) come out as
        separate pieces that meet exactly; callers treat them as one continuous opening.
        The generator is endless for a valid calendar; as a guard against a loop that never
        finds an opening it raises ``ValueError`` after two closed weeks past the last holiday.
        """
        tz = self.tz
        hours = {day: _FULL_DAY for day in range(7)} if self.always_open else self.weekly_hours
        last_holiday = max(self.holidays, default=date.min)
        # Start a day early: an interval of the previous local day can end after `moment`.
        day = moment.astimezone(tz).date() - timedelta(days=1)
        closed_days = 0
        while True:
            found = False
            if day not in self.holidays:
                for start_t, end_t in hours.get(day.weekday(), ()):
                    start = _local_to_utc(datetime.combine(day, start_t), tz)
                    end_day = day + timedelta(days=1) if end_t == END_OF_DAY else day
                    end = _local_to_utc(datetime.combine(end_day, end_t), tz)
                    # end <= start only for an interval swallowed by a spring-forward gap.
                    if end <= start or end <= moment:
                        continue
                    found = True
                    yield start, end
            # Past the last holiday every week of a valid calendar has an opening.
            closed_days = 0 if found or day <= last_holiday else closed_days + 1
            if closed_days > 14:
                raise ValueError(f"calendar {self.name!r} never opens after {moment.isoformat()}")
            day += timedelta(days=1)


def _local_to_utc(wall: datetime, tz: ZoneInfo) -> datetime:
    """Convert a naive local wall time to UTC (first occurrence; gap times -> the jump)."""
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first
    # `wall` falls in a spring-forward gap. fold=0 and fold=1 land either side of the jump;
    # bisect (to the second) for the instant where the offset changes.
    other = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    low, high = min(first, other), max(first, other)
    before = low.astimezone(tz).utcoffset()
    while high - low > timedelta(seconds=1):
        middle = low + (high - low) / 2
        if middle.astimezone(tz).utcoffset() == before:
            low = middle
        else:
            high = middle
    # Transitions fall on whole seconds and low < jump <= high < low + 1s: flooring finds it.
    return high.replace(microsecond=0)


def _normalise_holidays(holidays: Iterable[date | str], name: str) -> frozenset[date]:
    result = set()
    for holiday in holidays:
        if isinstance(holiday, datetime):
            raise ValueError(f"calendar {name!r}: holiday {holiday!r} must be a date, not a time")
        if isinstance(holiday, date):
            result.add(holiday)
        elif isinstance(holiday, str):
            try:
                result.add(date.fromisoformat(holiday.strip()))
            except ValueError as exc:
                raise ValueError(
                    f"calendar {name!r}: bad holiday {holiday!r}, expected YYYY-MM-DD"
                ) from exc
        else:
            raise ValueError(f"calendar {name!r}: bad holiday {holiday!r}, expected a date")
    return frozenset(result)


def _normalise_hours(weekly_hours: WeeklyHours, name: str) -> WeeklyHours:
    """Validate weekly hours; return them with empty days dropped and intervals sorted."""
    result: WeeklyHours = {}
    for day, intervals in weekly_hours.items():
        if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
            raise ValueError(f"calendar {name!r}: weekday must be 0 (Mon) .. 6 (Sun), got {day!r}")
        checked = []
        for interval in intervals:
            try:
                start, end = interval
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"calendar {name!r}: {DAY_NAMES[day]} interval {interval!r} must be a "
                    "(start, end) pair of times"
                ) from exc
            if not isinstance(start, time) or not isinstance(end, time):
                raise ValueError(
                    f"calendar {name!r}: {DAY_NAMES[day]} interval {interval!r} must be times"
                )
            if start.tzinfo is not None or end.tzinfo is not None:
                raise ValueError(
                    f"calendar {name!r}: opening hours are local wall-clock times; "
                    "give them without a tzinfo"
                )
            if _end_key(end) <= _start_key(start):
                raise ValueError(
                    f"calendar {name!r}: {DAY_NAMES[day]} interval "
                    f"{_fmt_time(start, is_end=False)}-{_fmt_time(end, is_end=True)} "
                    "must end after it starts (split intervals that cross midnight)"
                )
            checked.append((start, end))
        checked.sort(key=lambda pair: _start_key(pair[0]))
        for (_s1, e1), (s2, e2) in zip(checked, checked[1:], strict=False):
            if _start_key(s2) < _end_key(e1):
                where = f"{_fmt_time(s2, is_end=False)}-{_fmt_time(e2, is_end=True)}"
                raise HoursSpecError(
                    f"calendar {name!r}: {DAY_NAMES[day]} intervals overlap around {where}",
                    for_people=f"On {_full_day(day).capitalize()}s two ranges overlap around "
                    f"{where}: give each hour once, such as “mon 09:00-12:00,13:00-17:00”.",
                )
        if checked:
            result[day] = tuple(checked)
    return dict(sorted(result.items()))


def _start_key(value: time) -> tuple[int, int, int, int]:
    return (value.hour, value.minute, value.second, value.microsecond)


def _end_key(value: time) -> tuple[int, int, int, int]:
    return (24, 0, 0, 0) if value == END_OF_DAY else _start_key(value)


def _parse_clause(clause: str) -> list[tuple[int, Interval]]:
    match = _CLAUSE_RE.fullmatch(clause)
    if match is None:
        raise HoursSpecError(
            f"bad business-hours clause {clause!r}: expected days then hours, "
            "e.g. 'mon-fri 09:00-17:00'",
            for_people=f"“{clause}” should be days then hours, such as {_EXAMPLE}.",
        )
    days = _parse_days(match["days"], clause)
    intervals = [_parse_interval(part, clause, days) for part in match["hours"].split(",")]
    return [(day, interval) for day in days for interval in intervals]


def _parse_day(token: str, clause: str) -> int:
    word = token.strip()
    for index in range(7):
        if len(word) >= 3 and _full_day(index).startswith(word):
            return index
    raise HoursSpecError(
        f"bad business-hours clause {clause!r}: unknown day {word!r} (use {', '.join(DAY_NAMES)})",
        for_people=f"“{word}” is not a day: write {', '.join(DAY_NAMES)} (or the full names), "
        f"such as {_EXAMPLE}.",
    )


def _full_day(index: int) -> str:
    return ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")[index]


def _parse_days(text: str, clause: str) -> list[int]:
    days: list[int] = []
    for part in text.split(","):
        if not part.strip():
            raise HoursSpecError(
                f"bad business-hours clause {clause!r}: empty day in the day list",
                for_people=f"“{clause}” has an empty day in its list: separate days with one "
                "comma, such as “mon,wed,fri 09:00-17:00”.",
            )
        if "-" in part:
            first, _, last = part.partition("-")
            begin, end = _parse_day(first, clause), _parse_day(last, clause)
            span = (end - begin) % 7  # ranges may wrap past Sunday: fri-mon
            days.extend((begin + offset) % 7 for offset in range(span + 1))
        else:
            days.append(_parse_day(part, clause))
    return list(dict.fromkeys(days))


def _parse_interval(text: str, clause: str, days: list[int]) -> Interval:
    start_text, sep, end_text = text.strip().partition("-")
    if not sep:
        raise HoursSpecError(
            f"bad business-hours clause {clause!r}: interval {text.strip()!r} "
            "should look like 09:00-17:00",
            for_people=f"“{text.strip()}” should be a range of hours, such as 09:00-17:00.",
        )
    start = _parse_time(start_text, clause, is_end=False)
    end = _parse_time(end_text, clause, is_end=True)
    if _end_key(end) <= _start_key(start):
        raise HoursSpecError(
            f"bad business-hours clause {clause!r}: interval {text.strip()!r} must end after it "
            "starts (split intervals that cross midnight: 'fri 22:00-24:00; sat 00:00-02:00')",
            for_people=_backwards_advice(start, end, days),
        )
    return (start, end)


def _backwards_advice(start: time, end: time, days: list[int]) -> str:
    """What to write instead of a range that ends before it starts (or where it starts)."""
    opens, closes = _fmt_time(start, is_end=False), _fmt_time(end, is_end=True)
    if start == end:
        return (
            f"{opens}–{closes} starts and ends at the same time: for a whole day write 00:00-24:00."
        )
    next_days = [(day + 1) % 7 for day in days]
    split = f"{_fmt_day_run(days)} {opens}-24:00; {_fmt_day_run(next_days)} 00:00-{closes}"
    return (
        f"{opens}–{closes} ends before it starts: for hours past midnight write two ranges, "
        f"the second on the next day: “{split}”."
    )


def _parse_time(text: str, clause: str, *, is_end: bool) -> time:
    match = _TIME_RE.fullmatch(text.strip())
    if match is None:
        raise HoursSpecError(
            f"bad business-hours clause {clause!r}: bad time {text.strip()!r}, expected HH:MM",
            for_people=f"“{text.strip()}” is not a time: write hours and minutes, such as 09:00.",
        )
    hour, minute = int(match[1]), int(match[2])
    if hour == 24 and minute == 0:
        if not is_end:
            raise HoursSpecError(
                f"bad business-hours clause {clause!r}: 24:00 can only end an interval",
                for_people="24:00 (midnight at the end of the day) can only end a range: to "
                "start at midnight write 00:00.",
            )
        return END_OF_DAY
    if hour > 23 or minute > 59:
        raise HoursSpecError(
            f"bad business-hours clause {clause!r}: no such time {text.strip()!r}",
            for_people=f"“{text.strip()}” is not a time of day: use 00:00 to 23:59, or 24:00 "
            "to close at midnight.",
        )
    if is_end and hour == 0 and minute == 0:
        return END_OF_DAY  # '00:00' as an end can only mean midnight at the end of the day
    return time(hour, minute)


def _fmt_day_run(days: list[int]) -> str:
    """Days in the order they were written: ``[4, 5, 6, 0]`` -> ``"fri-mon"`` (a run that
    wraps past Sunday stays one range), anything else as :func:`_fmt_days` writes it."""
    if len(days) > 1 and all((b - a) % 7 == 1 for a, b in zip(days, days[1:], strict=False)):
        return f"{DAY_NAMES[days[0]]}-{DAY_NAMES[days[-1]]}"
    return _fmt_days(sorted(days))


def _fmt_days(days: list[int]) -> str:
    """``[0, 1, 2, 3, 4, 6]`` -> ``"mon-fri,sun"``."""
    runs: list[list[int]] = []
    for day in days:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(
        DAY_NAMES[run[0]] if len(run) == 1 else f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}"
        for run in runs
    )
