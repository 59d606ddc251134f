"""Managers keep business-hours calendars: time zone, opening hours, holidays, one default."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.conftest import get_csrf, sign_in
from triage.models import BusinessHours
from triage.sla import calendar_from_row


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def post(client, path: str, data: dict, page: str = "/manage/calendars"):
    token = await get_csrf(client, page)
    return await client.post(path, data={"csrf_token": token, **data})


def calendar_form(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Support Berlin",
        "timezone": "europe/berlin",
        "spec": "mon-fri 09:00-12:00, 13:00-18:00\nsat 10:00-14:00",
        "holidays": "2026-12-25, 2026-12-24\n2026-12-25",
        "is_default": "",
    }
    data.update(overrides)
    return data


async def test_it_sends_anonymous_visitors_to_sign_in(client, db) -> None:
    response = await client.get("/manage/calendars")
    assert response.status_code == 303
    assert urlsplit(response.headers["location"]).path == "/staff/sign-in"


async def test_it_returns_403_for_an_agent(client, agent) -> None:
    await sign_in(client, agent)
    assert (await client.get("/manage/calendars")).status_code == 403
    token = await get_csrf(client, "/staff/items")
    response = await client.post("/manage/calendars", data={"csrf_token": token, **calendar_form()})
    assert response.status_code == 403
    assert await BusinessHours.all().count() == 0


async def test_it_shows_a_useful_empty_state(client, manager) -> None:
    await sign_in(client, manager)
    response = await client.get("/manage/calendars")
    assert response.status_code == 200
    page = soup(response)
    assert "Monday to Friday" in page.select_one("p.empty").text
    assert page.find(id="timezone")["value"] == "UTC"
    assert page.find("datalist", id="timezone-names").find("option", value="Asia/Shanghai")


async def test_it_creates_a_calendar_that_the_clock_can_read(client, manager) -> None:
    await sign_in(client, manager)
    response = await post(client, "/manage/calendars", calendar_form())
    assert response.status_code == 303
    row = await BusinessHours.get()
    assert row.timezone == "Europe/Berlin"  # the IANA spelling, whatever the case typed
    assert row.spec == "mon-fri 09:00-12:00, 13:00-18:00; sat 10:00-14:00"
    assert row.holidays == "2026-12-24\n2026-12-25"
    assert row.is_default  # the first calendar is the default
    calendar = calendar_from_row(row)
    assert calendar.tz.key == "Europe/Berlin" and len(calendar.holidays) == 2

    page = soup(await client.get("/manage/calendars"))
    assert page.select_one(f"#calendar-{row.id} .badge.default") is not None


async def test_it_keeps_exactly_one_default_calendar(client, manager) -> None:
    await sign_in(client, manager)
    await post(client, "/manage/calendars", calendar_form())
    await post(client, "/manage/calendars", calendar_form(name="Shop", is_default="on"))
    assert await BusinessHours.filter(is_default=True).values_list("name", flat=True) == ["Shop"]

    berlin = await BusinessHours.get(name="Support Berlin")
    page = f"/manage/calendars/{berlin.id}"
    response = await post(client, page, calendar_form(is_default="on"), page)
    assert response.status_code == 303
    assert await BusinessHours.filter(is_default=True).values_list("name", flat=True) == [
        "Support Berlin"
    ]

    response = await post(client, page, calendar_form(is_default=""), page)
    assert response.status_code == 422
    assert soup(response).find(id="is_default-error") is not None
    assert (await BusinessHours.get(id=berlin.id)).is_default


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter a calendar name"),
        ("timezone", "Mars/Olympus", "is not a time zone we know"),
        ("timezone", "../../etc/passwd", "is not a time zone we know"),
        ("spec", "mon-fri 17:00-09:00", "17:00–09:00 ends before it starts"),
        ("spec", "someday 09:00-17:00", "“someday” is not a day"),
        ("spec", "", "Enter the opening hours"),
        ("holidays", "2026-12-25\n25/12/2026", "“25/12/2026” is not a date"),
        ("holidays", "2026-02-30", "“2026-02-30” is not a date"),
    ],
)
async def test_it_keeps_what_was_typed_when_a_field_is_wrong(
    client, manager, field: str, value: str, message: str
) -> None:
    await sign_in(client, manager)
    response = await post(client, "/manage/calendars", calendar_form(**{field: value}))
    assert response.status_code == 422
    page = soup(response)
    assert message in page.find(id=f"{field}-error").text
    control = page.find(id=field)
    assert control["aria-invalid"] == "true"
    assert f"{field}-error" in control["aria-describedby"].split()
    typed = control.text if control.name == "textarea" else control["value"]
    assert typed.strip() == value.strip()
    assert page.find(id="name")["value"] == calendar_form(**{field: value})["name"]
    assert await BusinessHours.all().count() == 0


async def test_it_edits_a_calendar(client, manager) -> None:
    await sign_in(client, manager)
    await post(client, "/manage/calendars", calendar_form())
    row = await BusinessHours.get()
    page = f"/manage/calendars/{row.id}"
    form = soup(await client.get(page))
    assert form.find(id="holidays").text.strip() == "2026-12-24\n2026-12-25"

    response = await post(
        client,
        page,
        calendar_form(timezone="Asia/Tokyo", spec="24/7", holidays="", is_default="on"),
        page,
    )
    assert response.status_code == 303
    row = await BusinessHours.get()
    assert (row.timezone, row.spec, row.holidays) == ("Asia/Tokyo", "24/7", "")


async def test_it_refuses_a_duplicate_name_whatever_the_case(client, manager) -> None:
    await sign_in(client, manager)
    await post(client, "/manage/calendars", calendar_form())
    response = await post(client, "/manage/calendars", calendar_form(name="support berlin"))
    assert response.status_code == 422
    assert "already a calendar" in soup(response).find(id="name-error").text


async def test_it_refuses_a_post_without_csrf(client, manager) -> None:
    await sign_in(client, manager)
    response = await client.post("/manage/calendars", data=calendar_form())
    assert response.status_code == 403
    assert await BusinessHours.all().count() == 0


async def test_it_answers_404_for_an_unknown_calendar(client, manager) -> None:
    await sign_in(client, manager)
    assert (await client.get("/manage/calendars/999999")).status_code == 404


async def test_it_explains_hours_past_midnight_in_plain_words(client, manager) -> None:
    await sign_in(client, manager)
    response = await post(client, "/manage/calendars", calendar_form(spec="mon-fri 18:00-09:00"))
    assert response.status_code == 422
    assert soup(response).find(id="spec-error").text == (
        "18:00–09:00 ends before it starts: for hours past midnight write two ranges, the "
        "second on the next day: “mon-fri 18:00-24:00; tue-sat 00:00-09:00”."
    )
    assert await BusinessHours.all().count() == 0
    fixed = await post(
        client,
        "/manage/calendars",
        calendar_form(spec="mon-fri 18:00-24:00; tue-sat 00:00-09:00"),
    )
    assert fixed.status_code == 303
    assert await BusinessHours.all().count() == 1
