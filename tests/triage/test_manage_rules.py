"""Managers keep the routing rules: create, edit, reorder, switch off, delete."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from tests.conftest import get_csrf, sign_in
from triage.models import RoutingRule, Team


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def post(client, path: str, data: dict, page: str = "/manage/rules"):
    token = await get_csrf(client, page)
    return await client.post(path, data={"csrf_token": token, **data})


@pytest.fixture
async def billing(db, agent) -> Team:
    team = await Team.create(name="Billing", is_default=False)
    await team.members.add(agent)
    return team


def rule_form(for_team: Team, **overrides: str) -> dict[str, str]:
    data = {
        "name": "Billing complaints",
        "categories": "billing",
        "kinds": "Complaint",
        "touchpoints": "",
        "segments": "",
        "keywords": "invoice, charged  twice",
        "team": str(for_team.id),
        "assignee": "",
        "is_active": "on",
    }
    data.update(overrides)
    return data


async def test_it_sends_anonymous_visitors_to_sign_in(client, db) -> None:
    response = await client.get("/manage/rules")
    assert response.status_code == 303
    assert urlsplit(response.headers["location"]).path == "/staff/sign-in"


async def test_it_returns_403_for_an_agent(client, agent, billing) -> None:
    await sign_in(client, agent)
    assert (await client.get("/manage/rules")).status_code == 403
    token = await get_csrf(client, "/staff/items")
    response = await client.post("/manage/rules", data={"csrf_token": token, **rule_form(billing)})
    assert response.status_code == 403
    assert await RoutingRule.all().count() == 0


async def test_it_explains_the_routing_order_and_the_empty_list(client, manager, billing) -> None:
    await sign_in(client, manager)
    response = await client.get("/manage/rules")
    assert response.status_code == 200
    page = soup(response)
    steps = [li.text for li in page.select("ol.routing-order li")]
    assert len(steps) == 4
    assert "customer's owner" in steps[0] and "in order" in steps[1]
    assert "least-loaded" in steps[2] and "round-robin" in steps[2]
    assert "needs triage" in steps[3]
    assert page.select_one("p.empty").text.startswith("No routing rules yet: every item goes to")
    assert page.find(id="rule-form") is not None


async def test_it_asks_for_a_team_before_the_first_rule(client, manager) -> None:
    await sign_in(client, manager)
    page = soup(await client.get("/manage/rules"))
    assert page.find(id="rule-form") is None
    assert page.find(id="rules-need-team") is not None


async def test_it_creates_rules_in_order_with_the_configured_spelling(
    client, manager, agent, billing
) -> None:
    await sign_in(client, manager)
    response = await post(client, "/manage/rules", rule_form(billing, categories="BILLING, other"))
    assert response.status_code == 303
    await post(client, "/manage/rules", rule_form(billing, name="Refunds", assignee=str(agent.id)))
    first, second = await RoutingRule.all()
    assert (first.name, first.position, second.name, second.position) == (
        "Billing complaints",
        1,
        "Refunds",
        2,
    )
    assert first.categories == "Billing, Other" and first.kinds == "complaint"
    assert first.keywords == "invoice, charged twice"
    assert first.team_id == billing.id and first.assignee_id is None and first.is_active
    assert second.assignee_id == agent.id

    page = soup(await client.get("/manage/rules"))
    names = [row.find("a").text for row in page.select("#rules tbody tr")]
    assert names == ["Billing complaints", "Refunds"]
    assert page.select_one(f"#rule-{second.id}").find_all("td")[3].text.strip() == (
        "Billing → Ana Costa"
    )


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "Enter a rule name"),
        ("kinds", "complaint, rant", "Unknown kind: “rant”"),
        ("categories", "Billing, Weather", "Unknown category: “Weather”"),
        ("touchpoints", "Fax", "Unknown touchpoint"),
        ("segments", "vip", "Unknown segment"),
        ("team", "", "Choose the team"),
        ("keywords", "x" * 61, "keep each keyword to 60 characters"),
    ],
)
async def test_it_keeps_what_was_typed_when_a_field_is_wrong(
    client, manager, billing, field: str, value: str, message: str
) -> None:
    await sign_in(client, manager)
    response = await post(client, "/manage/rules", rule_form(billing, **{field: value}))
    assert response.status_code == 422
    page = soup(response)
    assert message in page.find(id=f"{field}-error").text
    control = page.find(id=field)
    assert control["aria-invalid"] == "true"
    assert f"{field}-error" in control["aria-describedby"].split()
    assert page.find(id="keywords")["value"] == rule_form(billing, **{field: value})["keywords"]
    assert await RoutingRule.all().count() == 0


async def test_it_refuses_an_assignee_outside_the_team(client, manager, billing) -> None:
    await sign_in(client, manager)
    response = await post(client, "/manage/rules", rule_form(billing, assignee=str(manager.id)))
    assert response.status_code == 422
    assert "member of the chosen team" in soup(response).find(id="assignee-error").text
    assert await RoutingRule.all().count() == 0


async def test_it_edits_and_deletes_a_rule(client, manager, billing) -> None:
    await sign_in(client, manager)
    await post(client, "/manage/rules", rule_form(billing))
    rule = await RoutingRule.get()
    page = f"/manage/rules/{rule.id}"
    form = soup(await client.get(page))
    assert form.find(id="categories")["value"] == "Billing"
    assert form.find(id="is_active").has_attr("checked")

    response = await post(client, page, rule_form(billing, kinds="", is_active=""), page)
    assert response.status_code == 303
    rule = await RoutingRule.get()
    assert rule.kinds == "" and not rule.is_active

    bad = await post(client, page, rule_form(billing, name="y" * 121), page)
    assert bad.status_code == 422
    assert soup(bad).find(id="name")["value"] == "y" * 121
    assert (await RoutingRule.get()).name == "Billing complaints"

    response = await post(client, f"{page}/delete", {}, page)
    assert response.status_code == 303
    assert await RoutingRule.all().count() == 0


async def test_it_moves_rules_up_and_down(client, manager, billing) -> None:
    await sign_in(client, manager)
    for name in ("One", "Two", "Three"):
        await post(client, "/manage/rules", rule_form(billing, name=name))
    three = await RoutingRule.get(name="Three")
    one = await RoutingRule.get(name="One")

    response = await post(client, f"/manage/rules/{three.id}/move", {"direction": "up"})
    assert response.status_code == 303
    assert urlsplit(response.headers["location"]).fragment == f"rule-{three.id}"
    assert await RoutingRule.all().values_list("name", flat=True) == ["One", "Three", "Two"]

    await post(client, f"/manage/rules/{one.id}/move", {"direction": "down"})
    assert await RoutingRule.all().values_list("name", flat=True) == ["Three", "One", "Two"]
    assert await RoutingRule.all().values_list("position", flat=True) == [1, 2, 3]

    # The ends stay put (and their buttons are disabled).
    await post(client, f"/manage/rules/{three.id}/move", {"direction": "up"})
    assert await RoutingRule.all().values_list("name", flat=True) == ["Three", "One", "Two"]
    page = soup(await client.get("/manage/rules"))
    assert page.select_one(f"#rule-{three.id} button[value=up]").has_attr("disabled")

    bad = await post(client, f"/manage/rules/{one.id}/move", {"direction": "sideways"})
    assert bad.status_code == 400


async def test_it_switches_a_rule_off_and_on(client, manager, billing) -> None:
    await sign_in(client, manager)
    await post(client, "/manage/rules", rule_form(billing))
    rule = await RoutingRule.get()
    await post(client, f"/manage/rules/{rule.id}/active", {"is_active": "0"})
    assert not (await RoutingRule.get()).is_active
    page = soup(await client.get("/manage/rules"))
    assert "inactive" in page.find(id=f"rule-{rule.id}")["class"]
    await post(client, f"/manage/rules/{rule.id}/active", {"is_active": "1"})
    assert (await RoutingRule.get()).is_active


async def test_it_refuses_a_post_without_csrf(client, manager, billing) -> None:
    await sign_in(client, manager)
    response = await client.post("/manage/rules", data=rule_form(billing))
    assert response.status_code == 403
    assert await RoutingRule.all().count() == 0


async def test_it_answers_404_for_an_unknown_rule(client, manager) -> None:
    await sign_in(client, manager)
    assert (await client.get("/manage/rules/999999")).status_code == 404
