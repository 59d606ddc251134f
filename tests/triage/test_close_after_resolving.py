"""Closing comes after resolving: a card move, the item page's status form and a bulk change
all refuse to close an item that was never resolved, and the pickers do not offer it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feedback.conversation import change_status
from feedback.models import Event, FeedbackItem, Status
from tests.conftest import get_csrf, sign_in
from tests.triage.board_helpers import make_item, soup
from triage import actions

HTMX = {"HX-Request": "true"}
REFUSAL = "from its page first: only a resolved item can be closed"


def _now() -> datetime:
    return datetime.now(UTC)


async def _status_events(item: FeedbackItem) -> int:
    return await Event.filter(item_id=item.id, action="status").count()


@pytest.mark.parametrize("status", ["new", "assigned", "in_progress", "waiting_on_customer"])
async def test_it_refuses_to_close_an_item_that_was_never_resolved(agent, status) -> None:
    item = await make_item(now=_now(), status=status)
    with pytest.raises(actions.ActionError, match=f"Resolve {item.reference} {REFUSAL}"):
        await actions.move(item, Status.CLOSED, actor=agent, now=_now())
    fresh = await FeedbackItem.get(id=item.id)
    assert (fresh.status, fresh.version) == (status, item.version)
    assert await _status_events(item) == 0


async def test_it_closes_a_resolved_item(agent) -> None:
    item = await make_item(now=_now(), status="resolved", resolved_at=_now())
    await actions.move(item, Status.CLOSED, actor=agent, now=_now())
    assert (await FeedbackItem.get(id=item.id)).status == Status.CLOSED
    event = await Event.filter(item_id=item.id, action="status").get()
    assert (event.old_value, event.new_value, event.actor_id) == ("resolved", "closed", agent.id)


async def test_internal_closes_still_work(agent) -> None:
    """Merging a duplicate closes an open item on purpose (feedback.duplicates)."""
    item = await make_item(now=_now(), status="in_progress")
    assert await change_status(item, Status.CLOSED, now=_now(), actor=agent, detail="merged")
    assert (await FeedbackItem.get(id=item.id)).status == Status.CLOSED


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_it_refuses_a_card_move_to_closed(client, agent, htmx) -> None:
    item = await make_item(now=_now(), status="in_progress", owner_id=agent.id)
    await sign_in(client, agent)
    token = await get_csrf(client, "/staff/board")
    response = await client.post(
        f"/staff/items/{item.id}/move",
        data={"csrf_token": token, "status": "closed", "version": str(item.version)},
        headers=HTMX if htmx else {},
    )
    assert response.status_code == 422
    page = soup(response.text)
    where = f"#card-{item.id} .card-error" if htmx else "#board-notice"
    assert f"Resolve {item.reference} {REFUSAL}" in page.select_one(where).get_text()
    assert (await FeedbackItem.get(id=item.id)).status == Status.IN_PROGRESS
    assert await _status_events(item) == 0


async def test_it_moves_a_resolved_card_to_closed(client, agent) -> None:
    item = await make_item(now=_now(), status="resolved", resolved_at=_now())
    await sign_in(client, agent)
    token = await get_csrf(client, "/staff/board")
    response = await client.post(
        f"/staff/items/{item.id}/move",
        data={"csrf_token": token, "status": "closed", "version": str(item.version)},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert (await FeedbackItem.get(id=item.id)).status == Status.CLOSED


async def test_the_card_offers_closed_only_once_resolved(client, agent) -> None:
    open_item = await make_item("Open", now=_now(), status="in_progress")
    resolved = await make_item("Done", now=_now(), status="resolved", resolved_at=_now())
    await sign_in(client, agent)
    page = soup((await client.get("/staff/board")).text)

    def offered(item: FeedbackItem) -> list[str]:
        return [o["value"] for o in page.select(f"#move-{item.id} option")]

    assert "closed" not in offered(open_item) and "resolved" in offered(open_item)
    assert offered(resolved)[-2:] == ["resolved", "closed"]


async def test_the_item_page_refuses_to_close_an_unresolved_item(client, agent) -> None:
    item = await make_item(now=_now(), status="in_progress")
    await sign_in(client, agent)
    token = await get_csrf(client, f"/staff/items/{item.id}")
    page = soup((await client.get(f"/staff/items/{item.id}")).text)
    assert [o["value"] for o in page.select("#status option")] == [
        "new",
        "assigned",
        "in_progress",
        "waiting_on_customer",
        "resolved",
    ]
    response = await client.post(
        f"/staff/items/{item.id}/status", data={"csrf_token": token, "status": "closed"}
    )
    assert response.status_code == 422
    page = soup(response.text)
    assert f"Resolve {item.reference} {REFUSAL}" in page.select_one("#status-error").text
    assert page.select_one("#status")["aria-describedby"] == "status-error"
    assert (await FeedbackItem.get(id=item.id)).status == Status.IN_PROGRESS
    assert await _status_events(item) == 0


async def test_the_item_page_closes_a_resolved_item(client, agent) -> None:
    item = await make_item(now=_now(), status="resolved", resolved_at=_now())
    await sign_in(client, agent)
    token = await get_csrf(client, f"/staff/items/{item.id}")
    page = soup((await client.get(f"/staff/items/{item.id}")).text)
    assert "closed" in [o["value"] for o in page.select("#status option")]
    response = await client.post(
        f"/staff/items/{item.id}/status", data={"csrf_token": token, "status": "closed"}
    )
    assert response.status_code == 303
    assert (await FeedbackItem.get(id=item.id)).status == Status.CLOSED


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_a_bulk_close_closes_only_resolved_items(client, agent, htmx) -> None:
    now = _now()
    resolved = await make_item("Done", now=now, status="resolved", resolved_at=now)
    unanswered = await make_item("Never answered", now=now, status="new")
    await sign_in(client, agent)
    token = await get_csrf(client, "/staff/board")
    response = await client.post(
        "/staff/board/bulk",
        data={
            "csrf_token": token,
            "item_ids": [str(resolved.id), str(unanswered.id)],
            "status": "closed",
        },
        headers=HTMX if htmx else {},
    )
    if htmx:
        assert response.status_code == 200
        notice = soup(response.text).select_one("#board-notice[hx-swap-oob]").get_text()
    else:
        assert response.status_code == 303
        page = soup((await client.get(response.headers["location"])).text)
        notice = page.select_one("#board-notice").get_text()
    assert notice.startswith(f"1 changed, 1 skipped: {unanswered.reference}: Resolve ")
    assert REFUSAL in notice
    statuses = dict(await FeedbackItem.all().values_list("id", "status"))
    assert statuses == {resolved.id: "closed", unanswered.id: "new"}


async def test_the_bulk_bar_does_not_offer_resolved(client, agent) -> None:
    await make_item(now=_now())
    await sign_in(client, agent)
    page = soup((await client.get("/staff/board")).text)
    assert [o["value"] for o in page.select("#bulk-status option")] == [
        "",
        "new",
        "assigned",
        "in_progress",
        "waiting_on_customer",
        "closed",
    ]
