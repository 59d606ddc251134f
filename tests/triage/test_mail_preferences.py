"""The "E-mail me" page: each person chooses which notifications also come by e-mail.

Only your own choices, CSRF on the save, every choice validated; a plain post answers with
a 303, htmx with the form. Managers see everyone's choices on /manage/staff but cannot
change them there.
"""

from __future__ import annotations

import dataclasses
from urllib.parse import urlsplit

import httpx
import pytest
from bs4 import BeautifulSoup

from portal.app import create_app
from portal.models import StaffUser
from tests.conftest import get_csrf, sign_in

PAGE = "/staff/notifications/e-mail"
COLUMNS = ("mail_warnings", "mail_escalations", "mail_quiet_channels")


def soup(response) -> BeautifulSoup:  # noqa: ANN001
    return BeautifulSoup(response.text, "html.parser")


def choices(page: BeautifulSoup) -> dict[str, str | None]:
    """Each offered preference and the value of its checked radio (None: none checked)."""
    found = {}
    for fieldset in page.select("#mail-preferences fieldset"):
        checked = fieldset.select_one("input[type=radio][checked]")
        found[fieldset["id"]] = checked["value"] if checked else None
    return found


async def stored(user: StaffUser) -> tuple[bool, ...]:
    fresh = await StaffUser.get(id=user.id)
    return tuple(getattr(fresh, column) for column in COLUMNS)


async def save(client, data: dict, headers: dict | None = None):  # noqa: ANN001
    token = await get_csrf(client, PAGE)
    return await client.post(PAGE, data={"csrf_token": token, **data}, headers=headers)


async def test_it_sends_anonymous_visitors_to_sign_in(client, db) -> None:
    response = await client.get(PAGE)
    assert response.status_code == 303
    assert urlsplit(response.headers["location"]).path == "/staff/sign-in"
    token = await get_csrf(client, "/staff/sign-in")
    response = await client.post(PAGE, data={"csrf_token": token, "mail_warnings": "0"})
    assert response.status_code == 403
    assert "Sign in first." in soup(response).get_text()


async def test_it_is_linked_from_the_staff_navigation(client, agent) -> None:
    await sign_in(client, agent)
    nav = soup(await client.get("/staff/items")).select("header nav a")
    assert PAGE in [urlsplit(a["href"]).path for a in nav]


async def test_it_shows_an_agent_the_kinds_they_can_get_all_on(client, agent) -> None:
    await sign_in(client, agent)
    response = await client.get(PAGE)
    assert response.status_code == 200
    page = soup(response)
    # Quiet-channel alerts go to managers and admins only, so agents are not asked.
    assert choices(page) == {"mail_warnings": "1", "mail_escalations": "1"}
    assert page.find(id="staff-mail-off") is None


async def test_it_offers_managers_quiet_channel_alerts(client, manager) -> None:
    await StaffUser.filter(id=manager.id).update(mail_escalations=False)
    await sign_in(client, manager)
    page = soup(await client.get(PAGE))
    assert choices(page) == {
        "mail_warnings": "1",
        "mail_escalations": "0",
        "mail_quiet_channels": "1",
        "mail_weekly_digest": "1",
    }


async def test_it_saves_a_plain_post_and_says_so(client, manager) -> None:
    await sign_in(client, manager)
    response = await save(
        client,
        {
            "mail_warnings": "0",
            "mail_escalations": "1",
            "mail_quiet_channels": "0",
            "mail_weekly_digest": "0",
        },
    )
    assert response.status_code == 303
    assert urlsplit(response.headers["location"]).path == PAGE
    assert await stored(manager) == (False, True, False)
    page = soup(await client.get(PAGE))
    assert "Saved" in page.find(id="notice").get_text()
    assert choices(page)["mail_warnings"] == "0"
    # The notice is shown once.
    assert soup(await client.get(PAGE)).find(id="notice") is None


