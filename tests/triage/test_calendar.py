"""Business-hours calendar: parsing, opening checks and business-time arithmetic."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta, timezone

import pytest

from triage.calendar import BusinessCalendar, HoursSpecError

HOLIDAYS = (date(2026, 4, 3), date(2026, 4, 6))  # Good Friday, Easter Monday
BERLIN = BusinessCalendar.from_spec(
    "Support DE", "Europe/Berlin", "mon-fri 09:00-17:00", holidays=HOLIDAYS
)
SPLIT = BusinessCalendar.from_spec(
    "Shop", "Europe/Berlin", "mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00"
)
TOKYO = BusinessCalendar.from_spec("Support JP", "Asia/Tokyo", "mon-fri 09:00-18:00")
NEW_YORK = BusinessCalendar.from_spec("Support US", "America/New_York", "mon-fri 09:00-17:00")
ALWAYS = BusinessCalendar.twenty_four_seven()
NIGHT = BusinessCalendar.from_spec(
    "Night desk", "Europe/Berlin", "fri 22:00-24:00; sat 00:00-06:00"
)
SMALL_HOURS = BusinessCalendar.from_spec("Early", "Europe/Berlin", "sun 01:00-04:00")
CALENDARS = {
    "berlin": BERLIN,
    "split": SPLIT,
    "tokyo": TOKYO,
    "new_york": NEW_YORK,
    "always": ALWAYS,
    "night": NIGHT,
    "small_hours": SMALL_HOURS,
}


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


def hours(value: float) -> timedelta:
    return timedelta(hours=value)


# -- parsing -------------------------------------------------------------------------------

NINE_TO_FIVE = ((time(9), time(17)),)


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("mon-fri 09:00-17:00", {day: NINE_TO_FIVE for day in range(5)}),
        (
            "mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00",
            {
                **{day: ((time(9), time(12)), (time(13), time(18))) for day in range(5)},
                5: ((time(10), time(14)),),
            },
        ),
        ("Monday, Wed, FRIDAY 9:00-17:00", {0: NINE_TO_FIVE, 2: NINE_TO_FIVE, 4: NINE_TO_FIVE}),
        ("fri-mon 10:00-16:00", {day: ((time(10), time(16)),) for day in (4, 5, 6, 0)}),
        ("sat 22:00-24:00\nsun 00:00-02:00", {5: ((time(22), time(0)),), 6: ((time(0), time(2)),)}),
        ("sun 20:00-00:00", {6: ((time(20), time(0)),)}),
        (
            "mon 13:00-17:00; mon 09:00-12:00;",
            {0: ((time(9), time(12)), (time(13), time(17)))},
        ),
        ("tue: 08:30-16:45", {1: ((time(8, 30), time(16, 45)),)}),
    ],
)
def test_it_parses_human_specs(spec: str, expected: dict) -> None:
    assert BusinessCalendar.from_spec("c", "UTC", spec).weekly_hours == expected


@pytest.mark.parametrize(
    ("spec", "canonical"),
    [
        ("mon-fri 09:00-17:00", "mon-fri 09:00-17:00"),
        (
            "sat 10:00-14:00; mon-fri 09:00-12:00,13:00-18:00",
            "mon-fri 09:00-12:00,13:00-18:00; sat 10:00-14:00",
        ),
        ("mon,tue,wed,fri,sun 08:00-16:00", "mon-wed,fri,sun 08:00-16:00"),
        ("fri 22:00-24:00; sat 00:00-06:00", "fri 22:00-24:00; sat 00:00-06:00"),
        ("mon-sun 00:00-24:00", "mon-sun 00:00-24:00"),
        ("  24/7 ", "24/7"),
    ],
)
def test_it_writes_a_spec_that_reads_back(spec: str, canonical: str) -> None:
    calendar = BusinessCalendar.from_spec("c", "Europe/Berlin", spec)
    assert calendar.to_spec() == canonical
    assert BusinessCalendar.from_spec("c", "Europe/Berlin", canonical) == calendar


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("", "empty business-hours spec"),
        ("   ", "empty business-hours spec"),
        ("mun-fri 09:00-17:00", "unknown day 'mun'"),
        ("mo 09:00-17:00", "unknown day 'mo'"),
        ("mon-fri", "expected days then hours"),
        ("09:00-17:00", "expected days then hours"),
        ("mon-fri 9-17", "bad time '9'"),
        ("mon-fri 09:00", "should look like 09:00-17:00"),
        ("mon-fri 17:00-09:00", "must end after it starts"),
        ("mon 22:00-02:00", "split intervals that cross midnight"),
        ("mon 09:00-09:00", "must end after it starts"),
        ("mon 25:00-26:00", "no such time '25:00'"),
        ("mon 09:60-10:00", "no such time '09:60'"),
        ("mon 24:00-24:00", "24:00 can only end an interval"),
        ("mon 09:00-12:00,11:00-13:00", "overlap"),
        ("mon-fri 09:00-12:00; fri 11:00-13:00", "overlap"),
        ("mon 09:00-17:00; 24/7", "'24/7' must be the whole spec"),
        ("mon,,tue 09:00-17:00", "empty day"),
        (";;", "no opening hours"),
    ],
)
def test_it_rejects_bad_specs_with_a_clear_message(spec: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.from_spec("c", "Europe/Berlin", spec)


@pytest.mark.parametrize(
    ("spec", "for_people"),
    [
        ("", "Enter the opening hours, such as “mon-fri 09:00-17:00” or “24/7”."),
        (";;", "Enter the opening hours, such as “mon-fri 09:00-17:00” or “24/7”."),
        (
            "mun-fri 09:00-17:00",
            "“mun” is not a day: write mon, tue, wed, thu, fri, sat, sun (or the full names), "
            "such as “mon-fri 09:00-17:00”.",
        ),
        ("mon-fri", "“mon-fri” should be days then hours, such as “mon-fri 09:00-17:00”."),
        ("mon-fri 9-17", "“9” is not a time: write hours and minutes, such as 09:00."),
        ("mon-fri 09:00", "“09:00” should be a range of hours, such as 09:00-17:00."),
        (
            "mon-fri 18:00-09:00",
            "18:00–09:00 ends before it starts: for hours past midnight write two ranges, the "
            "second on the next day: “mon-fri 18:00-24:00; tue-sat 00:00-09:00”.",
        ),
        (
            "sun 22:00-02:00",
            "22:00–02:00 ends before it starts: for hours past midnight write two ranges, the "
            "second on the next day: “sun 22:00-24:00; mon 00:00-02:00”.",
        ),
        (
            "fri-mon 20:00-04:00",
            "20:00–04:00 ends before it starts: for hours past midnight write two ranges, the "
            "second on the next day: “fri-mon 20:00-24:00; sat-tue 00:00-04:00”.",
        ),
        (
            "mon 09:00-09:00",
            "09:00–09:00 starts and ends at the same time: for a whole day write 00:00-24:00.",
        ),
        (
            "mon 25:00-26:00",
            "“25:00” is not a time of day: use 00:00 to 23:59, or 24:00 to close at midnight.",
        ),
        (
            "mon 24:00-24:00",
            "24:00 (midnight at the end of the day) can only end a range: to start at midnight "
            "write 00:00.",
        ),
        (
            "mon-fri 09:00-12:00; fri 11:00-13:00",
            "On Fridays two ranges overlap around 11:00-13:00: give each hour once, such as "
            "“mon 09:00-12:00,13:00-17:00”.",
        ),
        (
            "mon 09:00-17:00; 24/7",
            "“24/7” means always open, so write it alone, without other hours.",
        ),
        (
            "mon,,tue 09:00-17:00",
            "“mon,,tue 09:00-17:00” has an empty day in its list: separate days with one comma, "
            "such as “mon,wed,fri 09:00-17:00”.",
        ),
    ],
)
def test_it_tells_a_manager_what_to_write_instead(spec: str, for_people: str) -> None:
    with pytest.raises(HoursSpecError) as caught:
        BusinessCalendar.from_spec("c", "Europe/Berlin", spec)
    assert caught.value.for_people == for_people
    assert "clause" not in for_people and "interval" not in for_people  # no parser words
    suggested = re.findall(r"“([^”]*;[^”]*)”", for_people)  # a suggested rewrite must parse
    for rewrite in suggested:
        assert BusinessCalendar.from_spec("c", "Europe/Berlin", rewrite).weekly_hours


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"timezone": "Mars/Olympus"}, "unknown time zone 'Mars/Olympus'"),
        ({"holidays": ["2026-13-01"]}, "bad holiday '2026-13-01'"),
        ({"holidays": [datetime(2026, 1, 1, tzinfo=UTC)]}, "must be a date"),
    ],
)
def test_it_rejects_bad_time_zones_and_holidays(kwargs: dict, message: str) -> None:
    arguments = {"name": "c", "timezone": "UTC", "spec": "mon 09:00-17:00", **kwargs}
    with pytest.raises(ValueError, match=message):
        BusinessCalendar.from_spec(**arguments)


@pytest.mark.parametrize(
    ("weekly_hours", "always_open", "message"),
    [
        ({}, False, "has no opening hours"),
        ({0: ()}, False, "has no opening hours"),
        ({7: NINE_TO_FIVE}, False, "weekday must be 0"),
        ({0: ((time(17), time(9)),)}, False, "must end after it starts"),
        ({0: ((time(9), time(12)), (time(10), time(14)))}, False, "overlap"),
        ({0: ((time(9),),)}, False, "pair of times"),
        ({0: (("09:00", "17:00"),)}, False, "must be times"),
        ({0: ((time(9, tzinfo=UTC), time(17)),)}, False, "without a tzinfo"),
        ({0: NINE_TO_FIVE}, True, "takes no weekly hours"),
    ],
)
def test_it_rejects_invalid_weekly_hours(
    weekly_hours: dict, always_open: bool, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        BusinessCalendar("c", "UTC", weekly_hours, always_open=always_open)


def test_it_normalises_hours_so_equal_calendars_compare_and_hash_equal() -> None:
    built = BusinessCalendar(
        "c",
        "Europe/Berlin",
        {4: [(time(13), time(18)), (time(9), time(12))], 6: ()},
        holidays=frozenset({date(2026, 4, 3)}),
    )
    parsed = BusinessCalendar.from_spec(
        "c", "Europe/Berlin", "fri 09:00-12:00,13:00-18:00", holidays=["2026-04-03"]
    )
    assert built == parsed
    assert hash(built) == hash(parsed)
    assert len({built, parsed, SPLIT}) == 2


# -- naive datetimes ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda c, naive: c.is_open(naive),
        lambda c, naive: c.next_open(naive),
        lambda c, naive: c.add_business_time(naive, hours(1)),
        lambda c, naive: c.business_time_between(naive, utc(2026, 3, 3)),
        lambda c, naive: c.business_time_between(utc(2026, 3, 1), naive),
    ],
)
@pytest.mark.parametrize("name", ["berlin", "always"])
def test_it_rejects_naive_datetimes(call, name: str) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        call(CALENDARS[name], datetime(2026, 3, 2, 10, 0))


def test_it_rejects_a_negative_duration() -> None:
    with pytest.raises(ValueError, match="must not be negative"):
        BERLIN.add_business_time(utc(2026, 3, 2, 10), -hours(1))


# -- is_open / next_open -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "at", "expected"),
    [
        # Berlin is UTC+1 in winter (CET), UTC+2 in summer (CEST).
        ("split", utc(2026, 3, 2, 7, 59), False),  # Mon 08:59
        ("split", utc(2026, 3, 2, 8, 0), True),  # Mon 09:00, opening minute is open
        ("split", utc(2026, 3, 2, 10, 59, 59), True),  # Mon 11:59:59
        ("split", utc(2026, 3, 2, 11, 0), False),  # Mon 12:00, lunch
        ("split", utc(2026, 3, 2, 12, 0), True),  # Mon 13:00
        ("split", utc(2026, 3, 2, 17, 0), False),  # Mon 18:00, closing minute is closed
        ("split", utc(2026, 3, 7, 9, 0), True),  # Sat 10:00
        ("split", utc(2026, 3, 8, 11, 0), False),  # Sun
        ("berlin", utc(2026, 4, 3, 10, 0), False),  # Good Friday 12:00 CEST
        ("berlin", utc(2026, 3, 30, 7, 0), True),  # Mon 09:00 CEST, the day after DST starts
        ("berlin", utc(2026, 3, 30, 6, 30), False),  # Mon 08:30 CEST (would be 07:30 CET)
        ("tokyo", utc(2026, 3, 1, 23, 30), False),  # Sunday in UTC, Mon 08:30 in Tokyo
        ("tokyo", utc(2026, 3, 2, 0, 0), True),  # Mon 09:00 JST
        ("new_york", utc(2026, 3, 3, 1, 0), False),  # Tuesday in UTC, Mon 20:00 EST
        ("night", utc(2026, 3, 6, 22, 59), True),  # Fri 23:59 CET
        ("night", utc(2026, 3, 6, 23, 0), True),  # Sat 00:00 CET, across midnight
        ("night", utc(2026, 3, 7, 5, 0), False),  # Sat 06:00 CET
        ("always", utc(2026, 12, 25, 3, 0), True),
    ],
)
def test_it_knows_when_it_is_open(name: str, at: datetime, expected: bool) -> None:
    assert CALENDARS[name].is_open(at) is expected


@pytest.mark.parametrize(
    ("name", "at", "expected"),
    [
        ("split", utc(2026, 3, 2, 9, 0), utc(2026, 3, 2, 9, 0)),  # open: itself
        ("split", utc(2026, 3, 2, 11, 30), utc(2026, 3, 2, 12, 0)),  # lunch -> 13:00
        ("split", utc(2026, 3, 7, 13, 0), utc(2026, 3, 9, 8, 0)),  # Sat 14:00 -> Mon 09:00
        ("berlin", utc(2026, 4, 2, 15, 0), utc(2026, 4, 7, 7, 0)),  # Easter -> Tue 09:00 CEST
        ("berlin", utc(2026, 3, 27, 16, 0), utc(2026, 3, 30, 7, 0)),  # across the DST change
        ("tokyo", utc(2026, 3, 6, 9, 0), utc(2026, 3, 9, 0, 0)),  # Fri 18:00 JST -> Mon 09:00
        ("new_york", utc(2026, 3, 3, 3, 0), utc(2026, 3, 3, 14, 0)),  # Mon 22:00 EST -> Tue
        ("always", utc(2026, 3, 8, 3, 0), utc(2026, 3, 8, 3, 0)),
    ],
)
def test_it_finds_the_next_opening(name: str, at: datetime, expected: datetime) -> None:
    assert CALENDARS[name].next_open(at) == expected


def test_it_answers_in_utc_whatever_zone_it_was_given() -> None:
    tokyo_morning = datetime(2026, 3, 2, 7, 0, tzinfo=timezone(timedelta(hours=9)))
    result = BERLIN.next_open(tokyo_morning)
    assert result == utc(2026, 3, 2, 8, 0)
    assert result.tzinfo is UTC
    assert BERLIN.add_business_time(tokyo_morning, hours(1)).tzinfo is UTC


# -- add_business_time ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "start", "duration", "expected"),
    [
        # weekend: Fri 15:00 CET + 4h -> 2h Friday, 2h Monday
        ("berlin", utc(2026, 3, 6, 14, 0), hours(4), utc(2026, 3, 9, 10, 0)),
        # ends exactly at closing time: Monday 17:00, not Tuesday 09:00
        ("berlin", utc(2026, 3, 2, 8, 0), hours(8), utc(2026, 3, 2, 16, 0)),
        # starts before opening: counting begins at 09:00
        ("berlin", utc(2026, 3, 2, 5, 0), hours(1), utc(2026, 3, 2, 9, 0)),
        # starts on Sunday: counting begins Monday
        ("berlin", utc(2026, 3, 1, 12, 0), hours(1), utc(2026, 3, 2, 9, 0)),
        # zero duration: the next opening
        ("berlin", utc(2026, 3, 1, 12, 0), timedelta(0), utc(2026, 3, 2, 8, 0)),
        ("berlin", utc(2026, 3, 2, 12, 0), timedelta(0), utc(2026, 3, 2, 12, 0)),
        # lunch break: Mon 11:00 CET + 2h -> 1h before lunch, 1h after
        ("split", utc(2026, 3, 2, 10, 0), hours(2), utc(2026, 3, 2, 13, 0)),
        # exactly up to lunch: 12:00, not 13:00
        ("split", utc(2026, 3, 2, 10, 0), hours(1), utc(2026, 3, 2, 11, 0)),
        # Saturday's short shift (13:00-14:00 CET), then Monday 09:00-11:00 CET
        ("split", utc(2026, 3, 7, 12, 0), hours(3), utc(2026, 3, 9, 10, 0)),
        # holidays: Thu 16:00 CEST + 2h -> 1h Thursday, Good Friday/weekend/Easter Monday, Tue
        ("berlin", utc(2026, 4, 2, 14, 0), hours(2), utc(2026, 4, 7, 8, 0)),
        # DST spring: Fri 16:00 CET + 2h -> Mon 10:00 CEST = 08:00 UTC (not 09:00 UTC)
        ("berlin", utc(2026, 3, 27, 15, 0), hours(2), utc(2026, 3, 30, 8, 0)),
        # DST autumn: Fri 16:00 CEST + 2h -> Mon 10:00 CET = 09:00 UTC (not 08:00 UTC)
        ("berlin", utc(2026, 10, 23, 14, 0), hours(2), utc(2026, 10, 26, 9, 0)),
        # America/New_York springs forward on 2026-03-08: Fri 16:00 EST + 4h -> Mon 12:00 EDT
        ("new_york", utc(2026, 3, 6, 21, 0), hours(4), utc(2026, 3, 9, 16, 0)),
        # ...and falls back on 2026-11-01: Fri 16:00 EDT + 4h -> Mon 12:00 EST
        ("new_york", utc(2026, 10, 30, 20, 0), hours(4), utc(2026, 11, 2, 17, 0)),
        # time-zone boundary: Fri 17:30 JST + 1h -> 30m Friday, Mon 09:30 JST (Mon 00:30 UTC)
        ("tokyo", utc(2026, 3, 6, 8, 30), hours(1), utc(2026, 3, 9, 0, 30)),
        # Sunday 22:00 in UTC is Monday 07:00 in Tokyo: counting starts at 09:00 JST
        ("tokyo", utc(2026, 3, 1, 22, 0), hours(8), utc(2026, 3, 2, 8, 0)),
        # an opening across midnight counts as one stretch
        ("night", utc(2026, 3, 6, 22, 30), hours(1), utc(2026, 3, 6, 23, 30)),
        # weeks: 400 business hours from Mon 09:00 = 50 business days -> Friday 17:00
        ("new_york", utc(2026, 1, 5, 14, 0), hours(400), utc(2026, 3, 13, 21, 0)),
        ("always", utc(2026, 3, 6, 22, 0), hours(8), utc(2026, 3, 7, 6, 0)),
        ("always", utc(2026, 3, 28, 12, 0), hours(24), utc(2026, 3, 29, 12, 0)),
    ],
)
def test_it_adds_business_time(
    name: str, start: datetime, duration: timedelta, expected: datetime
) -> None:
    assert CALENDARS[name].add_business_time(start, duration) == expected


# -- business_time_between -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "start", "end", "expected"),
    [
        ("berlin", utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 16, 0), hours(8)),
        ("berlin", utc(2026, 3, 2, 16, 0), utc(2026, 3, 2, 8, 0), timedelta(0)),  # end < start
        ("berlin", utc(2026, 3, 2, 8, 0), utc(2026, 3, 2, 8, 0), timedelta(0)),  # empty
        ("berlin", utc(2026, 3, 6, 14, 0), utc(2026, 3, 9, 10, 0), hours(4)),  # weekend
        ("berlin", utc(2026, 3, 30), utc(2026, 4, 13), hours(64)),  # 10 days - 2 holidays
        ("split", utc(2026, 3, 2), utc(2026, 3, 9), hours(44)),  # 5 x 8h + 4h Saturday
        ("split", utc(2026, 3, 2, 10, 30), utc(2026, 3, 2, 12, 30), hours(1)),  # lunch
        ("tokyo", utc(2026, 3, 1, 20, 0), utc(2026, 3, 2, 1, 0), hours(1)),  # local Mon 9-10
        # Sunday 01:00-04:00 local spans the DST jump at 02:00/03:00: 2 real hours, or 4.
        ("small_hours", utc(2026, 3, 28), utc(2026, 3, 30), hours(2)),  # spring forward
        ("small_hours", utc(2026, 10, 24), utc(2026, 10, 26), hours(4)),  # fall back
        ("always", utc(2026, 3, 1), utc(2026, 3, 3, 6), hours(54)),
    ],
)
def test_it_measures_business_time_between_two_moments(
    name: str, start: datetime, end: datetime, expected: timedelta
) -> None:
    assert CALENDARS[name].business_time_between(start, end) == expected


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # Local Saturday 00:00 to Monday 00:00 with every day open 00:00-24:00.
        (utc(2026, 3, 27, 23), utc(2026, 3, 29, 22), hours(47)),  # spring: Sunday has 23h
        (utc(2026, 10, 23, 22), utc(2026, 10, 25, 23), hours(49)),  # autumn: Sunday has 25h
    ],
)
def test_it_counts_real_hours_on_daylight_saving_days(
    start: datetime, end: datetime, expected: timedelta
) -> None:
    every_day = BusinessCalendar.from_spec("All days", "Europe/Berlin", "mon-sun 00:00-24:00")
    assert every_day.business_time_between(start, end) == expected
    assert every_day.add_business_time(start, expected) == end


def test_it_skips_an_opening_that_falls_in_the_spring_forward_gap() -> None:
    calendar = BusinessCalendar.from_spec("c", "Europe/Berlin", "sun 02:00-02:30,09:00-10:00")
    assert calendar.business_time_between(utc(2026, 3, 29), utc(2026, 3, 30)) == hours(1)
    assert calendar.business_time_between(utc(2026, 3, 22), utc(2026, 3, 23)) == hours(1.5)
    assert calendar.next_open(utc(2026, 3, 28, 23)) == utc(2026, 3, 29, 7)


@pytest.mark.parametrize("name", ["berlin", "split", "tokyo", "new_york", "night", "always"])
@pytest.mark.parametrize("start", [utc(2026, 3, 27, 15, 17), utc(2026, 10, 24, 3, 0)])
@pytest.mark.parametrize("duration", [hours(0.5), hours(7), hours(41.25), hours(300)])
def test_it_keeps_adding_and_measuring_consistent(
    name: str, start: datetime, duration: timedelta
) -> None:
    calendar = CALENDARS[name]
    due = calendar.add_business_time(start, duration)
    assert calendar.business_time_between(start, due) == duration
    # The earliest such moment: a minute earlier there is less than `duration`.
    assert calendar.business_time_between(start, due - timedelta(minutes=1)) < duration


# -- 24/7 and holidays ---------------------------------------------------------------------


def test_it_builds_a_24_7_calendar() -> None:
    calendar = BusinessCalendar.twenty_four_seven("Hotline", "Europe/Berlin")
    assert calendar.always_open
    assert calendar.to_spec() == "24/7"
    assert calendar == BusinessCalendar.from_spec("Hotline", "Europe/Berlin", "24/7")
    start = utc(2026, 3, 28, 20, 0)
    assert calendar.add_business_time(start, hours(10)) == start + hours(10)
    assert calendar.business_time_between(start, start + hours(30)) == hours(30)


def test_it_closes_a_24_7_calendar_on_its_holidays() -> None:
    calendar = BusinessCalendar.from_spec("Hotline", "UTC", "24/7", holidays=["2026-12-25"])
    assert not calendar.is_open(utc(2026, 12, 25, 12))
    assert calendar.next_open(utc(2026, 12, 25, 12)) == utc(2026, 12, 26)
    assert calendar.add_business_time(utc(2026, 12, 24, 22), hours(4)) == utc(2026, 12, 26, 2)
    assert calendar.business_time_between(utc(2026, 12, 24), utc(2026, 12, 27)) == hours(48)


def test_it_finds_an_opening_after_a_long_run_of_holidays() -> None:
    mondays = [date(2026, 1, 5) + timedelta(weeks=week) for week in range(150)]
    calendar = BusinessCalendar.from_spec("Mondays", "UTC", "mon 09:00-10:00", holidays=mondays)
    first_working_monday = date(2026, 1, 5) + timedelta(weeks=150)
    assert first_working_monday == date(2028, 11, 20)
    assert calendar.next_open(utc(2026, 1, 1)) == utc(2028, 11, 20, 9)


def test_it_raises_instead_of_looping_when_a_calendar_never_opens() -> None:
    calendar = BusinessCalendar.from_spec("c", "UTC", "mon 09:00-17:00")
    object.__setattr__(calendar, "weekly_hours", {})  # bypass validation, as corrupt data would
    with pytest.raises(ValueError, match="never opens"):
        calendar.add_business_time(utc(2026, 3, 2), hours(1))
    with pytest.raises(ValueError, match="never opens"):
        calendar.next_open(utc(2026, 3, 2))
