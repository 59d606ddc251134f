"""The settings forms' validation, as pure functions: no HTTP, no database."""

from __future__ import annotations

from datetime import date

import pytest

from triage.settings_forms import (
    format_hours,
    split_list,
    validate_calendar,
    validate_new_staff,
    validate_rule,
    validate_target,
    validate_team,
)

CATEGORIES = ("Product", "Delivery", "Billing")
TOUCHPOINTS = ("Website", "Phone", "Mobile app")
SEGMENTS = ("key", "regular", "new")
TEAMS = {1: {10, 11}, 2: {12}}


class MultiDict(dict):
    """Like Starlette's FormData: `getlist` for repeated fields."""

    def getlist(self, name: str) -> list[str]:
        value = self.get(name, [])
        return list(value) if isinstance(value, list) else [value]


def check_rule(**fields: str):
    form = {"name": "Billing complaints", "team": "1", **fields}
    return validate_rule(
        form,
        categories=CATEGORIES,
        touchpoints=TOUCHPOINTS,
        segments=SEGMENTS,
        team_members=TEAMS,
    )


# -- lists -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("", []), (" a , b,, c ", ["a", "b", "c"]), (",", []), ("one", ["one"])],
)
def test_it_splits_comma_separated_lists(typed: str, expected: list[str]) -> None:
    assert split_list(typed) == expected


# -- teams -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": "x" * 81}, "name"),
        ({"name": "Support", "manager": "99"}, "manager"),
        ({"name": "Support", "manager": "abc"}, "manager"),
        ({"name": "Support", "escalate_to": "-1"}, "escalate_to"),
        ({"name": "Support", "calendar": "7"}, "calendar"),
        ({"name": "Support", "members": ["10", "99"]}, "members"),
        ({"name": "Support", "members": ["1e3"]}, "members"),
    ],
)
def test_it_refuses_a_bad_team(form: dict, field: str) -> None:
    values, errors = validate_team(MultiDict(form), staff_ids={10, 11}, calendar_ids={3})
    assert values is None and set(errors) == {field}


def test_it_cleans_a_team() -> None:
    form = MultiDict(
        name=" Support ",
        is_default="on",
        manager="10",
        members=["10", "11", "10"],
        calendar="3",
        escalate_to="",
    )
    values, errors = validate_team(form, staff_ids={10, 11}, calendar_ids={3})
    assert errors == {}
    assert values is not None
    assert (values.name, values.is_default, values.manager_id) == ("Support", True, 10)
    assert (values.member_ids, values.calendar_id, values.escalate_to_id) == (
        frozenset({10, 11}),
        3,
        None,
    )


def test_it_keeps_the_default_team_ticked() -> None:
    _, errors = validate_team(
        {"name": "Support"}, staff_ids=(), calendar_ids=(), currently_default=True
    )
    assert set(errors) == {"is_default"}


# -- routing rules -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"name": ""}, "name", "Enter a rule name"),
        ({"name": "n" * 121}, "name", "120 characters"),
        ({"kinds": "complaint, moan"}, "kinds", "“moan”"),
        ({"kinds": "complaint, moan, gripe"}, "kinds", "Unknown kinds"),
        ({"categories": "Weather"}, "categories", "Choose from Product, Delivery, Billing"),
        ({"touchpoints": "Fax"}, "touchpoints", "Unknown touchpoint"),
        ({"segments": "vip"}, "segments", "Unknown segment"),
        ({"segments": "key," * 60}, "segments", "200 characters"),
        ({"keywords": "k" * 61}, "keywords", "60 characters"),
        ({"keywords": ",".join(f"w{i}" for i in range(31))}, "keywords", "at most 30"),
        ({"team": ""}, "team", "Choose the team"),
        ({"team": "3"}, "team", "Choose the team"),
        ({"assignee": "12"}, "assignee", "member of the chosen team"),
        ({"assignee": "x"}, "assignee", "member of the chosen team"),
    ],
)
def test_it_refuses_a_bad_rule(fields: dict, field: str, fragment: str) -> None:
    values, errors = check_rule(**fields)
    assert values is None
    assert set(errors) == {field}
    assert fragment in errors[field]


