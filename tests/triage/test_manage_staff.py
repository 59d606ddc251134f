"""Managers mark reps away and back and add accounts; only admins deactivate or add admins."""

from __future__ import annotations

from urllib.parse import urlsplit

from bs4 import BeautifulSoup

from portal.auth import verify_password
from portal.models import StaffUser
from tests.conftest import get_csrf, sign_in


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def post(client, path: str, data: dict, headers: dict | None = None):
    token = await get_csrf(client, "/manage/staff")
    return await client.post(path, data={"csrf_token": token, **data}, headers=headers)


def new_account(**overrides: str) -> dict[str, str]:
    data = {
        "name": "Kim Lo",
        "email": " Kim.Lo@Example.test ",
        "role": "agent",
        "password": "a long first password",
    }
    data.update(overrides)
    return data


async def test_it_sends_anonymous_visitors_to_sign_in(client, db) -> None:
    response = await client.get("/manage/staff")
    assert response.status_code == 303
    assert urlsplit(response.headers["location"]).path == "/staff/sign-in"


async def test_it_returns_403_for_an_agent(client, agent, teammate) -> None:
    await sign_in(client, agent)
    assert (await client.get("/manage/staff")).status_code == 403
    token = await get_csrf(client, "/staff/items")
    response = await client.post(
        f"/manage/staff/{teammate.id}/away", data={"csrf_token": token, "is_away": "1"}
    )
    assert response.status_code == 403
    assert not (await StaffUser.get(id=teammate.id)).is_away


async def test_it_lists_staff_with_role_and_state(client, manager, agent) -> None:
    await sign_in(client, manager)
    response = await client.get("/manage/staff")
    assert response.status_code == 200
    page = soup(response)
    row = page.find(id=f"staff-{agent.id}")
    cells = [td.text.strip() for td in row.find_all("td")]
    assert cells[:3] == ["Ana Costa", "ana@example.test", "agent"]
    assert row.find("button", attrs={"name": "is_away", "value": "1"}) is not None
    # Managers do not (de)activate accounts, and cannot give the admin role.
    assert page.find("button", attrs={"name": "is_active"}) is None
    assert [o["value"] for o in page.find(id="role").find_all("option")] == ["agent", "manager"]


async def test_it_marks_a_rep_away_and_back(client, manager, agent) -> None:
    await sign_in(client, manager)
    response = await post(client, f"/manage/staff/{agent.id}/away", {"is_away": "1"})
    assert response.status_code == 303
    assert (await StaffUser.get(id=agent.id)).is_away
    page = soup(await client.get("/manage/staff"))
    assert "Ana Costa is away" in page.find(id="notice").text
    assert page.select_one(f"#staff-{agent.id} .badge.away") is not None

    await post(client, f"/manage/staff/{agent.id}/away", {"is_away": "0"})
    assert not (await StaffUser.get(id=agent.id)).is_away
    bad = await post(client, f"/manage/staff/{agent.id}/away", {"is_away": "maybe"})
    assert bad.status_code == 400


async def test_it_answers_htmx_with_the_row_alone(client, manager, agent) -> None:
    await sign_in(client, manager)
    response = await post(
        client, f"/manage/staff/{agent.id}/away", {"is_away": "1"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert "HX-Request" in response.headers["vary"]
    row = soup(response).find("tr")
    assert row["id"] == f"staff-{agent.id}"
    assert row.find("button", attrs={"name": "is_away", "value": "0"}) is not None
    full = soup(await client.get("/manage/staff"))
    assert full.find(id=f"staff-{agent.id}") is not None


async def test_it_lets_an_admin_deactivate_but_not_themselves(client, admin, agent) -> None:
    await sign_in(client, admin)
    page = soup(await client.get("/manage/staff"))
    assert page.select_one(f"#staff-{agent.id} button[name=is_active]") is not None
    assert page.select_one(f"#staff-{admin.id} button[name=is_active]") is None

    response = await post(client, f"/manage/staff/{agent.id}/active", {"is_active": "0"})
    assert response.status_code == 303
    assert not (await StaffUser.get(id=agent.id)).is_active
    await post(client, f"/manage/staff/{agent.id}/active", {"is_active": "1"})
    assert (await StaffUser.get(id=agent.id)).is_active

    response = await post(client, f"/manage/staff/{admin.id}/active", {"is_active": "0"})
    assert response.status_code == 409
    assert (await StaffUser.get(id=admin.id)).is_active


async def test_it_refuses_deactivation_by_a_manager(client, manager, agent) -> None:
    await sign_in(client, manager)
    response = await post(client, f"/manage/staff/{agent.id}/active", {"is_active": "0"})
    assert response.status_code == 403
    assert (await StaffUser.get(id=agent.id)).is_active


async def test_it_creates_an_account_that_can_sign_in(client, admin) -> None:
    await sign_in(client, admin)
    response = await post(client, "/manage/staff", new_account(role="admin"))
    assert response.status_code == 303
    created = await StaffUser.get(email="kim.lo@example.test")
    assert (created.name, created.role, created.is_active) == ("Kim Lo", "admin", True)
    assert verify_password(created.password_hash, "a long first password")


async def test_it_refuses_an_admin_account_from_a_manager(client, manager) -> None:
    await sign_in(client, manager)
    response = await post(client, "/manage/staff", new_account(role="admin"))
    assert response.status_code == 422
    page = soup(response)
    assert "agent, manager" in page.find(id="role-error").text
    assert not await StaffUser.filter(email="kim.lo@example.test").exists()

    response = await post(client, "/manage/staff", new_account(role="manager"))
    assert response.status_code == 303
    assert (await StaffUser.get(email="kim.lo@example.test")).role == "manager"


async def test_it_keeps_what_was_typed_but_never_the_password(client, manager, agent) -> None:
    await sign_in(client, manager)
    response = await post(
        client, "/manage/staff", new_account(email="ANA@example.test", password="short")
    )
    assert response.status_code == 422
    page = soup(response)
    assert "already an account" not in response.text  # the password is checked first
    assert "at least 10 characters" in page.find(id="password-error").text
    password = page.find(id="password")
    assert not password.get("value")
    assert password["aria-invalid"] == "true"
    assert password["aria-describedby"] == "password-hint password-error"
    assert page.find(id="name")["value"] == "Kim Lo"

    response = await post(client, "/manage/staff", new_account(email="ANA@example.test"))
    assert response.status_code == 422
    assert "already an account" in soup(response).find(id="email-error").text
    assert await StaffUser.all().count() == 2


async def test_it_refuses_a_post_without_csrf(client, manager, agent) -> None:
    await sign_in(client, manager)
    response = await client.post(f"/manage/staff/{agent.id}/away", data={"is_away": "1"})
    assert response.status_code == 403
    response = await client.post("/manage/staff", data=new_account())
    assert response.status_code == 403
    assert not (await StaffUser.get(id=agent.id)).is_away
    assert await StaffUser.all().count() == 2


async def test_it_answers_404_for_an_unknown_person(client, manager) -> None:
    await sign_in(client, manager)
    response = await post(client, "/manage/staff/999999/away", {"is_away": "1"})
    assert response.status_code == 404
