"""The drill-down's title says what the manager clicked, as the dashboard says it: a rep's
name, a week as the dashboard's tables write it (in the reader's language), a bucket in
words."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup

from feedback.models import Status
from tests.conftest import sign_in
from tests.triage.metrics_helpers import NOW, item
from triage.models import Team


@pytest.fixture(autouse=True)
def frozen() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def soup(response) -> BeautifulSoup:  # noqa: ANN001
    assert response.status_code == 200, response.text
    return BeautifulSoup(response.text, "html.parser")


def title(page: BeautifulSoup) -> str:
    """The h1 without its count."""
    return page.find("h1").find(string=True).strip()


YEAR = "period=custom&start=2025-04-01&end=2026-03-31"  # grouped by 3 weeks in the trend


@pytest.mark.parametrize(
    ("query", "heading"),
    [
        ("figure=received", "Items received"),
        ("figure=first_response_met&bucket=missed", "First-response target: missed"),
        ("figure=resolution_met&bucket=met", "Resolution target: met"),
        ("figure=breaches&bucket=first_response", "Breaches: first response missed"),
        ("figure=breaches&bucket=escalated", "Breaches: escalated"),
        ("figure=backlog&bucket=weeks", "Open items (backlog): 1–4 weeks"),
        ("figure=surveys&bucket=detractors", "Survey answers: detractors"),
        ("figure=sentiment&bucket=2026-03-09", "Items received: week of 9 Mar 2026"),
        ("figure=negative&bucket=2026-03-09", "Negative feedback: week of 9 Mar 2026"),
        (
            "figure=response_trend&bucket=2026-03-09",
            "First responses by week received: week of 9 Mar 2026",
        ),
        (
            f"{YEAR}&figure=response_trend&bucket=2025-03-31",
            "First responses by week received: 3 weeks from 31 Mar 2025",
        ),
        ("figure=root_cause&bucket=Our+own+policy", "Items by root cause: Our own policy"),
        ("figure=complaints&bucket=Billing", "Complaints by topic: Billing"),
        ("figure=complaints&bucket=missed", "Complaints by topic: missed"),  # a category's name
        ("figure=rep&bucket=none", "Items by owner: Unassigned"),
    ],
)
async def test_it_titles_each_bucket_in_words(client, manager, query, heading) -> None:
    await sign_in(client, manager)
    page = soup(await client.get(f"/manager/items?{query}"))
    assert title(page) == heading
    assert page.find("title").get_text(strip=True).startswith(f"{heading} ·")


async def test_it_titles_a_reps_items_with_their_name(client, manager, agent) -> None:
    await item(owner=agent)
    await sign_in(client, manager)
    page = soup(await client.get("/manager"))
    link = page.select_one(f"section#compliance a[href*='bucket={agent.id}']")["href"]
    assert title(soup(await client.get(link))) == f"Items by owner: {agent.name}"


@pytest.mark.parametrize("bucket", ["999999", "99999999999", "²"])
async def test_it_answers_404_for_a_rep_who_does_not_exist(client, manager, bucket) -> None:
    await sign_in(client, manager)
    for path in ("/manager/items", "/manager/export.csv"):
        response = await client.get(f"{path}?figure=rep&bucket={bucket}")
        assert response.status_code == 404, path


@pytest.mark.parametrize(
    ("lang", "week", "heading"),
    [
        ("en", "9 Mar 2026", "Negative feedback: week of 9 Mar 2026"),
        ("zh_CN", "2026年3月9日", "负面反馈：2026年3月9日当周"),
    ],
)
async def test_a_weeks_title_writes_the_day_as_the_dashboard_does(
    client, manager, lang, week, heading
) -> None:
    await item(at=NOW - timedelta(days=20), sentiment_label="negative", sentiment_score=-0.8)
    await sign_in(client, manager)
    page = soup(await client.get(f"/manager?lang={lang}"))
    row = page.select_one("section#sentiment tbody tr")
    assert row.find("th").get_text(strip=True) == week
    link = row.select("td a")[-1]["href"]  # the week's negative items
    assert title(soup(await client.get(link))) == heading


async def test_the_scope_names_the_team_category_and_segment(client, manager, agent) -> None:
    care = await Team.create(name="Care")
    await item(owner=agent, team=care, category="Billing", status=Status.NEW)
    await sign_in(client, manager)
    query = f"team={care.id}&rep={agent.id}&category=Billing&segment=key"
    page = soup(await client.get(f"/manager/items?figure=received&{query}"))
    scope = page.select_one("p.scope").get_text(" ", strip=True)
    assert "· team Care" in scope and f"· {agent.name}" in scope
    assert "· Billing" in scope and "· key customers" in scope