def test_it_cleans_a_rule_to_the_configured_spelling() -> None:
    values, errors = check_rule(
        categories="billing, BILLING, delivery",
        kinds="Complaint,question",
        touchpoints="mobile APP",
        segments="Key",
        keywords=" refund , Charged   twice, REFUND",
        assignee="11",
        is_active="on",
    )
    assert errors == {}
    assert values is not None
    assert values.model_fields() == {
        "name": "Billing complaints",
        "is_active": True,
        "categories": "Billing, Delivery",
        "kinds": "complaint, question",
        "touchpoints": "Mobile app",
        "segments": "key",
        "keywords": "refund, Charged twice",
        "team_id": 1,
        "assignee_id": 11,
    }


def test_it_lets_a_rule_match_everything() -> None:
    values, errors = check_rule()
    assert errors == {} and values is not None
    assert (values.categories, values.kinds, values.keywords, values.is_active) == (
        (),
        (),
        (),
        False,
    )


# -- calendars ---------------------------------------------------------------------------------

CALENDAR = {"name": "Berlin", "timezone": "Europe/Berlin", "spec": "mon-fri 09:00-17:00"}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"name": ""}, "name"),
        ({"timezone": ""}, "timezone"),
        ({"timezone": "Europe/Atlantis"}, "timezone"),
        ({"timezone": "/etc/localtime"}, "timezone"),
        ({"timezone": "Europe/" + "x" * 70}, "timezone"),
        ({"spec": ""}, "spec"),
        ({"spec": "mon-fri 9-5"}, "spec"),
        ({"spec": "mon-fri 09:00-25:00"}, "spec"),
        ({"spec": "mon 09:00-17:00; 24/7"}, "spec"),
        ({"spec": "mon 09:00-17:00;" * 40}, "spec"),
        ({"holidays": "2026-13-01"}, "holidays"),
        ({"holidays": "20261225"}, "holidays"),
        ({"holidays": "tomorrow"}, "holidays"),
        ({"holidays": "2026-01-01\n" * 500}, "holidays"),
    ],
)
def test_it_refuses_a_bad_calendar(fields: dict, field: str) -> None:
    values, errors = validate_calendar({**CALENDAR, **fields})
    assert values is None and set(errors) == {field}
    assert errors[field].endswith((".", ")"))


def test_it_cleans_a_calendar() -> None:
    values, errors = validate_calendar(
        {
            "name": " Shop ",
            "timezone": "america/new_york",
            "spec": " mon-fri 09:00-17:00 \n\n sat 10:00-14:00 ",
            "holidays": "2026-12-25, 2026-07-03\n2026-12-25",
        }
    )
    assert errors == {}
    assert values is not None
    assert (values.name, values.timezone) == ("Shop", "America/New_York")
    assert values.spec == "mon-fri 09:00-17:00; sat 10:00-14:00"
    assert values.holidays == (date(2026, 7, 3), date(2026, 12, 25))
    assert values.holidays_text == "2026-07-03\n2026-12-25"
    assert values.is_default is False


def test_it_accepts_around_the_clock_and_utc() -> None:
    values, errors = validate_calendar({**CALENDAR, "timezone": "utc", "spec": "24/7"})
    assert errors == {} and values is not None
    assert (values.timezone, values.spec) == ("UTC", "24/7")


def test_it_keeps_the_default_calendar_ticked() -> None:
    _, errors = validate_calendar(CALENDAR, currently_default=True)
    assert set(errors) == {"is_default"}


# -- targets -----------------------------------------------------------------------------------

TARGET = {"priority": "high", "segment": "", "first_response": "4", "resolution": "16"}


