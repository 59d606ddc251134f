"""The managers' dashboard over HTTP: access, the two renderings, drill-down, CSV, per-rep page."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import time_machine
from bs4 import BeautifulSoup

from feedback.models import Customer, FeedbackItem, FollowUp, Status
from portal.auth import create_staff
from portal.models import Role
from tests.conftest import PASSWORD, sign_in
from tests.triage.metrics_helpers import HOUR, NOW, customer, item, resolve, survey
from triage.metrics import EXPORT_COLUMNS
from triage.models import Team

PAGES = ["/manager", "/manager/items", "/manager/export.csv"]


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def soup(response) -> BeautifulSoup:  # noqa: ANN001
    return BeautifulSoup(response.text, "html.parser")


def tile(page: BeautifulSoup, name: str) -> str:
    return page.select_one(f"#tile-{name} .tile-value").get_text(strip=True)


def row_ids(page: BeautifulSoup) -> list[int]:
    return [int(tr["id"].removeprefix("item-")) for tr in page.select("table.drill tbody tr")]


async def test_it_sends_anonymous_visitors_to_sign_in(client) -> None:
    for path in [*PAGES, "/manager/reps/1"]:
        response = await client.get(path)
        assert response.status_code == 303
        target = urlsplit(response.headers["location"])
        assert target.path == "/staff/sign-in"
        assert parse_qs(target.query)["next"] == [path]


async def test_it_returns_403_for_an_agent(client, agent) -> None:
    await sign_in(client, agent)
    for path in [*PAGES, f"/manager/reps/{agent.id}"]:
        assert (await client.get(path)).status_code == 403, path


async def test_it_hides_the_dashboard_link_from_agents(client, agent, manager) -> None:
    await sign_in(client, agent)
    nav = soup(await client.get("/staff/items")).select("header nav a")
    assert "/manager" not in [urlsplit(a["href"]).path for a in nav]
    await sign_in(client, manager)
    nav = soup(await client.get("/staff/items")).select("header nav a")
    assert "/manager" in [urlsplit(a["href"]).path for a in nav]


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
async def test_it_shows_the_figures_to_managers_and_admins(client, db, role) -> None:
    user = await create_staff(f"{role}@example.test", f"The {role}", PASSWORD, role)
    await item(owner=user, first_response_business_seconds=2 * HOUR, first_response_met=True)
    await item(first_response_business_seconds=4 * HOUR, first_response_met=False)
    await item(status=Status.IN_PROGRESS, at=NOW - timedelta(days=10))
    await sign_in(client, user)
    response = await client.get("/manager")
    assert response.status_code == 200
    page = soup(response)
    assert tile(page, "received") == "3"
    assert tile(page, "first-response") == "3.0 h"  # median of 2 h and 4 h
    assert tile(page, "first-response-kept") == "50%"
    assert tile(page, "breaches") == "1"
    assert tile(page, "backlog") == "3"  # the two new items are still open too
    assert "HX-Request" in response.headers["vary"]


async def test_each_chart_is_an_accessible_svg_with_its_numbers_in_a_table(client, manager) -> None:
    await item(owner=manager, first_response_business_seconds=HOUR, sentiment_score=-0.5)
    await sign_in(client, manager)
    page = soup(await client.get("/manager"))
    sections = ("response-trend", "compliance", "backlog", "sentiment", "complaint-topics")
    for section in (*sections, "root-causes"):
        card = page.select_one(f"section#{section}")
        svg = card.find("svg")
        assert svg["role"] == "img"
        title_id, desc_id = svg["aria-labelledby"].split()
        assert svg.find("title", id=title_id).text and svg.find("desc", id=desc_id).text
        assert card.find("table").find("caption").text
        assert not card.select("[style]")  # the CSP forbids inline styles
    backlog = page.select("section#backlog table tbody tr")
    assert [r.find("td").get_text(strip=True) for r in backlog] == ["0", "1", "0", "0", "0"]


async def test_it_escapes_names_in_charts(client, manager) -> None:
    rogue = await create_staff("x@example.test", "<script>alert(1)</script>", PASSWORD, Role.AGENT)
    await item(owner=rogue, first_response_met=True)
    await sign_in(client, manager)
    response = await client.get("/manager")
    assert "<script>alert(1)</script>" not in response.text
    page = soup(response)
    assert not [s for s in page.find_all("script") if "alert" in s.text]
    labels = page.select_one("svg#chart-compliance").find_all("text")
    assert any("<script>" in label.get_text() for label in labels)


async def test_it_sends_only_the_figures_to_htmx(client, manager) -> None:
    await item(owner=manager)
    await sign_in(client, manager)
    full = await client.get("/manager?period=7")
    fragment = await client.get("/manager?period=7", headers={"HX-Request": "true"})
    assert "<html" in full.text and "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["vary"]
    ids = {tag["id"] for tag in soup(fragment).select("[id]")}
    assert {"tiles", "tile-received", "response-trend", "compliance", "backlog"} <= ids
    full_ids = {tag["id"] for tag in soup(full).select("#dashboard-figures [id]")}
    assert ids == full_ids
    assert soup(full).select_one("form#dashboard-filters")["hx-target"] == "#dashboard-figures"
    boosted = await client.get("/manager", headers={"HX-Request": "true", "HX-Boosted": "true"})
    assert "<html" in boosted.text


async def test_the_filters_live_in_the_url(client, manager, agent) -> None:
    care = await Team.create(name="Care")
    await item(owner=agent, team=care, category="Billing", at=NOW - timedelta(days=3))
    await item(owner=agent, category="Billing", at=NOW - timedelta(days=3))
    await item(owner=agent, team=care, category="Billing", at=NOW - timedelta(days=20))
    await sign_in(client, manager)
    page = soup(await client.get(f"/manager?period=7&team={care.id}&category=Billing"))
    assert tile(page, "received") == "1"
    form = page.select_one("form#dashboard-filters")
    assert form.select_one("input[name=period][value='7']").has_attr("checked")
    assert form.select_one(f"#filter-team option[value='{care.id}']").has_attr("selected")
    link = page.select_one("#tile-received a")["href"]
    query = parse_qs(urlsplit(link).query)
    assert query == {
        "period": ["7"],
        "team": [str(care.id)],
        "category": ["Billing"],
        "figure": ["received"],
    }


async def test_it_reports_unreadable_filters(client, manager) -> None:
    await sign_in(client, manager)
    page = soup(await client.get("/manager?period=custom&start=yesterday&team=abc"))
    problems = [li.text for li in page.select("#filter-problems li")]
    assert len(problems) == 2


async def test_the_drill_down_lists_the_items_behind_a_figure(client, manager, agent) -> None:
    missed = await item(owner=agent, first_response_met=False)
    escalated = await item(owner=agent, first_response_met=True, escalated_for="resolution")
    await item(owner=agent, first_response_met=True)
    await item(owner=agent, first_response_met=False, at=NOW - timedelta(days=60))  # too old
    await sign_in(client, manager)
    page = soup(await client.get("/manager"))
    link = page.select_one("#tile-breaches .tile-value a")["href"]
    listing = soup(await client.get(link))
    assert row_ids(listing) == [escalated.id, missed.id]  # newest first (same day: by id)
    assert "Breaches" in listing.find("h1").text
    detail = page.select_one("#tile-first-response-kept .tile-detail a")["href"]
    assert row_ids(soup(await client.get(detail))) == [missed.id]


async def test_the_drill_down_pages_50_at_a_time_newest_first(client, manager) -> None:
    cust = await customer()
    made = [await item(cust, at=NOW - timedelta(hours=n + 1)) for n in range(51)]
    await sign_in(client, manager)
    first = soup(await client.get("/manager/items?figure=received"))
    assert row_ids(first) == [i.id for i in made[:50]]
    older = first.select_one("nav.pager a[rel=next]")["href"]
    second = soup(await client.get(older))
    assert row_ids(second) == [made[50].id]
    fragment = await client.get(older, headers={"HX-Request": "true"})
    assert "<html" not in fragment.text and row_ids(soup(fragment)) == [made[50].id]
    assert "HX-Request" in fragment.headers["vary"]


async def test_the_drill_down_shows_timing_fields(client, manager) -> None:
    done = await item(
        first_response_business_seconds=90 * 60,
        first_response_met=True,
        resolution_business_seconds=10 * HOUR,
        resolution_met=False,
        resolved_at=NOW,
    )
    await sign_in(client, manager)
    page = soup(await client.get("/manager/items?figure=resolution"))
    cells = page.select_one(f"tr#item-{done.id}").select("td.timing")
    assert [c["data-seconds"] for c in cells] == ["5400", "36000"]
    assert [c.get_text(" ", strip=True) for c in cells] == ["1.5 h met", "10.0 h missed"]


@pytest.mark.parametrize("query", ["figure=nonsense", "figure=backlog&bucket=ancient"])
async def test_it_answers_404_for_an_unknown_figure(client, manager, query) -> None:
    await sign_in(client, manager)
    assert (await client.get(f"/manager/items?{query}")).status_code == 404
    assert (await client.get(f"/manager/export.csv?{query}")).status_code == 404


async def test_the_csv_export_has_one_row_per_item_with_timing_fields(client, manager) -> None:
    rogue = await create_staff("r@example.test", "@Rogue Rep", PASSWORD, Role.AGENT)
    key = await customer("key")
    first = await item(
        key,
        owner=rogue,
        category='=HYPERLINK("http://evil")',
        first_response_business_seconds=5400,
        first_response_met=True,
        resolution_business_seconds=7200,
        resolution_met=False,
        resolved_at=NOW - timedelta(hours=1),
        first_response_at=NOW - timedelta(days=1),
        reopen_count=1,
        sentiment_label="negative",
        sentiment_score=-0.75,
    )
    await resolve(first, "Delivery", effort=10, at=NOW - timedelta(days=1))
    await resolve(first, "+Our own policy", effort=25)
    await survey(first, 2, 4)
    second = await item()
    await item(at=NOW - timedelta(days=90))  # outside the period
    await sign_in(client, manager)
    response = await client.get("/manager/export.csv")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"].startswith("attachment; filename=")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0] == list(EXPORT_COLUMNS)
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [r["reference"] for r in records] == [first.reference, second.reference]
    got = records[0]
    assert got["category"] == '\'=HYPERLINK("http://evil")'
    assert got["owner"] == "'@Rogue Rep"
    assert got["root_cause"] == "'+Our own policy"  # the latest resolution's cause
    assert got["segment"] == "key" and got["effort_minutes"] == "35"
    assert got["first_response_business_hours"] == "1.5"
    assert got["resolution_business_hours"] == "2.0"
    assert (got["first_response_met"], got["resolution_met"]) == ("yes", "no")
    assert got["sentiment_score"] == "-0.75" and got["reopen_count"] == "1"
    assert (got["satisfaction"], got["recommend"]) == ("2", "4")
    assert got["created_at"] == (NOW - timedelta(days=2)).isoformat()
    assert records[1]["first_response_met"] == "" and records[1]["owner"] == ""


async def test_the_csv_export_follows_the_figure_and_filters(client, manager) -> None:
    missed = await item(resolution_met=False)
    await item(resolution_met=True)
    await sign_in(client, manager)
    response = await client.get("/manager/export.csv?period=7&figure=breaches&bucket=resolution")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [r["reference"] for r in rows] == [missed.reference]
    assert "breaches" in response.headers["content-disposition"]
    page = soup(await client.get("/manager?period=7"))
    assert page.select_one("#export-link")["href"] == "/manager/export.csv?period=7"


async def test_the_rep_page_shows_figures_for_appraisals(client, manager, agent) -> None:
    cust = await Customer.create(email="k@example.com", name="Key", segment="key", owner=agent)
    done = await item(cust, owner=agent, resolved_at=NOW, first_response_met=True)
    await item(owner=agent, first_response_met=False)
    await survey(done, 5, 10)
    due = NOW - timedelta(days=3)
    await FollowUp.create(
        item=done, customer=cust, owner=agent, due_at=due, done_at=due, created_at=due
    )
    await FollowUp.create(item=done, customer=cust, owner=agent, due_at=due, created_at=due)
    await sign_in(client, manager)
    response = await client.get(f"/manager/reps/{agent.id}?period=28")
    assert response.status_code == 200
    page = soup(response)
    assert agent.name in page.find("h1").text
    assert tile(page, "follow-ups") == "50%"
    assert tile(page, "handled") == "2"
    assert tile(page, "first-response-kept") == "50%"
    assert tile(page, "satisfaction") == "5.0 / 5"
    assert page.select_one("#filter-rep") is None  # the rep is fixed by the page
    drill = page.select_one("#tile-handled a")["href"]
    assert row_ids(soup(await client.get(drill))) == sorted(
        [i.id for i in await FeedbackItem.filter(owner_id=agent.id)], reverse=True
    )


async def test_the_dashboard_links_each_rep_to_their_page(client, manager, agent) -> None:
    await item(owner=agent)
    await sign_in(client, manager)
    page = soup(await client.get("/manager"))
    link = page.select_one("section#compliance tbody th a")
    assert link.text == agent.name and link["href"].startswith(f"/manager/reps/{agent.id}?")


async def test_the_rep_page_answers_404_for_an_unknown_rep(client, manager) -> None:
    await sign_in(client, manager)
    assert (await client.get("/manager/reps/999999")).status_code == 404