async def test_it_answers_htmx_with_the_form_alone(client, agent) -> None:
    await sign_in(client, agent)
    response = await save(
        client, {"mail_warnings": "0", "mail_escalations": "0"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "HX-Request" in response.headers["vary"]
    assert "<html" not in response.text
    fragment = soup(response)
    assert fragment.find("form")["id"] == "mail-preferences"
    assert fragment.find(id="notice") is not None
    assert choices(fragment) == {"mail_warnings": "0", "mail_escalations": "0"}
    assert await stored(agent) == (False, False, True)
    full = soup(await client.get(PAGE))
    assert full.find(id="mail-preferences") is not None


async def test_it_leaves_an_agent_s_unoffered_kind_alone(client, agent) -> None:
    await sign_in(client, agent)
    response = await save(
        client, {"mail_warnings": "1", "mail_escalations": "1", "mail_quiet_channels": "0"}
    )
    assert response.status_code == 303
    assert await stored(agent) == (True, True, True)


@pytest.mark.parametrize(
    "data",
    [
        {"mail_escalations": "0", "mail_quiet_channels": "0", "mail_weekly_digest": "0"},
        {"mail_warnings": "yes", "mail_escalations": "0", "mail_quiet_channels": "0"},
        {"mail_warnings": "", "mail_escalations": "0", "mail_quiet_channels": "0"},
    ],
    ids=["missing", "not-a-choice", "empty"],
)
async def test_it_refuses_a_bad_choice_and_changes_nothing(client, manager, data) -> None:
    await sign_in(client, manager)
    for headers in (None, {"HX-Request": "true"}):
        response = await save(client, data, headers=headers)
        assert response.status_code == 422
        page = soup(response)
        assert ("<html" in response.text) is (headers is None)
        error = page.find(id="mail_warnings-error")
        assert "Target warnings: choose e-mail and in-app, or in-app only." == error.get_text()
        assert page.find(id="mail_warnings")["aria-invalid"] == "true"
        # What was chosen for the other kinds is kept.
        assert choices(page) == {
            "mail_warnings": None,
            "mail_escalations": "0",
            "mail_quiet_channels": "0",
            "mail_weekly_digest": data.get("mail_weekly_digest"),
        }
    assert await stored(manager) == (True, True, True)


async def test_it_refuses_a_post_without_csrf(client, agent) -> None:
    await sign_in(client, agent)
    response = await client.post(PAGE, data={"mail_warnings": "0", "mail_escalations": "0"})
    assert response.status_code == 403
    assert await stored(agent) == (True, True, True)


async def test_it_changes_only_the_signed_in_person(client, agent, teammate, manager) -> None:
    await sign_in(client, agent)
    response = await save(
        client,
        {
            "mail_warnings": "0",
            "mail_escalations": "0",
            # Nothing names another person: these are ignored.
            "staff_id": str(teammate.id),
            "id": str(manager.id),
            "email": teammate.email,
        },
    )
    assert response.status_code == 303
    assert await stored(agent) == (False, False, True)
    assert await stored(teammate) == (True, True, True)
    assert await stored(manager) == (True, True, True)


async def test_it_says_when_staff_mail_is_off_for_everyone(db, agent) -> None:
    app = create_app(dataclasses.replace(db, staff_mail=False), manage_database=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        await sign_in(client, agent)
        page = soup(await client.get(PAGE))
        assert "PORTAL_STAFF_MAIL" in page.find(id="staff-mail-off").get_text()
        # Choices can still be made, for when it is on again.
        assert (
            await save(client, {"mail_warnings": "0", "mail_escalations": "1"})
        ).status_code == 303
    assert await stored(agent) == (False, True, True)


async def test_managers_see_everyone_s_choices_but_cannot_change_them_there(
    client, manager, agent
) -> None:
    await StaffUser.filter(id=agent.id).update(mail_warnings=False)
    await StaffUser.filter(id=manager.id).update(mail_quiet_channels=False)
    await sign_in(client, manager)
    page = soup(await client.get("/manage/staff"))
    headers = [th.get_text() for th in page.select("#staff thead th")]
    column = headers.index("E-mailed")
    agent_cell = page.find(id=f"staff-{agent.id}").find_all("td")[column]
    assert (
        agent_cell.get_text(" ", strip=True)
        == "Breaches and escalations (not by e-mail: Target warnings)"
    )
    manager_cell = page.find(id=f"staff-{manager.id}").find_all("td")[column]
    assert manager_cell.get_text(" ", strip=True) == (
        "Target warnings, Breaches and escalations, Weekly digest (not by e-mail: Quiet channels)"
    )
    assert page.select("#staff input[name^=mail_]") == []
    # Their own page still shows only their own choices.
    assert choices(soup(await client.get(PAGE)))["mail_quiet_channels"] == "0"


async def test_an_agent_cannot_see_the_staff_list(client, agent) -> None:
    await sign_in(client, agent)
    assert (await client.get("/manage/staff")).status_code == 403
