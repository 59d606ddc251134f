"""Public pages in English and Simplified Chinese; times in the viewer's zone, zone named."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from portal.i18n import choose_language, format_day, format_when, parse_accept_language
from tests.conftest import submit


@pytest.mark.parametrize(
    ("query", "cookie", "accept", "expected"),
    [
        (None, None, "", "en"),
        (None, None, "zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
        (None, None, "zh-Hans", "zh_CN"),
        (None, None, "de-DE,en;q=0.5", "en"),
        (None, None, "fr, zh;q=0.7", "zh_CN"),
        (None, "zh_CN", "en", "zh_CN"),
        ("en", "zh_CN", "zh-CN", "en"),
        ("klingon", None, "zh-CN", "zh_CN"),
    ],
)
def test_it_chooses_the_language(query, cookie, accept, expected) -> None:
    assert choose_language(query, cookie, accept) == expected


def test_it_orders_accept_language_by_quality() -> None:
    assert parse_accept_language("en;q=0.3, zh-CN, de;q=0.5") == ["zh-CN", "de", "en"]


@pytest.mark.parametrize(
    ("language", "day", "with_year", "without_year"),
    [
        ("en", date(2026, 11, 9), "9 Nov 2026", "9 Nov"),
        ("en", date(2026, 9, 7), "7 Sep 2026", "7 Sep"),
        ("en", date(2026, 12, 31), "31 Dec 2026", "31 Dec"),
        ("zh_CN", date(2026, 11, 9), "2026年11月9日", "11月9日"),
        ("zh_CN", date(2026, 1, 1), "2026年1月1日", "1月1日"),
    ],
)
def test_it_writes_days_in_the_readers_language(language, day, with_year, without_year) -> None:
    assert format_day(day, language) == with_year
    assert format_day(day, language, year=False) == without_year


def test_it_names_the_zone() -> None:
    moment = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert format_when(moment, ZoneInfo("Europe/Berlin"), "en") == "Jul 1, 2026, 2:00\u202fPM CEST"
    assert format_when(moment, ZoneInfo("Asia/Shanghai"), "zh_CN") == "2026年7月1日 20:00 CST"


async def test_it_serves_the_form_in_chinese_from_accept_language(client) -> None:
    response = await client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    page = BeautifulSoup(response.text, "html.parser")
    assert page.html["lang"] == "zh-CN"
    assert page.find("button", attrs={"type": "submit", "class": "primary"}).text != "Send feedback"
    assert "Tell us what you think" not in response.text


async def test_it_remembers_the_switcher_choice(client) -> None:
    response = await client.get("/?lang=zh_CN")
    assert "lang=zh_CN" in response.headers["set-cookie"]
    again = await client.get("/feedback/new")
    assert BeautifulSoup(again.text, "html.parser").html["lang"] == "zh-CN"
    back = await client.get("/?lang=en")
    assert "Tell us what you think" in back.text


async def test_it_translates_validation_errors(client) -> None:
    await client.get("/?lang=zh_CN")
    response = await submit(client, email="not-an-email")
    error = BeautifulSoup(response.text, "html.parser").find(id="email-error").text
    assert (
        error
        and "name@example.com" in error
        and error != ("Enter an e-mail address like name@example.com.")
    )


async def test_it_shows_times_in_the_viewer_zone(client) -> None:
    response = await submit(client)
    thanks = await client.get(response.headers["location"])
    link = BeautifulSoup(thanks.text, "html.parser").find(id="tracking-link")["href"]
    client.cookies.set("tz", "Asia/Tokyo")
    page = await client.get(link)
    assert "JST" in page.text
    assert "Asia/Tokyo" in page.text
