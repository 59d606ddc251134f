"""Who may do what with saved replies: managers and admins write them, agents only use them."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from feedback.models import SavedReply
from portal.auth import create_staff
from portal.models import Role
from tests.conftest import PASSWORD, get_csrf, sign_in
from tests.feedback.saved_reply_helpers import insert, make_item, make_reply, reply_form


def _manage_routes(reply_id: int) -> list[tuple[str, str, dict]]:
    return [
        ("GET", "/manage/replies", {}),
        ("POST", "/manage/replies", reply_form(title="New one")),
        ("GET", f"/manage/replies/{reply_id}", {}),
        ("POST", f"/manage/replies/{reply_id}", reply_form(title="Changed")),
        ("POST", f"/manage/replies/{reply_id}/active", {"is_active": "0"}),
    ]


async def _state() -> list[tuple]:
    return list(await SavedReply.all().values_list("title", "is_active", "use_count"))


async def test_it_sends_anonymous_visitors_to_sign_in(client, db) -> None:
    reply = await make_reply()
    item = await make_item(client)
    before = await _state()
    routes = [
        *_manage_routes(reply.id),
        ("GET", f"/staff/items/{item.id}/saved-reply?saved_reply={reply.id}", {}),
        ("POST", f"/staff/items/{item.id}/saved-reply", {"saved_reply": str(reply.id)}),
    ]
    for method, path, data in routes:
        response = await client.request(method, path, data=data or None)
        if method == "GET":
            assert response.status_code == 303, path
            assert urlsplit(response.headers["location"]).path == "/staff/sign-in"
        else:
            assert response.status_code in (303, 403), path  # no session: no token either
    assert await _state() == before


async def test_it_returns_403_to_an_agent_on_every_manage_route(client, agent) -> None:
    reply = await make_reply()
    await sign_in(client, agent)
    token = await get_csrf(client, "/staff/items")
    before = await _state()
    for method, path, data in _manage_routes(reply.id):
        response = await client.request(
            method, path, data={"csrf_token": token, **data} if method == "POST" else None
        )
        assert response.status_code == 403, path
    assert await _state() == before


@pytest.mark.parametrize("role", [Role.MANAGER, Role.ADMIN])
async def test_it_lets_managers_and_admins_in(client, db, role: Role) -> None:
    user = await create_staff(f"{role}@example.test", f"A {role}", PASSWORD, role)
    reply = await make_reply()
    await sign_in(client, user)
    assert (await client.get("/manage/replies")).status_code == 200
    assert (await client.get(f"/manage/replies/{reply.id}")).status_code == 200
    token = await get_csrf(client, "/manage/replies")
    response = await client.post(
        f"/manage/replies/{reply.id}/active", data={"csrf_token": token, "is_active": "0"}
    )
    assert response.status_code == 303
    assert await _state() == [("Refund timing", False, 0)]


async def test_it_lets_agents_and_teammates_use_them_on_an_item(client, agent, teammate) -> None:
    reply = await make_reply()
    item = await make_item(client)
    for person in (agent, teammate):
        await sign_in(client, person)
        response = await insert(client, item, reply.id)
        assert response.status_code == 200
        assert "Hi Jo," in response.text


async def test_it_refuses_a_post_without_the_csrf_token(client, manager) -> None:
    reply = await make_reply()
    await sign_in(client, manager)
    before = await _state()
    for method, path, data in _manage_routes(reply.id):
        if method == "POST":
            response = await client.post(path, data=data)
            assert response.status_code == 403, path
    assert await _state() == before


async def test_it_refuses_an_insert_without_the_csrf_token(client, agent) -> None:
    reply = await make_reply()
    item = await make_item(client)
    await sign_in(client, agent)
    response = await insert(client, item, reply.id, csrf=False)
    assert response.status_code == 403
    assert "Hi Jo," not in response.text


async def test_it_answers_404_for_a_reply_that_does_not_exist(client, manager) -> None:
    await sign_in(client, manager)
    assert (await client.get("/manage/replies/999999")).status_code == 404
