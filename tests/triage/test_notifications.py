"""A staff member's notifications: the list, the nav count and marking them read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.conftest import get_csrf, sign_in
from tests.triage.board_helpers import make_item, soup
from triage.models import Notification

T0 = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)


async def _notes(agent, teammate) -> list[Notification]:
    item = await make_item(now=T0)
    older = await Notification.create(
        recipient=agent, item=item, kind="assigned", text="FB-1 is yours", created_at=T0
    )
    read = await Notification.create(
        recipient=agent,
        item=None,
        kind="digest",
        text="Weekly digest",
        created_at=T0 + timedelta(hours=1),
        read_at=T0 + timedelta(hours=2),
    )
    newer = await Notification.create(
        recipient=agent,
        item=item,
        kind="breach",
        text="FB-1 breached its target",
        created_at=T0 + timedelta(hours=3),
    )
    await Notification.create(
        recipient=teammate, item=item, kind="assigned", text="Not for Ana", created_at=T0
    )
    return [older, read, newer]


async def test_it_lists_my_notifications_newest_first_with_unread_marked(
    client, agent, teammate
) -> None:
    older, read, newer = await _notes(agent, teammate)
    await sign_in(client, agent)
    response = await client.get("/staff/notifications")
    page = soup(response.text)
    rows = page.select("li.notification")
    assert [row["id"] for row in rows] == [
        f"notification-{newer.id}",
        f"notification-{read.id}",
        f"notification-{older.id}",
    ]
    assert ["unread" in row["class"] for row in rows] == [True, False, True]
    assert rows[0].find("a")["href"].endswith(f"/staff/items/{newer.item_id}")
    assert page.select_one("#nav-notifications").get_text(" ", strip=True) == "Notifications (2)"
    assert "Not for Ana" not in response.text


async def test_it_sends_the_list_alone_to_htmx(client, agent, teammate) -> None:
    await _notes(agent, teammate)
    await sign_in(client, agent)
    full = await client.get("/staff/notifications")
    fragment = await client.get("/staff/notifications", headers={"HX-Request": "true"})
    assert "<html" in full.text and soup(fragment.text).find("html") is None
    assert "HX-Request" in fragment.headers["vary"]
    ids = [li["id"] for li in soup(fragment.text).select("#notifications li")]
    assert ids == [li["id"] for li in soup(full.text).select("#notifications li")]


async def test_it_marks_all_read(client, agent, teammate) -> None:
    await _notes(agent, teammate)
    await sign_in(client, agent)
    token = await get_csrf(client, "/staff/notifications")
    response = await client.post("/staff/notifications/read", data={"csrf_token": token})
    assert response.status_code == 303
    assert response.headers["location"].endswith("/staff/notifications")
    assert await Notification.filter(recipient_id=agent.id, read_at__isnull=True).count() == 0
    assert await Notification.filter(recipient_id=teammate.id, read_at__isnull=True).count() == 1
    page = soup((await client.get("/staff/notifications")).text)
    assert not page.select("li.notification.unread")


async def test_it_marks_all_read_with_htmx_and_updates_the_nav(client, agent, teammate) -> None:
    await _notes(agent, teammate)
    await sign_in(client, agent)
    token = await get_csrf(client, "/staff/notifications")
    response = await client.post(
        "/staff/notifications/read",
        data={"csrf_token": token},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response.headers["hx-trigger"] == "notifications-read"
    fragment = soup(response.text)
    assert fragment.find("html") is None and not fragment.select("li.unread")
    assert await Notification.filter(recipient_id=agent.id, read_at__isnull=True).count() == 0
    count = await client.get("/staff/notifications/count", headers={"HX-Request": "true"})
    assert soup(count.text).get_text(" ", strip=True) == "Notifications (0)"


async def test_it_shows_the_unread_count_in_the_nav(client, agent, teammate) -> None:
    await _notes(agent, teammate)
    await sign_in(client, agent)
    count = await client.get("/staff/notifications/count", headers={"HX-Request": "true"})
    assert soup(count.text).get_text(" ", strip=True) == "Notifications (2)"
    board = soup((await client.get("/staff/board")).text)
    link = board.select_one("#nav-notifications")
    assert link.get_text(" ", strip=True) == "Notifications (2)"
    # Pages that do not know the count load it (and every page refreshes it).
    items = soup((await client.get("/staff/items")).text).select_one("#nav-notifications")
    assert items["hx-get"].endswith("/staff/notifications/count")
    assert items["hx-trigger"].startswith("load, every 60s")


async def test_it_refuses_mark_read_without_csrf(client, agent, teammate) -> None:
    await _notes(agent, teammate)
    await sign_in(client, agent)
    response = await client.post("/staff/notifications/read")
    assert response.status_code == 403
    assert await Notification.filter(recipient_id=agent.id, read_at__isnull=True).count() == 2


async def test_it_shows_an_empty_state(client, agent) -> None:
    await sign_in(client, agent)
    page = soup((await client.get("/staff/notifications")).text)
    assert "No notifications yet" in page.select_one("#notifications .empty").text
