"""The view's filters read the same way on every page of the dashboard: the dashboard, the
drill-down, the CSV export and a rep's page. Unknown values are ignored and said so; custom
dates end today at the latest, a too-long period keeps its end, a start after the end is
refused next to the fields."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup

from tests.conftest import sign_in
from tests.triage.metrics_helpers import NOW, customer, item
from triage.models import Team


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):  # Tuesday 31 Mar 2026
        yield


def soup(response) -> BeautifulSoup:  # noqa: ANN001
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def notices(page: BeautifulSoup) -> list[str]:
    return [li.get_text(strip=True) for li in page.select("#filter-problems li")]


def scope(page: BeautifulSoup) -> str:
    return page.select_one(".scope").get_text(" ", strip=True)


UNKNOWN = [
    ("team=999", "Unknown team “999”: showing all teams."),
    ("team=abc", "Unknown team “abc”: showing all teams."),
    ("rep=abc", "Unknown rep “abc”: showing all reps."),
    ("rep=999999", "Unknown rep “999999”: showing all reps."),
    ("category=Nope", "Unknown category “Nope”: showing all categories."),
    ("segment=zzz", "Unknown segment “zzz”: showing all segments."),
]


@pytest.fixture
async def two_items(agent):  # noqa: ANN001, ANN201
    care = await Team.create(name="Care")
    key = await customer("key")
    await item(key, owner=agent, team=care, category="Billing")
    await item(category="Delivery")
    return agent


@pytest.mark.parametrize(("query", "notice"), UNKNOWN)
async def test_the_dashboard_ignores_an_unknown_filter_and_says_so(
    client, manager, two_items, query, notice
) -> None:
    await sign_in(client, manager)
    for headers in ({}, {"HX-Request": "true"}):
        page = soup(await client.get(f"/manager?{query}", headers=headers))
        assert page.select_one("#tile-received .tile-value").get_text(strip=True) == "2"
        assert notices(page) == [notice]
        assert "zzz" not in scope(page) and "Nope" not in scope(page)
        link = page.select_one("#tile-received a")["href"]
        assert query not in link  # the drill-down and export get the view as shown


@pytest.mark.parametrize(("query", "notice"), UNKNOWN)
async def test_the_drill_down_ignores_an_unknown_filter_and_says_so(
    client, manager, two_items, query, notice
) -> None:
    await sign_in(client, manager)
    page = soup(await client.get(f"/manager/items?figure=received&{query}"))
    assert len(page.select("table.drill tbody tr")) == 2
    assert notices(page) == [notice]
    assert "customers" not in scope(page)


@pytest.mark.parametrize(("query", "notice"), UNKNOWN)
async def test_the_export_ignores_an_unknown_filter(
    client, manager, two_items, query, notice
) -> None:
    await sign_in(client, manager)
    response = await client.get(f"/manager/export.csv?{query}")
    assert response.status_code == 200
    assert len(list(csv.DictReader(io.StringIO(response.text)))) == 2


@pytest.mark.parametrize(("query", "notice"), [q for q in UNKNOWN if not q[0].startswith("rep")])
async def test_the_rep_page_ignores_an_unknown_filter_and_says_so(
    client, manager, two_items, query, notice
) -> None:
    agent = two_items
    await sign_in(client, manager)
    page = soup(await client.get(f"/manager/reps/{agent.id}?{query}"))
    assert page.select_one("#tile-handled .tile-value").get_text(strip=True) == "1"
    assert notices(page) == [notice]


async def test_known_filters_narrow_every_page_alike(client, manager, two_items) -> None:
    agent = two_items
    care = await Team.get(name="Care")
    await sign_in(client, manager)
    for query in (f"team={care.id}", f"rep={agent.id}", "category=billing", "segment=key"):
        page = soup(await client.get(f"/manager?{query}"))
        assert page.select_one("#tile-received .tile-value").get_text(strip=True) == "1", query
        assert notices(page) == []
        drill = soup(await client.get(f"/manager/items?figure=received&{query}"))
        assert len(drill.select("table.drill tbody tr")) == 1, query
        rows = list(
            csv.DictReader(io.StringIO((await client.get(f"/manager/export.csv?{query}")).text))
        )
        assert len(rows) == 1, query
    page = soup(await client.get("/manager?segment=key"))
    assert "· key customers" in scope(page)


# --------------------------------------------------------------------------- custom dates


def dates_in_form(page: BeautifulSoup) -> tuple[str, str]:
    form = page.select_one("form#dashboard-filters")
    return form.select_one("#filter-start")["value"], form.select_one("#filter-end")["value"]


@pytest.mark.parametrize(
    ("query", "heading", "form", "said"),
    [
        (
            "start=2026-03-01&end=2999-12-31",
            "Items received 1 Mar 2026 – 31 Mar 2026",
            ("2026-03-01", "2026-03-31"),
            ["The end date 31 Dec 2999 is in the future: showing up to today, 31 Mar 2026."],
        ),
        (
            "start=1900-01-01&end=2999-12-31",
            "Items received 30 Mar 2023 – 31 Mar 2026",
            ("2023-03-30", "2026-03-31"),
            [
                "The end date 31 Dec 2999 is in the future: showing up to today, 31 Mar 2026.",
                "A period can be at most 1,098 days: showing 30 Mar 2023 to 31 Mar 2026 "
                "(you asked from 1 Jan 1900).",
            ],
        ),
        (
            "start=2020-01-01&end=2025-06-30",
            "Items received 29 Jun 2022 – 30 Jun 2025",
            ("2022-06-29", "2025-06-30"),
            [
                "A period can be at most 1,098 days: showing 29 Jun 2022 to 30 Jun 2025 "
                "(you asked from 1 Jan 2020)."
            ],
        ),
    ],
)
async def test_custom_dates_end_today_and_keep_their_end(
    client, manager, query, heading, form, said
) -> None:
    await sign_in(client, manager)
    page = soup(await client.get(f"/manager?period=custom&{query}"))
    assert page.select_one("#figures-heading").get_text(" ", strip=True) == heading
    assert dates_in_form(page) == form
    assert notices(page) == said
    assert page.select_one("#dates-error") is None


async def test_a_start_after_the_end_is_refused_next_to_the_fields(client, manager) -> None:
    await item(at=NOW - timedelta(days=3))
    await sign_in(client, manager)
    url = "/manager?period=custom&start=2026-02-10&end=2026-02-01"
    page = soup(await client.get(url))
    error = (
        "The start date 10 Feb 2026 is after the end date 1 Feb 2026: "
        "choose a start on or before the end."
    )
    assert page.select_one("#dates-error").get_text(strip=True) == error
    form = page.select_one("form#dashboard-filters")
    assert dates_in_form(page) == ("2026-02-10", "2026-02-01")  # as typed
    assert form.select_one("input[name=period][value=custom]").has_attr("checked")
    assert not form.select("input[name=period][value='28'][checked]")
    for field in ("#filter-start", "#filter-end"):
        assert form.select_one(field)["aria-invalid"] == "true"
        assert "dates-error" in form.select_one(field)["aria-describedby"].split()
    # The figures are the last 28 days, and say so (htmx swaps only the figures).
    fragment = soup(await client.get(url, headers={"HX-Request": "true"}))
    for shown in (page, fragment):
        assert shown.select_one("#figures-heading").get_text(" ", strip=True) == (
            "Items received 4 Mar 2026 – 31 Mar 2026"
        )
        assert notices(shown) == [error, "Showing the last 28 days instead."]
        assert shown.select_one("#tile-received .tile-value").get_text(strip=True) == "1"


async def test_the_notices_are_in_the_readers_language(client, manager) -> None:
    await sign_in(client, manager)
    page = soup(
        await client.get(
            "/manager?lang=zh_CN&period=custom&start=2026-03-01&end=2999-12-31&segment=zzz"
        )
    )
    assert notices(page) == [
        "结束日期 2999年12月31日 在未来：显示截至今天（2026年3月31日）的数据。",
        "未知客户分组“zzz”：显示全部分组。",
    ]
