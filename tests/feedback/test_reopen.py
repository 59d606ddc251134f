"""A customer's reply reopens a resolved item within the window; after it, or once closed, not."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine
from bs4 import BeautifulSoup

from feedback.conversation import WINDOW_PASSED, change_status, reply_refusal
from feedback.models import Event, FeedbackItem, Message, Status
from feedback.resolution import resolve_item, validate_resolution
from portal.app import create_app
from tests.conftest import csrf_from, submit
from triage.models import Notification

RESOLVED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ROOT_CAUSES = ("Delivery",)
FORM = {
    "outcome": "resolved",
    "root_cause": "Delivery",
    "remedy": "Refunded the delivery fee",
    "effort_minutes": "20",
    "message": "Hi Jo, I refunded the delivery fee today and a new parcel leaves tomorrow "
    "morning with tracking.",
}


async def _resolved_item(client, agent) -> tuple[FeedbackItem, str]:
    """A resolved item and the path of its tracking page."""
    with time_machine.travel(RESOLVED_AT - timedelta(hours=1), tick=False):
        response = await submit(client)
    path = "/t/" + response.headers["location"].rsplit("/", 1)[1]
    item = await FeedbackItem.get()
    data, errors = validate_resolution(FORM, ROOT_CAUSES)
    assert not errors
    await resolve_item(item, agent, data, RESOLVED_AT)
    return await FeedbackItem.get(id=item.id), path


async def _reply(client, path: str, body: str) -> httpx.Response:
    token = csrf_from((await client.get(path)).text)
    return await client.post(f"{path}/reply", data={"csrf_token": token, "body": body})


@pytest.mark.parametrize(
    ("status", "days_after", "refusal"),
    [
        (Status.RESOLVED, 0, None),
        (Status.RESOLVED, 13, None),
        (Status.RESOLVED, 14, None),  # the window's last moment still counts
        (Status.RESOLVED, 15, WINDOW_PASSED),
        (Status.CLOSED, 0, "This conversation is closed. Please send us new feedback."),
        (Status.IN_PROGRESS, 400, None),
        (Status.WAITING_ON_CUSTOMER, 30, None),
    ],
)
def test_it_knows_when_a_customer_may_reply(status, days_after, refusal) -> None:
    item = FeedbackItem(status=status, resolved_at=RESOLVED_AT)
    now = RESOLVED_AT + timedelta(days=days_after)
    assert reply_refusal(item, now=now, reopen_window_days=14) == refusal


async def test_it_reopens_and_counts_within_the_window(client, agent) -> None:
    item, path = await _resolved_item(client, agent)
    with time_machine.travel(RESOLVED_AT + timedelta(days=3), tick=False):
        page = BeautifulSoup((await client.get(path)).text, "html.parser")
        assert page.find(id="reopen-hint") is not None
        response = await _reply(client, path, "The new parcel never came. This is awful.")
    assert response.status_code == 303
    item = await FeedbackItem.get(id=item.id)
    assert (item.status, item.reopen_count) == (Status.IN_PROGRESS, 1)
    events = await Event.filter(item_id=item.id).order_by("id")
    assert [e.action for e in events][-3:] == ["customer_reply", "reopened", "status"]
    assert (events[-2].actor_kind, events[-2].new_value) == ("customer", "1")
    assert (events[-1].old_value, events[-1].new_value) == ("resolved", "in_progress")
    assert await Notification.filter(recipient_id=agent.id, kind="reopened").count() == 1

    # resolved again and reopened again: counted each time
    data, _ = validate_resolution(FORM, ROOT_CAUSES)
    await resolve_item(item, agent, data, RESOLVED_AT + timedelta(days=4))
    with time_machine.travel(RESOLVED_AT + timedelta(days=5), tick=False):
        assert (await _reply(client, path, "Still nothing.")).status_code == 303
    item = await FeedbackItem.get(id=item.id)
    assert (item.status, item.reopen_count) == (Status.IN_PROGRESS, 2)


async def test_it_closes_replies_after_the_window_and_points_to_new_feedback(client, agent) -> None:
    item, path = await _resolved_item(client, agent)
    with time_machine.travel(RESOLVED_AT + timedelta(days=15), tick=False):
        page = BeautifulSoup((await client.get(path)).text, "html.parser")
        assert page.find("form", class_="reply") is None
        closed = page.find(id="closed-for-replies")
        assert "more than 14 days ago and is closed for replies" in closed.text
        assert closed.find("a")["href"].endswith("/feedback/new")
        messages = await Message.all().count()
        response = await _reply(client, path, "Hello? Anyone?")
    assert response.status_code == 422
    error = BeautifulSoup(response.text, "html.parser").find(id="body-error")
    assert error.text == WINDOW_PASSED
    item = await FeedbackItem.get(id=item.id)
    assert (item.status, item.reopen_count) == (Status.RESOLVED, 0)
    assert await Message.all().count() == messages


async def test_it_never_reopens_a_closed_item(client, agent) -> None:
    item, path = await _resolved_item(client, agent)
    await change_status(item, Status.CLOSED, now=RESOLVED_AT + timedelta(hours=1), actor=agent)
    with time_machine.travel(RESOLVED_AT + timedelta(days=1), tick=False):
        page = BeautifulSoup((await client.get(path)).text, "html.parser")
        assert page.find(id="closed-for-replies").text.startswith("This conversation is closed.")
        response = await _reply(client, path, "Please reopen this.")
    assert response.status_code == 422
    item = await FeedbackItem.get(id=item.id)
    assert (item.status, item.reopen_count) == (Status.CLOSED, 0)


async def test_it_takes_the_window_from_the_settings(db, agent) -> None:
    app = create_app(dataclasses.replace(db, reopen_window_days=3), manage_database=False)
    transport = httpx.ASGITransport(app=app, client=("203.0.113.8", 50000))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        item, path = await _resolved_item(client, agent)
        with time_machine.travel(RESOLVED_AT + timedelta(days=4), tick=False):
            response = await _reply(client, path, "Four days later: still broken.")
        assert response.status_code == 422
        with time_machine.travel(RESOLVED_AT + timedelta(days=2), tick=False):
            response = await _reply(client, path, "Two days later: still broken.")
        assert response.status_code == 303
    assert (await FeedbackItem.get(id=item.id)).reopen_count == 1
