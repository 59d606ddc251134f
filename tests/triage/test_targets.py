"""Response-time targets computed from an item's history, with an explicit ``now``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from triage.calendar import BusinessCalendar
from triage.targets import (
    DEFAULT_POLICIES,
    StatusChange,
    TargetClock,
    TargetPolicy,
    compute_clock,
    elapsed_business_time,
    explain_clock,
    format_duration,
    policy_for,
)

BERLIN = BusinessCalendar.from_spec(
    "Support DE",
    "Europe/Berlin",
    "mon-fri 09:00-17:00",
    holidays=(date(2026, 4, 3), date(2026, 4, 6)),  # Good Friday, Easter Monday
)
SPLIT = BusinessCalendar.from_spec("Shop", "Europe/Berlin", "mon-fri 09:00-12:00,13:00-18:00")
TOKYO = BusinessCalendar.from_spec("Support JP", "Asia/Tokyo", "mon-fri 09:00-18:00")
NEW_YORK = BusinessCalendar.from_spec("Support US", "America/New_York", "mon-fri 09:00-17:00")
ALWAYS = BusinessCalendar.twenty_four_seven()
CALENDARS = {
    "berlin": BERLIN,
    "split": SPLIT,
    "tokyo": TOKYO,
    "new_york": NEW_YORK,
    "always": ALWAYS,
}
NORMAL = DEFAULT_POLICIES["normal"]  # 8h first response, 40h resolution

# Berlin is UTC+1 until 2026-03-29, so Monday 2 March 09:00 local is 08:00 UTC.
MON_0900 = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


def changes(*rows: tuple[datetime, str]) -> list[StatusChange]:
    return [StatusChange(at, status) for at, status in rows]


def clock(
    *,
    created_at: datetime = MON_0900,
    history: list[StatusChange] | None = None,
    first_response_at: datetime | None = None,
    resolved_at: datetime | None = None,
    policy: TargetPolicy = NORMAL,
    calendar: BusinessCalendar = BERLIN,
    now: datetime,
) -> TargetClock:
    return compute_clock(
        created_at=created_at,
        history=history or [],
        first_response_at=first_response_at,
        resolved_at=resolved_at,
        policy=policy,
        calendar=calendar,
        now=now,
    )


# -- due times -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("calendar", "priority", "created_at", "first_due", "resolution_due"),
    [
        # weekend: Fri 15:00 CET, 8h -> 2h Friday + 6h Monday; 40h -> following Friday 15:00
        ("berlin", "normal", utc(2026, 3, 6, 14), utc(2026, 3, 9, 14), utc(2026, 3, 13, 14)),
        # lunch break: Mon 11:00 CET, 4h -> 1h, lunch, 3h = 16:00; 16h -> Wed 11:00
        ("split", "high", utc(2026, 3, 2, 10), utc(2026, 3, 2, 15), utc(2026, 3, 4, 10)),
        # holiday: Thu 2 Apr 16:00 CEST, 8h -> 1h Thursday, Easter closed, 7h Tue 7 Apr;
        # 40h -> 1h + Tue-Fri 32h + 7h on Mon 13 Apr
        ("berlin", "normal", utc(2026, 4, 2, 14), utc(2026, 4, 7, 14), utc(2026, 4, 13, 14)),
        # time zone: Sunday 22:00 UTC is Monday 07:00 in Tokyo; the clock starts 09:00 JST
        ("tokyo", "urgent", utc(2026, 3, 1, 22), utc(2026, 3, 2, 1), utc(2026, 3, 2, 8)),
        # Fri 17:30 JST (08:30 UTC): 30m Friday, the rest from Monday 09:00 JST
        ("tokyo", "urgent", utc(2026, 3, 6, 8, 30), utc(2026, 3, 9, 0, 30), utc(2026, 3, 9, 7, 30)),
        # Tuesday 03:00 UTC is Monday 22:00 in New York: the clock starts Tue 09:00 EST
        ("new_york", "urgent", utc(2026, 3, 3, 3), utc(2026, 3, 3, 15), utc(2026, 3, 3, 22)),
        # DST spring, Berlin: Fri 27 Mar 13:00 CET, 8h -> Mon 30 Mar 13:00 CEST (11:00 UTC);
        # 40h -> 4h + Mon-Thu 32h, Easter closed, 4h on Tue 7 Apr -> 13:00 CEST
        ("berlin", "normal", utc(2026, 3, 27, 12), utc(2026, 3, 30, 11), utc(2026, 4, 7, 11)),
        # DST spring, New York: Fri 6 Mar 16:00 EST, 4h -> Mon 9 Mar 12:00 EDT (16:00 UTC)
        ("new_york", "high", utc(2026, 3, 6, 21), utc(2026, 3, 9, 16), utc(2026, 3, 10, 20)),
        # DST autumn, Berlin: Fri 23 Oct 16:00 CEST, 1h -> 17:00 CEST; 8h -> Mon 16:00 CET
        ("berlin", "urgent", utc(2026, 10, 23, 14), utc(2026, 10, 23, 15), utc(2026, 10, 26, 15)),
        # 24/7: wall-clock hours
        ("always", "urgent", utc(2026, 3, 6, 22), utc(2026, 3, 6, 23), utc(2026, 3, 7, 6)),
        ("always", "low", utc(2026, 3, 6, 22), utc(2026, 3, 7, 14), utc(2026, 3, 10, 6)),
    ],
)
def test_it_computes_due_times_in_business_time(
    calendar: str,
    priority: str,
    created_at: datetime,
    first_due: datetime,
    resolution_due: datetime,
) -> None:
    result = clock(
        created_at=created_at,
        policy=DEFAULT_POLICIES[priority],
        calendar=CALENDARS[calendar],
        now=created_at,
    )
    assert result.first_response_due == first_due
    assert result.resolution_due == resolution_due
    assert (result.next_due, result.next_due_kind) == (first_due, "first_response")
    assert result.state == "ok"
    assert result.business_time_used == timedelta(0)


# -- pause / resume ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("waits", "now", "first_due", "paused_for", "used"),
    [
        # no pause: Mon 09:00 + 8h = Mon 17:00 CET
        ((), utc(2026, 3, 2, 12), utc(2026, 3, 2, 16), timedelta(0), hours(4)),
        # waiting 10:00-12:05 (2h05m): due moves 2h05m later, to Tue 11:05
        (
            ((utc(2026, 3, 2, 9), utc(2026, 3, 2, 11, 5)),),
            utc(2026, 3, 2, 12),
            utc(2026, 3, 3, 10, 5),
            hours(2) + timedelta(minutes=5),
            hours(1) + timedelta(minutes=55),
        ),
        # waiting Mon 16:00 - Tue 10:00: 18h of wall time but only 2h of business time
        (
            ((utc(2026, 3, 2, 15), utc(2026, 3, 3, 9)),),
            utc(2026, 3, 3, 9, 30),
            utc(2026, 3, 3, 10),
            hours(18),
            hours(7.5),
        ),
        # two waits: 1h + 30m of business time
        (
            (
                (utc(2026, 3, 2, 9), utc(2026, 3, 2, 10)),
                (utc(2026, 3, 2, 13), utc(2026, 3, 2, 13, 30)),
            ),
            utc(2026, 3, 2, 14),
            utc(2026, 3, 3, 9, 30),
            hours(1.5),
            hours(4.5),
        ),
    ],
)
def test_it_pauses_while_waiting_on_the_customer(
    waits: tuple[tuple[datetime, datetime], ...],
    now: datetime,
    first_due: datetime,
    paused_for: timedelta,
    used: timedelta,
) -> None:
    history = [StatusChange(MON_0900, "new")]
    for start, end in waits:
        history += changes((start, "waiting_on_customer"), (end, "in_progress"))
    result = clock(history=history, now=now)
    assert result.first_response_due == first_due
    assert result.paused_for == paused_for
    assert result.business_time_used == used
    assert not result.paused
    # The resolution target moves by exactly the same paused business time.
    unpaused = clock(now=now).resolution_due
    paused_business = sum(
        (BERLIN.business_time_between(start, end) for start, end in waits), timedelta(0)
    )
    assert BERLIN.business_time_between(unpaused, result.resolution_due) == paused_business


def test_it_reports_a_paused_clock_and_projects_the_due_time_from_now() -> None:
    history = changes((utc(2026, 3, 2, 10), "waiting_on_customer"))  # Mon 11:00 CET, 2h used
    at_noon = clock(history=history, now=utc(2026, 3, 2, 11))
    an_hour_later = clock(history=history, now=utc(2026, 3, 2, 12))
    assert at_noon.state == "paused"
    assert at_noon.paused is True
    assert at_noon.business_time_used == hours(2)
    assert at_noon.paused_for == hours(1)
    # If the customer replied now, 6h would remain: Mon 12:00 + 5h, Tue 09:00 + 1h.
    assert at_noon.first_response_due == utc(2026, 3, 3, 9)
    # Every hour of waiting in business hours moves the due time an hour later.
    assert an_hour_later.first_response_due == utc(2026, 3, 3, 10)
    assert an_hour_later.paused_for == hours(2)


def test_it_resumes_when_the_customer_replies() -> None:
    history = changes(
        (utc(2026, 3, 2, 10), "waiting_on_customer"),
        (utc(2026, 3, 3, 10), "in_progress"),  # customer replied Tue 11:00 CET
    )
    result = clock(history=history, first_response_at=utc(2026, 3, 2, 9), now=utc(2026, 3, 3, 12))
    # 2h used before the wait, 2h since: 36h of resolution target left from Tue 13:00 CET.
    assert result.state == "ok"
    assert result.paused is False
    assert result.business_time_used == hours(4)
    assert result.paused_for == hours(24)
    assert result.resolution_due == BERLIN.add_business_time(utc(2026, 3, 3, 12), hours(36))


def test_it_stays_breached_when_paused_after_the_due_time() -> None:
    history = changes((utc(2026, 3, 3, 8), "waiting_on_customer"))  # Tue 09:00, due was Mon 17:00
    result = clock(history=history, now=utc(2026, 3, 3, 9))
    assert result.state == "breached"
    assert result.paused is True
    assert result.first_response_due == utc(2026, 3, 2, 16)
    assert result.first_response_met is False


# -- met, missed, at risk, breached --------------------------------------------------------


@pytest.mark.parametrize(
    ("first_response_at", "met"),
    [
        (utc(2026, 3, 2, 9), True),  # early
        (utc(2026, 3, 2, 16), True),  # exactly on the due minute (Mon 17:00 CET)
        (utc(2026, 3, 2, 16, 0, 59), False),  # within the due minute but after it
        (utc(2026, 3, 2, 16, 1), False),  # a minute late
        (utc(2026, 3, 2, 16, 30), False),  # after closing: no business time used, still late
        (utc(2026, 3, 3, 8), False),  # next morning
    ],
)
def test_it_judges_the_first_response_against_the_due_minute(
    first_response_at: datetime, met: bool
) -> None:
    result = clock(first_response_at=first_response_at, now=utc(2026, 3, 3, 9))
    assert result.first_response_met is met
    assert result.first_response_due is None
    assert result.next_due_kind == "resolution"


@pytest.mark.parametrize(
    ("now", "state", "used", "first_response_met"),
    [
        (utc(2026, 3, 2, 8), "ok", hours(0), None),  # created
        (utc(2026, 3, 2, 13), "ok", hours(5), None),  # 62.5%
        (utc(2026, 3, 2, 14), "at_risk", hours(6), None),  # 75%: warn
        (utc(2026, 3, 2, 16), "at_risk", hours(8), None),  # due now: not yet breached
        (utc(2026, 3, 2, 16, 0, 1), "breached", hours(8), False),  # strictly after
        (utc(2026, 3, 3, 7), "breached", hours(8), False),  # overnight, no business time
        (utc(2026, 3, 2, 7), "ok", hours(0), None),  # now before creation reads as creation
    ],
)
def test_it_warns_then_breaches(
    now: datetime, state: str, used: timedelta, first_response_met: bool | None
) -> None:
    result = clock(now=now)
    assert result.state == state
    assert result.business_time_used == used
    assert result.first_response_met is first_response_met
    assert result.resolution_met is None


def test_it_honours_a_custom_warning_threshold() -> None:
    policy = TargetPolicy(first_response=hours(8), resolution=hours(40), warn_at=0.5)
    assert clock(policy=policy, now=utc(2026, 3, 2, 11, 59)).state == "ok"
    assert clock(policy=policy, now=utc(2026, 3, 2, 12)).state == "at_risk"


@pytest.mark.parametrize(
    ("first_response_at", "resolved_at", "state", "first_met", "resolution_met"),
    [
        (utc(2026, 3, 2, 9), utc(2026, 3, 3, 9), "met", True, True),
        (utc(2026, 3, 3, 9), utc(2026, 3, 4, 9), "missed", False, True),  # late reply
        (utc(2026, 3, 2, 9), utc(2026, 3, 9, 16), "missed", True, False),  # late resolution
        (utc(2026, 3, 2, 9), utc(2026, 3, 6, 16), "met", True, True),  # resolved on the minute
        # resolved without a public reply: the resolution answers the customer
        (None, utc(2026, 3, 2, 10), "met", True, True),
        (None, utc(2026, 3, 4, 10), "missed", False, True),
    ],
)
def test_it_settles_met_or_missed_once_everything_is_done(
    first_response_at: datetime | None,
    resolved_at: datetime,
    state: str,
    first_met: bool,
    resolution_met: bool,
) -> None:
    history = changes((MON_0900, "new"), (resolved_at, "resolved"))
    result = clock(
        history=history,
        first_response_at=first_response_at,
        resolved_at=resolved_at,
        now=utc(2026, 3, 20),
    )
    assert result.state == state
    assert (result.first_response_met, result.resolution_met) == (first_met, resolution_met)
    assert result.first_response_due is None
    assert result.resolution_due is None
    assert result.next_due is None
    assert result.next_due_kind is None
    assert result.paused is False


@pytest.mark.parametrize(
    ("history", "resolved_at"),
    [
        # the history alone: resolved, then closed
        (changes((utc(2026, 3, 3, 9), "resolved"), (utc(2026, 3, 5, 9), "closed")), None),
        # resolved_at alone, history without the resolution rows
        (changes((utc(2026, 3, 2, 9), "in_progress")), utc(2026, 3, 3, 9)),
    ],
)
def test_it_takes_the_resolution_from_the_history_or_resolved_at(
    history: list[StatusChange], resolved_at: datetime | None
) -> None:
    result = clock(
        history=history,
        first_response_at=utc(2026, 3, 2, 9),
        resolved_at=resolved_at,
        now=utc(2026, 3, 6),
    )
    assert result.state == "met"
    assert result.resolution_met is True
    assert result.business_time_used == hours(9)  # Mon 09:00 -> Tue 10:00 CET


# -- reopening -----------------------------------------------------------------------------

REOPENED = changes(
    (MON_0900, "new"),
    (utc(2026, 3, 2, 9), "in_progress"),
    (utc(2026, 3, 2, 10), "resolved"),  # Mon 11:00 CET, 2h used
    (utc(2026, 3, 3, 10), "closed"),
    (utc(2026, 3, 4, 8), "in_progress"),  # reopened Wed 09:00 CET
)


@pytest.mark.parametrize("stale_resolved_at", [None, utc(2026, 3, 2, 10)])
def test_it_continues_the_resolution_clock_after_reopening(
    stale_resolved_at: datetime | None,
) -> None:
    result = clock(
        history=REOPENED,
        first_response_at=utc(2026, 3, 2, 8, 30),
        resolved_at=stale_resolved_at,
        now=utc(2026, 3, 4, 9),  # Wed 10:00 CET
    )
    assert result.state == "ok"
    assert result.resolution_met is None
    assert result.first_response_met is True
    assert (result.next_due_kind, result.business_time_used) == ("resolution", hours(3))
    # 40h from Mon 09:00 is Fri 17:00; the 14 business hours spent resolved
    # (Mon 11:00-17:00, Tue 09:00-17:00) push it to Tue 10 Mar 15:00 CET.
    assert result.resolution_due == utc(2026, 3, 10, 14)


def test_it_judges_a_reopened_item_on_its_final_resolution() -> None:
    history = [*REOPENED, StatusChange(utc(2026, 3, 10, 14), "resolved")]
    on_time = clock(
        history=history,
        first_response_at=utc(2026, 3, 2, 8, 30),
        resolved_at=utc(2026, 3, 10, 14),
        now=utc(2026, 3, 11),
    )
    assert (on_time.state, on_time.resolution_met) == ("met", True)


def test_it_ignores_events_after_now() -> None:
    history = changes((utc(2026, 3, 2, 9), "waiting_on_customer"), (utc(2026, 3, 3, 9), "resolved"))
    before = clock(
        history=history,
        first_response_at=utc(2026, 3, 2, 12),
        resolved_at=utc(2026, 3, 3, 9),
        now=utc(2026, 3, 2, 10),
    )
    assert before.state == "paused"
    assert before.first_response_due is not None
    assert before.resolution_met is None


def test_it_accepts_history_rows_at_or_before_creation() -> None:
    history = changes((MON_0900 - timedelta(seconds=1), "assigned"))
    assert clock(history=history, now=utc(2026, 3, 2, 9)).business_time_used == hours(1)


# -- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"created_at": datetime(2026, 3, 2, 8)}, "created_at must be timezone-aware"),
        ({"now": datetime(2026, 3, 2, 8)}, "now must be timezone-aware"),
        ({"first_response_at": datetime(2026, 3, 2, 8)}, "first_response_at must be"),
        ({"resolved_at": datetime(2026, 3, 2, 8)}, "resolved_at must be"),
        ({"history": [StatusChange(datetime(2026, 3, 2, 9), "assigned")]}, "history time"),
        ({"history": [StatusChange(utc(2026, 3, 2, 9), "on_hold")]}, "unknown status 'on_hold'"),
    ],
)
def test_it_rejects_bad_inputs(overrides: dict, message: str) -> None:
    arguments = {
        "created_at": MON_0900,
        "history": [],
        "first_response_at": None,
        "resolved_at": None,
        "policy": NORMAL,
        "calendar": BERLIN,
        "now": utc(2026, 3, 3),
        **overrides,
    }
    with pytest.raises(ValueError, match=message):
        compute_clock(**arguments)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"first_response": timedelta(0), "resolution": hours(8)}, "must be positive"),
        ({"first_response": hours(1), "resolution": -hours(8)}, "must be positive"),
        ({"first_response": hours(1), "resolution": hours(8), "warn_at": 0}, "warn_at"),
        ({"first_response": hours(1), "resolution": hours(8), "warn_at": 1.5}, "warn_at"),
    ],
)
def test_it_rejects_bad_policies(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        TargetPolicy(**kwargs)


@pytest.mark.parametrize(
    ("priority", "first_response", "resolution"),
    [
        ("urgent", hours(1), hours(8)),
        ("high", hours(4), hours(16)),
        ("normal", hours(8), hours(40)),
        ("low", hours(16), hours(80)),
    ],
)
def test_it_has_default_policies_for_every_priority(
    priority: str, first_response: timedelta, resolution: timedelta
) -> None:
    policy = policy_for(priority)
    assert (policy.first_response, policy.resolution, policy.warn_at) == (
        first_response,
        resolution,
        0.75,
    )


def test_it_keeps_the_default_policies_read_only_and_names_unknown_priorities() -> None:
    with pytest.raises(TypeError):
        DEFAULT_POLICIES["urgent"] = NORMAL  # type: ignore[index]
    with pytest.raises(ValueError, match="no target policy for priority 'critical'"):
        policy_for("critical")


# -- helpers and explanations --------------------------------------------------------------


@pytest.mark.parametrize(
    ("history", "until", "expected"),
    [
        ([], utc(2026, 3, 2, 12), hours(4)),
        (changes((utc(2026, 3, 2, 9), "waiting_on_customer")), utc(2026, 3, 3, 12), hours(1)),
        (changes((utc(2026, 3, 2, 10), "resolved")), utc(2026, 3, 9), hours(2)),
        (REOPENED, utc(2026, 3, 4, 10), hours(4)),
        ([], utc(2026, 3, 1), timedelta(0)),  # before creation
    ],
)
def test_it_measures_elapsed_business_time(
    history: list[StatusChange], until: datetime, expected: timedelta
) -> None:
    assert (
        elapsed_business_time(created_at=MON_0900, history=history, calendar=BERLIN, until=until)
        == expected
    )


@pytest.mark.parametrize(
    ("value", "days", "expected"),
    [
        (timedelta(0), False, "0m"),
        (timedelta(minutes=45), False, "45m"),
        (timedelta(hours=2, minutes=5), False, "2h 05m"),
        (timedelta(hours=3), False, "3h"),
        (timedelta(hours=40), False, "40h"),
        (timedelta(hours=52, minutes=5), True, "2d 4h 05m"),
        (timedelta(days=2, minutes=5), True, "2d 05m"),
        (timedelta(minutes=59, seconds=59), False, "59m"),
        (-timedelta(minutes=90), False, "-1h 30m"),
    ],
)
def test_it_formats_durations(value: timedelta, days: bool, expected: str) -> None:
    assert format_duration(value, days=days) == expected


def explain(**overrides) -> list[str]:
    arguments = {
        "created_at": utc(2026, 3, 2, 8, 10),  # Mon 09:10 CET
        "history": changes(
            (utc(2026, 3, 2, 9), "waiting_on_customer"),  # Mon 10:00
            (utc(2026, 3, 2, 11, 5), "in_progress"),  # Mon 12:05
        ),
        "first_response_at": None,
        "resolved_at": None,
        "policy": NORMAL,
        "calendar": BERLIN,
        "now": utc(2026, 3, 3, 8),  # Tue 09:00
        **overrides,
    }
    return explain_clock(**arguments)


def test_it_explains_an_open_item_with_a_pause() -> None:
    assert explain() == [
        "Created Mon 2 Mar 09:10; times are Europe/Berlin local time.",
        "Business hours (Support DE): mon-fri 09:00-17:00, closed on 2 holidays.",
        "Waiting on the customer Mon 2 Mar 10:00 to Mon 2 Mar 12:05 (2h 05m, 2h 05m of "
        "business time): the clocks were paused.",
        "First response: target 8 business hours, paused 2h 05m while waiting on the customer, "
        "5h 45m used, due Tue 3 Mar 11:15 - 2h 15m left.",
        "Resolution: target 40 business hours, paused 2h 05m while waiting on the customer, "
        "5h 45m used, due Mon 9 Mar 11:15 - 34h 15m left.",
        "State at Tue 3 Mar 09:00: ok.",
    ]


@pytest.mark.parametrize(
    ("overrides", "expected_lines"),
    [
        (
            {"now": utc(2026, 3, 3, 13)},
            [
                "First response: target 8 business hours, paused 2h 05m while waiting on the "
                "customer, 10h 45m used, due Tue 3 Mar 11:15 - breached 2h 45m ago.",
                "State at Tue 3 Mar 14:00: breached.",
            ],
        ),
        (
            {"first_response_at": utc(2026, 3, 3, 10, 15), "now": utc(2026, 3, 3, 13)},
            [
                "First response: target 8 business hours, paused 2h 05m while waiting on the "
                "customer, 8h used, due Tue 3 Mar 11:15 - answered Tue 3 Mar 11:15, met."
            ],
        ),
        (
            {"first_response_at": utc(2026, 3, 2, 12), "now": utc(2026, 3, 9, 12)},
            [
                "First response: target 8 business hours, paused 2h 05m while waiting on the "
                "customer, 1h 45m used, due Tue 3 Mar 11:15 - answered Mon 2 Mar 13:00, met.",
                "Resolution: target 40 business hours, paused 2h 05m while waiting on the "
                "customer, 41h 45m used, due Mon 9 Mar 11:15 - breached 1h 45m ago.",
            ],
        ),
        (
            {"first_response_at": utc(2026, 3, 3, 12, 30), "now": utc(2026, 3, 3, 13)},
            [
                "First response: target 8 business hours, paused 2h 05m while waiting on the "
                "customer, 10h 15m used, due Tue 3 Mar 11:15 - answered Tue 3 Mar 13:30, missed by "
                "2h 15m."
            ],
        ),
        (
            {
                "history": changes((utc(2026, 3, 2, 9), "waiting_on_customer")),
                "now": utc(2026, 3, 2, 10),
            },
            [
                "Waiting on the customer since Mon 2 Mar 10:00 (1h so far): the clocks are paused.",
                "First response: target 8 business hours, paused 1h while waiting on the "
                "customer, 50m used, due Tue 3 Mar 10:10 if the customer replied now - paused.",
                "State at Mon 2 Mar 11:00: paused.",
            ],
        ),
        (
            {
                "created_at": MON_0900,
                "history": REOPENED,
                "first_response_at": utc(2026, 3, 2, 8, 30),
                "now": utc(2026, 3, 4, 9),
            },
            [
                "Resolved Mon 2 Mar 11:00, reopened Wed 4 Mar 09:00: the clocks continued where "
                "they stopped.",
                "Resolution: target 40 business hours, 3h used, due Tue 10 Mar 15:00 - 37h left.",
            ],
        ),
        (
            {
                "history": changes((utc(2026, 3, 2, 10), "resolved")),
                "resolved_at": utc(2026, 3, 2, 10),
            },
            [
                "First response: target 8 business hours, 1h 50m used, due Tue 3 Mar 09:10 - "
                "resolved without a public reply Mon 2 Mar 11:00, met.",
                "Resolution: target 40 business hours, 1h 50m used, due Mon 9 Mar 09:10 - "
                "resolved Mon 2 Mar 11:00, met.",
                "State at Tue 3 Mar 09:00: met.",
            ],
        ),
    ],
)
def test_it_explains_why_an_item_is_late_or_on_time(
    overrides: dict, expected_lines: list[str]
) -> None:
    lines = explain(**overrides)
    for line in expected_lines:
        assert line in lines
