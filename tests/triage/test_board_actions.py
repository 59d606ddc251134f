"""Actions on board cards, each as a plain form post and as htmx; the database is checked after
every post."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feedback.models import Event, FeedbackItem
from tests.conftest import get_csrf, sign_in
from tests.triage.board_helpers import card_ids, make_item, soup
from triage import actions

HTMX = {"HX-Request": "true"}


def _now() -> datetime:
    return datetime.now(UTC)


async def _signed_in(client, user) -> str:
    await sign_in(client, user)
    return await get_csrf(client, "/staff/board")


async def _post(client, path: str, token: str, *, htmx: bool = False, **data: str):
    return await client.post(path, data={"csrf_token": token, **data}, headers=HTMX if htmx else {})


def _assert_card_fragment(response, item_id: int) -> None:
    page = soup(response.text)
    assert page.find("html") is None
    assert [card["id"] for card in page.select("article.board-card")] == [f"card-{item_id}"]
    assert "HX-Request" in response.headers["vary"]


# -- move ------------------------------------------------------------------------------------


async def test_it_moves_a_card_with_a_plain_post(client, agent) -> None:
    item = await make_item(now=_now(), status="assigned", owner_id=agent.id)
    token = await _signed_in(client, agent)
    response = await _post(
        client,
        f"/staff/items/{item.id}/move",
        token,
        status="in_progress",
        version=str(item.version),
        next="/staff/board?mine=1&sort=newest",
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/board?mine=1&sort=newest"
    fresh = await FeedbackItem.get(id=item.id)
    assert fresh.status == "in_progress" and fresh.version == item.version + 1
    event = await Event.filter(item_id=item.id, action="status").order_by("-id").first()
    assert (event.old_value, event.new_value, event.actor_id) == (
        "assigned",
        "in_progress",
        agent.id,
    )
    page = (await client.get(response.headers["location"])).text
    assert card_ids(page, "in_progress") == [f"card-{item.id}"]


async def test_it_moves_a_card_with_htmx_and_asks_the_board_to_refresh(client, agent) -> None:
    item = await make_item(now=_now(), status="assigned", owner_id=agent.id)
    token = await _signed_in(client, agent)
    response = await _post(
        client,
        f"/staff/items/{item.id}/move",
        token,
        htmx=True,
        status="waiting_on_customer",
        version=str(item.version),
        next="/staff/board",
    )
    assert response.status_code == 200
    _assert_card_fragment(response, item.id)
    assert response.headers["hx-trigger-after-settle"] == "board-changed"
    fresh = await FeedbackItem.get(id=item.id)
    assert fresh.status == "waiting_on_customer"
    card = soup(response.text).select_one(f"#card-{item.id}")
    assert card.select_one(f"#move-{item.id} option[selected]")["value"] == "waiting_on_customer"
    assert {i["value"] for i in card.select("input[name=version]")} == {str(fresh.version)}
    assert card.select_one("time.due")["class"] == ["due", "due-paused"]
    notice = soup(response.text).select_one("#board-notice")
    assert notice["hx-swap-oob"] == "innerHTML" and item.reference in notice.text


async def test_it_refuses_an_unknown_status_and_resolving_without_a_record(client, agent) -> None:
    item = await make_item(now=_now(), status="assigned", owner_id=agent.id)
    token = await _signed_in(client, agent)
    path = f"/staff/items/{item.id}/move"
    bogus = await _post(client, path, token, htmx=True, status="vanished", version="2")
    assert bogus.status_code == 422
    assert "Choose a status" in soup(bogus.text).select_one(".card-error").text
    early = await _post(client, path, token, status="resolved", version=str(item.version))
    assert early.status_code == 422
    assert (
        "needs an outcome, a root cause" in soup(early.text).select_one("#board-notice").get_text()
    )
    assert (await FeedbackItem.get(id=item.id)).status == "assigned"


# -- take and assign ---------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_it_lets_an_agent_take_an_unassigned_item(client, agent, htmx) -> None:
    item = await make_item(now=_now())
    token = await _signed_in(client, agent)
    response = await _post(
        client,
        f"/staff/items/{item.id}/take",
        token,
        htmx=htmx,
        version=str(item.version),
        next="/staff/board?unassigned=1",
    )
    fresh = await FeedbackItem.get(id=item.id).select_related("customer")
    assert fresh.owner_id == agent.id and fresh.status == "assigned"
    assert fresh.customer.owner_id == agent.id  # the first to take a customer owns them
    if htmx:
        assert response.status_code == 200
        _assert_card_fragment(response, item.id)
        card = soup(response.text).select_one(f"#card-{item.id}")
        assert card.select_one(".owner-name").text == "Ana Costa"
        assert card.select_one("form.take") is None  # already mine
    else:
        assert response.status_code == 303
        assert response.headers["location"] == "/staff/board?unassigned=1"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_it_lets_an_agent_hand_on_their_own_item(client, agent, teammate, htmx) -> None:
    item = await make_item(now=_now(), status="assigned", owner_id=agent.id)
    token = await _signed_in(client, agent)
    response = await _post(
        client,
        f"/staff/items/{item.id}/assign",
        token,
        htmx=htmx,
        owner=str(teammate.id),
        version=str(item.version),
        next="/staff/board",
    )
    assert response.status_code == (200 if htmx else 303)
    assert (await FeedbackItem.get(id=item.id)).owner_id == teammate.id
    if htmx:
        assert soup(response.text).select_one(".owner-name").text == "Ben Okafor"


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_it_refuses_an_agent_reassigning_someone_elses_item(
    client, agent, teammate, htmx
) -> None:
    item = await make_item(now=_now(), status="assigned", owner_id=teammate.id)
    token = await _signed_in(client, agent)
    for path, data in (
        (f"/staff/items/{item.id}/assign", {"owner": str(agent.id)}),
        (f"/staff/items/{item.id}/take", {}),
    ):
        response = await _post(
            client, path, token, htmx=htmx, version=str(item.version), next="/staff/board", **data
        )
        assert response.status_code == 422
        page = soup(response.text)
        message = (
            page.select_one(".card-error") if htmx else page.select_one("#board-notice")
        ).text
        assert "Only a manager can reassign" in message
        assert (page.find("html") is None) == htmx
    assert (await FeedbackItem.get(id=item.id)).owner_id == teammate.id


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_it_lets_a_manager_reassign_any_item(client, manager, agent, teammate, htmx) -> None:
    item = await make_item(now=_now(), status="in_progress", owner_id=teammate.id)
    token = await _signed_in(client, manager)
    response = await _post(
        client,
        f"/staff/items/{item.id}/assign",
        token,
        htmx=htmx,
        owner=str(agent.id),
        version=str(item.version),
        next="/staff/board",
    )
    assert response.status_code == (200 if htmx else 303)
    fresh = await FeedbackItem.get(id=item.id)
    assert fresh.owner_id == agent.id
    event = await Event.filter(item_id=item.id, action="owner").order_by("-id").first()
    assert (event.old_value, event.new_value, event.actor_id) == (
        "Ben Okafor",
        "Ana Costa",
        manager.id,
    )


async def test_it_refuses_an_unknown_owner(client, manager) -> None:
    item = await make_item(now=_now())
    token = await _signed_in(client, manager)
    response = await _post(
        client, f"/staff/items/{item.id}/assign", token, htmx=True, owner="999999", version="2"
    )
    assert response.status_code == 422
    assert (await FeedbackItem.get(id=item.id)).owner_id is None


# -- priority and category ---------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_it_sets_the_priority(client, agent, htmx) -> None:
    item = await make_item(now=_now(), priority="normal")
    token = await _signed_in(client, agent)
    response = await _post(
        client,
        f"/staff/items/{item.id}/priority",
        token,
        htmx=htmx,
        priority="urgent",
        version=str(item.version),
        next="/staff/board",
    )
    assert response.status_code == (200 if htmx else 303)
    assert (await FeedbackItem.get(id=item.id)).priority == "urgent"
    assert await Event.filter(item_id=item.id, action="priority", new_value="urgent").exists()
    if htmx:
        _assert_card_fragment(response, item.id)
        assert soup(response.text).select_one(".priority-urgent") is not None
    bad = await _post(client, f"/staff/items/{item.id}/priority", token, priority="whenever")
    assert bad.status_code == 422


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_it_sets_the_category_from_the_configured_list(client, agent, htmx) -> None:
    item = await make_item(now=_now(), category="Delivery")
    token = await _signed_in(client, agent)
    path = f"/staff/items/{item.id}/category"
    response = await _post(
        client, path, token, htmx=htmx, category="Billing", version=str(item.version)
    )
    assert response.status_code == (200 if htmx else 303)
    fresh = await FeedbackItem.get(id=item.id)
    assert fresh.category == "Billing"
    bad = await _post(client, path, token, htmx=htmx, category="Gossip", version=str(fresh.version))
    assert bad.status_code == 422
    assert (await FeedbackItem.get(id=item.id)).category == "Billing"


# -- conflicts, safety -------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_it_answers_409_naming_who_changed_the_item(client, agent, teammate, htmx) -> None:
    item = await make_item(now=_now(), status="assigned", owner_id=agent.id, priority="normal")
    token = await _signed_in(client, agent)
    seen_version = item.version
    await actions.set_priority(item, actions.Priority.HIGH, actor=teammate, now=_now())

    response = await _post(
        client,
        f"/staff/items/{item.id}/move",
        token,
        htmx=htmx,
        status="in_progress",
        version=str(seen_version),
        next="/staff/board",
    )
    assert response.status_code == 409
    page = soup(response.text)
    where = page.select_one(".card-error") if htmx else page.select_one("#board-notice")
    assert f"{item.reference} was changed by Ben Okafor — reload" in where.text
    fresh = await FeedbackItem.get(id=item.id)
    assert fresh.status == "assigned" and fresh.priority == "high"
    if htmx:  # the refreshed card carries the new version, so trying again works
        card = page.select_one(f"#card-{item.id}")
        assert card.select_one("input[name=version]")["value"] == str(fresh.version)


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:x"]
)
async def test_it_only_goes_back_to_same_site_paths(client, agent, target) -> None:
    item = await make_item(now=_now())
    token = await _signed_in(client, agent)
    response = await _post(
        client, f"/staff/items/{item.id}/priority", token, priority="low", next=target
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/board"


ACTION_PATHS = ["move", "assign", "take", "priority", "category"]


@pytest.mark.parametrize("action", ACTION_PATHS)
async def test_it_refuses_a_post_without_a_csrf_token(client, agent, action) -> None:
    item = await make_item(now=_now())
    await sign_in(client, agent)
    data = {"status": "in_progress", "owner": str(agent.id), "priority": "urgent"}
    data.update(category="Billing", version=str(item.version))
    for headers in ({}, HTMX):
        response = await client.post(f"/staff/items/{item.id}/{action}", data=data, headers=headers)
        assert response.status_code == 403
    bulk = await client.post(
        "/staff/board/bulk", data={"item_ids": str(item.id), "status": "closed"}
    )
    assert bulk.status_code == 403
    fresh = await FeedbackItem.get(id=item.id)
    assert (fresh.version, fresh.status, fresh.owner_id) == (item.version, "new", None)


async def test_it_answers_404_for_an_unknown_item(client, agent) -> None:
    token = await _signed_in(client, agent)
    response = await _post(client, "/staff/items/999999/take", token)
    assert response.status_code == 404


# -- bulk --------------------------------------------------------------------------------------


async def test_it_applies_a_bulk_change_and_reports_what_it_skipped(
    client, agent, teammate
) -> None:
    now = _now()
    first = await make_item("First", now=now)
    second = await make_item("Second", now=now)
    taken = await make_item("Taken", now=now, status="assigned", owner_id=teammate.id)
    token = await _signed_in(client, agent)
    response = await client.post(
        "/staff/board/bulk",
        data={
            "csrf_token": token,
            "item_ids": [str(first.id), str(second.id), str(taken.id)],
            "owner": str(agent.id),
            "next": "/staff/board?sort=newest",
        },
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/board?sort=newest"
    owners = dict(await FeedbackItem.all().values_list("id", "owner_id"))
    assert owners == {first.id: agent.id, second.id: agent.id, taken.id: teammate.id}

    page = soup((await client.get(response.headers["location"])).text)
    notice = page.select_one("#board-notice").get_text(" ", strip=True)
    assert notice.startswith(f"2 changed, 1 skipped: {taken.reference}: Only a manager")
    again = soup((await client.get("/staff/board")).text)
    assert again.select_one("#board-notice").get_text(strip=True) == ""  # shown once


async def test_it_applies_a_bulk_change_with_htmx(client, agent) -> None:
    now = _now()
    items = [
        await make_item(f"Item {n}", now=now, status="assigned", owner_id=agent.id)
        for n in range(3)
    ]
    token = await _signed_in(client, agent)
    response = await client.post(
        "/staff/board/bulk",
        data={
            "csrf_token": token,
            "item_ids": [str(item.id) for item in items[:2]],
            "status": "in_progress",
            "owner": "",
            "next": "/staff/board",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    page = soup(response.text)
    assert page.find("html") is None and page.select_one("#board") is not None
    assert "HX-Request" in response.headers["vary"]
    assert page.select_one("#board-notice[hx-swap-oob]").get_text(strip=True) == "2 changed."
    assert set(card_ids(response.text, "in_progress")) == {f"card-{i.id}" for i in items[:2]}
    statuses = dict(await FeedbackItem.all().values_list("id", "status"))
    assert statuses == {
        items[0].id: "in_progress",
        items[1].id: "in_progress",
        items[2].id: "assigned",
    }


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"status": "in_progress"}, "Select at least one card"),
        ({}, "Select at least one card"),
        ({"status": "gone", "owner": "999999"}, "Select at least one card"),
        ({"item_ids": "<id>"}, "Choose a new owner or a new status"),
        ({"item_ids": "<id>", "status": "gone"}, "Choose a status from the list"),
        ({"item_ids": "<id>", "owner": "999999"}, "Choose someone from the list"),
    ],
)
async def test_it_explains_an_incomplete_bulk_change(client, agent, data, message) -> None:
    item = await make_item(now=_now())
    token = await _signed_in(client, agent)
    data = {key: str(item.id) if value == "<id>" else value for key, value in data.items()}
    for headers in ({}, HTMX):
        response = await client.post(
            "/staff/board/bulk", data={"csrf_token": token, **data}, headers=headers
        )
        assert response.status_code == 422
        assert message in soup(response.text).select_one("#board-notice").text
    fresh = await FeedbackItem.get(id=item.id)
    assert (fresh.status, fresh.owner_id, fresh.version) == ("new", None, item.version)