@pytest.mark.parametrize(
    ("typed", "minutes"),
    [("0.5", 30), ("1", 60), ("1.25", 75), ("0,5", 30), ("0.33", 20), ("0.02", 1), ("1000", 60000)],
)
def test_it_turns_hours_into_minutes(typed: str, minutes: int) -> None:
    values, errors = validate_target(
        {**TARGET, "first_response": typed, "resolution": "1000", "warn_at": "75"},
        segments=SEGMENTS,
    )
    assert errors == {} and values is not None
    assert values.first_response_minutes == minutes


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"first_response": ""}, "first_response"),
        ({"first_response": "four"}, "first_response"),
        ({"first_response": "0"}, "first_response"),
        ({"first_response": "-2"}, "first_response"),
        ({"first_response": "0.001"}, "first_response"),
        ({"first_response": "inf"}, "first_response"),
        ({"first_response": "1000.5"}, "first_response"),
        ({"first_response": "1" * 11}, "first_response"),
        ({"resolution": "3"}, "resolution"),  # shorter than the 4-hour first response
        ({"warn_at": "0"}, "warn_at"),
        ({"warn_at": "100"}, "warn_at"),
        ({"warn_at": "75.5"}, "warn_at"),
        ({"warn_at": ""}, "warn_at"),
        ({"priority": "critical"}, "priority"),
        ({"segment": "vip"}, "segment"),
    ],
)
def test_it_refuses_a_bad_target(fields: dict, field: str) -> None:
    values, errors = validate_target({**TARGET, "warn_at": "75", **fields}, segments=SEGMENTS)
    assert values is None and set(errors) == {field}


def test_it_cleans_a_target() -> None:
    values, errors = validate_target(
        {**TARGET, "segment": "KEY", "warn_at": "80%"}, segments=SEGMENTS
    )
    assert errors == {}
    assert values is not None
    assert (values.priority, values.segment, values.warn_at_percent) == ("high", "key", 80)
    assert (values.first_response_minutes, values.resolution_minutes) == (240, 960)


@pytest.mark.parametrize(
    ("minutes", "shown"), [(30, "0.5"), (60, "1"), (90, "1.5"), (20, "0.33"), (1, "0.02")]
)
def test_it_shows_minutes_as_hours_that_read_back_the_same(minutes: int, shown: str) -> None:
    assert format_hours(minutes) == shown
    values, _ = validate_target(
        {**TARGET, "first_response": shown, "resolution": "100", "warn_at": "75"},
        segments=SEGMENTS,
    )
    assert values is not None and values.first_response_minutes == minutes


# -- staff -------------------------------------------------------------------------------------

ACCOUNT = {"email": "kim@example.test", "name": "Kim Lo", "role": "agent", "password": "x" * 10}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": ""}, "email"),
        ({"email": "kim"}, "email"),
        ({"email": "kim@localhost"}, "email"),
        ({"email": "a b@example.test"}, "email"),
        ({"email": "k" * 250 + "@example.test"}, "email"),
        ({"name": ""}, "name"),
        ({"name": "n" * 121}, "name"),
        ({"role": "admin"}, "role"),
        ({"role": "owner"}, "role"),
        ({"password": "x" * 9}, "password"),
        ({"password": " " * 12}, "password"),
        ({"password": "x" * 1025}, "password"),
    ],
)
def test_it_refuses_a_bad_account(fields: dict, field: str) -> None:
    values, errors = validate_new_staff(
        {**ACCOUNT, **fields}, allowed_roles=("agent", "manager"), min_password_length=10
    )
    assert values is None and set(errors) == {field}


def test_it_cleans_an_account() -> None:
    values, errors = validate_new_staff(
        {**ACCOUNT, "email": " Kim@Example.TEST ", "password": " spaces count "},
        allowed_roles=("agent",),
    )
    assert errors == {}
    assert values is not None
    assert (values.email, values.password) == ("kim@example.test", " spaces count ")
