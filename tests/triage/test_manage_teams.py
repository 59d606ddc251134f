"""Managers set up teams: exactly one default queue, members, calendar, escalation."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from portal.auth import create_staff
from portal.models import Role
from tests.conftest import PASSWORD, get_csrf, sign_in
from triage.models import BusinessHours, Team


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def post(client, path: str, data: dict, page: str = "/manage/teams"):
    token = await get_csrf(client, page)
    return await client.post(path, data={"csrf_token": token, **data})


PAGES = ["/manage", "/manage/teams"]


@pytest.mark.parametrize("path", PAGES)
async def test_it_sends_anonymous_visitors_to_sign_in(client, db, path: str) -> None:
    response = await client.get(path)
    assert response.status_code == 303
    location = urlsplit(response.headers["location"])
    assert (location.path, location.query) == ("/staff/sign-in", f"next={path.replace('/', '%2F')}")


@pytest.mark.parametrize("path", PAGES)
async def test_it_returns_403_for_an_agent(client, agent, path: str) -> None:
    await sign_in(client, agent)
    assert (await client.get(path)).status_code == 403


@pytest.mark.parametrize("path", PAGES)
async def test_it_shows_the_page_to_managers_and_admins(client, manager, admin, path) -> None:
    for user in (manager, admin):
        await sign_in(client, user)
        response = await client.get(path)
        assert response.status_code == 200
        current = soup(response).select_one(".manage-sections a[aria-current=page]")
        assert urlsplit(current["href"]).path == path


async def test_it_refuses_a_team_created_by_an_agent(client, agent) -> None:
    await sign_in(client, agent)
    token = await get_csrf(client, "/staff/items")
    response = await client.post("/manage/teams", data={"csrf_token": token, "name": "Sneaky"})
    assert response.status_code == 403
    assert await Team.all().count() == 0


async def test_it_links_every_section_from_the_overview(client, manager) -> None:
    await sign_in(client, manager)
    page = soup(await client.get("/manage"))
    links = {urlsplit(a["href"]).path for a in page.select(".manage-overview h2 a")}
    assert links == {
        "/manage/teams",
        "/manage/staff",
        "/manage/rules",
        "/manage/calendars",
        "/manage/targets",
        "/manage/mail",
    }
    assert page.find(id="no-default-team") is not None


async def test_it_shows_a_useful_empty_state(client, manager) -> None:
    await sign_in(client, manager)
    page = soup(await client.get("/manage/teams"))
    assert page.find(id="teams") is None
    assert "first team becomes the default queue" in page.select_one("p.empty").text
    for control in page.select("#team-form input:not([type=hidden]), #team-form select"):
        label = page.find("label", attrs={"for": control["id"]}) or control.find_parent("label")
        assert label is not None, control["id"]


async def test_it_makes_the_first_team_the_default_queue(client, manager) -> None:
    await sign_in(client, manager)
    response = await post(client, "/manage/teams", {"name": "  Support  "})
    assert response.status_code == 303
    assert urlsplit(response.headers["location"]).path == "/manage/teams"
    team = await Team.get()
    assert (team.name, team.is_default) == ("Support", True)
    page = soup(await client.get("/manage/teams"))
    assert "created" in page.find(id="notice").text
    assert page.select_one(f"#team-{team.id} .badge.default") is not None


async def test_it_keeps_exactly_one_default_team(client, manager) -> None:
    await sign_in(client, manager)
    await post(client, "/manage/teams", {"name": "Support"})
    await post(client, "/manage/teams", {"name": "Billing", "is_default": "on"})
    assert await Team.filter(is_default=True).values_list("name", flat=True) == ["Billing"]

    support = await Team.get(name="Support")
    page = f"/manage/teams/{support.id}"
    response = await post(client, page, {"name": "Support", "is_default": "on"}, page)
    assert response.status_code == 303
    assert await Team.filter(is_default=True).values_list("name", flat=True) == ["Support"]

    # Unticking the default would leave no queue: refused, with the reason by the box.
    response = await post(client, page, {"name": "Support renamed"}, page)
    assert response.status_code == 422
    html = soup(response)
    assert html.find(id="is_default-error") is not None
    assert html.find(id="is_default")["aria-invalid"] == "true"
    assert html.find(id="name")["value"] == "Support renamed"
    assert await Team.filter(is_default=True).values_list("name", flat=True) == ["Support"]


async def test_it_saves_members_manager_calendar_and_escalation(client, manager, agent) -> None:
    teammate = await create_staff("lee@example.test", "Lee Park", PASSWORD, Role.AGENT)
    calendar = await BusinessHours.create(name="Berlin", timezone="Europe/Berlin")
    await sign_in(client, manager)
    await post(client, "/manage/teams", {"name": "Support", "members": [str(agent.id)]})
    team = await Team.get()
    assert [m.id for m in await team.members.all()] == [agent.id]

    page = f"/manage/teams/{team.id}"
    form = soup(await client.get(page))
    assert form.find(id=f"member-{agent.id}").has_attr("checked")
    response = await post(
        client,
        page,
        {
            "name": "Support",
            "is_default": "on",
            "manager": str(manager.id),
            "members": [str(teammate.id), str(manager.id)],
            "calendar": str(calendar.id),
            "escalate_to": str(manager.id),
        },
        page,
    )
    assert response.status_code == 303
    team = await Team.get()
    assert {m.id for m in await team.members.all()} == {teammate.id, manager.id}
    assert (team.manager_id, team.calendar_id, team.escalate_to_id) == (
        manager.id,
        calendar.id,
        manager.id,
    )
    form = soup(await client.get(page))
    assert form.find(id="calendar").find("option", selected=True)["value"] == str(calendar.id)
    assert not form.find(id=f"member-{agent.id}").has_attr("checked")


async def test_it_keeps_a_deactivated_member_ticked(client, manager, agent) -> None:
    await sign_in(client, manager)
    await post(client, "/manage/teams", {"name": "Support", "members": [str(agent.id)]})
    agent.is_active = False
    await agent.save(update_fields=["is_active"])
    team = await Team.get()
    page = soup(await client.get(f"/manage/teams/{team.id}"))
    box = page.find(id=f"member-{agent.id}")
    assert box.has_attr("checked") and "deactivated" in box.find_parent("label").text


async def test_it_keeps_what_was_typed_when_a_field_is_wrong(client, manager, agent) -> None:
    await sign_in(client, manager)
    response = await post(
        client,
        "/manage/teams",
        {"name": "x" * 81, "manager": "999999", "members": [str(agent.id)]},
    )
    assert response.status_code == 422
    page = soup(response)
    name = page.find(id="name")
    assert name["value"] == "x" * 81 and name["aria-invalid"] == "true"
    assert name["aria-describedby"] == "name-error"
    assert "80 characters" in page.find(id="name-error").text
    assert page.find(id="manager-error") is not None
    assert page.find(id=f"member-{agent.id}").has_attr("checked")
    assert page.find(id="error-summary") is not None
    assert await Team.all().count() == 0


async def test_it_refuses_a_duplicate_name_whatever_the_case(client, manager) -> None:
    await sign_in(client, manager)
    await post(client, "/manage/teams", {"name": "Support"})
    response = await post(client, "/manage/teams", {"name": "SUPPORT"})
    assert response.status_code == 422
    assert "already a team" in soup(response).find(id="name-error").text
    assert await Team.all().count() == 1


async def test_it_refuses_a_post_without_csrf(client, manager) -> None:
    await sign_in(client, manager)
    response = await client.post("/manage/teams", data={"name": "Support"})
    assert response.status_code == 403
    assert await Team.all().count() == 0


async def test_it_answers_404_for_an_unknown_team(client, manager) -> None:
    await sign_in(client, manager)
    assert (await client.get("/manage/teams/999999")).status_code == 404
