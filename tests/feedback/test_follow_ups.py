"""Follow-ups after a resolution: defaults by segment, the owner's list, marking one done."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup

from feedback.conversation import add_staff_reply
from feedback.followups import default_follow_up_days, schedule_follow_up
from feedback.models import Customer, Event, FeedbackItem, FollowUp, Kind
from tests.conftest import csrf_from, sign_in, submit

NOW = datetime(2026, 3, 10, 10, 0, tzinfo=UTC)
SEGMENT_DAYS = {"key": 7, "regular": 0, "new": 0}


@pytest.mark.parametrize(
    ("kind", "segment", "days"),
    [
        (Kind.COMPLAINT, "key", 7),
        (Kind.COMPLAINT, "regular", 0),
        (Kind.COMPLAINT, "new", 0),
        (Kind.COMPLAINT, "unknown", 0),
        (Kind.PRAISE, "key", 0),
        (Kind.QUESTION, "key", 0),
    ],
)
def test_it_suggests_a_follow_up_for_complaints_by_segment(kind, segment, days) -> None:
    item, customer = FeedbackItem(kind=kind), Customer(segment=segment)
    assert default_follow_up_days(item, customer, SEGMENT_DAYS) == days


async def _follow_ups(client, agent, teammate) -> dict[str, FollowUp]:
    """Agent: one overdue, one due later, one done; teammate: one overdue."""
    created = {}
    for name, email in (("overdue", "a@example.com"), ("later", "b@example.com")):
        await submit(client, email=email, subject=name)
        item = await FeedbackItem.get(subject=name)
        await add_staff_reply(item, agent, "On it.", now=NOW - timedelta(days=20))
        due = NOW - timedelta(days=1) if name == "overdue" else NOW + timedelta(days=3)
        created[name] = await schedule_follow_up(
            item, owner_id=agent.id, due_at=due, now=NOW - timedelta(days=10)
        )
    item = await FeedbackItem.get(subject="later")
    created["done"] = await schedule_follow_up(
        item, owner_id=agent.id, due_at=NOW - timedelta(days=5), now=NOW - timedelta(days=10)
    )
    await FollowUp.filter(id=created["done"].id).update(done_at=NOW - timedelta(days=4))
    await submit(client, email="c@example.com", subject="theirs")
    item = await FeedbackItem.get(subject="theirs")
    created["theirs"] = await schedule_follow_up(
        item, owner_id=teammate.id, due_at=NOW - timedelta(days=2), now=NOW - timedelta(days=9)
    )
    return created


async def test_it_lists_my_open_follow_ups_overdue_first(client, agent, teammate) -> None:
    created = await _follow_ups(client, agent, teammate)
    with time_machine.travel(NOW, tick=False):
        await sign_in(client, agent)
        page = BeautifulSoup((await client.get("/staff/follow-ups")).text, "html.parser")
    rows = page.select("#follow-ups li.follow-up")
    assert [row["id"] for row in rows] == [
        f"follow-up-{created['overdue'].id}",
        f"follow-up-{created['later'].id}",
    ]
    assert [("overdue" in row["class"], row.find(class_="badge") is not None) for row in rows] == [
        (True, True),
        (False, False),
    ]
    assert rows[0].find("a").text == (await FeedbackItem.get(subject="overdue")).reference


async def test_it_marks_a_follow_up_done_with_an_event_and_a_contact(
    client, agent, teammate
) -> None:
    created = await _follow_ups(client, agent, teammate)
    follow_up = created["overdue"]
    with time_machine.travel(NOW, tick=False):
        await sign_in(client, agent)
        token = csrf_from((await client.get("/staff/follow-ups")).text)
        response = await client.post(
            f"/staff/follow-ups/{follow_up.id}/done",
            data={"csrf_token": token, "next": "/staff/follow-ups", "scope": "open"},
        )
    assert response.status_code == 303 and response.headers["location"] == "/staff/follow-ups"
    assert (await FollowUp.get(id=follow_up.id)).done_at == NOW
    event = await Event.filter(item_id=follow_up.item_id).order_by("-id").first()
    assert (event.action, event.actor_id) == ("follow_up_done", agent.id)
    customer = await Customer.get(id=follow_up.customer_id)
    assert customer.owner_id == agent.id and customer.last_owner_contact_at == NOW

    # a second click changes nothing
    with time_machine.travel(NOW + timedelta(minutes=1), tick=False):
        again = await client.post(
            f"/staff/follow-ups/{follow_up.id}/done", data={"csrf_token": token}
        )
    assert again.status_code == 303
    assert (await FollowUp.get(id=follow_up.id)).done_at == NOW
    assert await Event.filter(item_id=follow_up.item_id, action="follow_up_done").count() == 1


async def test_it_answers_htmx_with_the_updated_list(client, agent, teammate) -> None:
    created = await _follow_ups(client, agent, teammate)
    with time_machine.travel(NOW, tick=False):
        await sign_in(client, agent)
        token = csrf_from((await client.get("/staff/follow-ups")).text)
        response = await client.post(
            f"/staff/follow-ups/{created['overdue'].id}/done",
            data={"scope": "overdue", "next": "/staff/board"},
            headers={"HX-Request": "true", "X-CSRF-Token": token},
        )
    assert response.status_code == 200 and "<html" not in response.text
    assert "HX-Request" in response.headers["vary"]
    assert response.headers["hx-trigger"] == "follow-up-done"
    fragment = BeautifulSoup(response.text, "html.parser")
    assert fragment.find(id="follow-ups-title").text == "Overdue follow-ups"
    assert fragment.select("li.follow-up") == []  # the later one is not overdue
    assert fragment.find(class_="empty").text == "No overdue follow-ups."
    assert fragment.find("input", attrs={"name": "next"}) is None


async def test_only_the_owner_or_a_manager_marks_it_done(client, agent, teammate, manager) -> None:
    created = await _follow_ups(client, agent, teammate)
    follow_up = created["overdue"]
    await sign_in(client, teammate)
    token = csrf_from((await client.get("/staff/follow-ups")).text)
    response = await client.post(
        f"/staff/follow-ups/{follow_up.id}/done", data={"csrf_token": token}
    )
    assert response.status_code == 403
    assert (await FollowUp.get(id=follow_up.id)).done_at is None
    missing = await client.post("/staff/follow-ups/999999/done", data={"csrf_token": token})
    assert missing.status_code == 404

    with time_machine.travel(NOW, tick=False):
        await sign_in(client, manager)
        token = csrf_from((await client.get("/staff/follow-ups")).text)
        response = await client.post(
            f"/staff/follow-ups/{follow_up.id}/done",
            data={"csrf_token": token, "next": "https://evil.example/"},
        )
    assert response.status_code == 303 and response.headers["location"] == "/staff/follow-ups"
    assert (await FollowUp.get(id=follow_up.id)).done_at == NOW
    # the manager is not the customer's owner: no "owner contact"
    customer = await Customer.get(id=follow_up.customer_id)
    assert customer.last_owner_contact_at == NOW - timedelta(days=20)


async def test_it_sends_anonymous_visitors_to_sign_in(client) -> None:
    response = await client.get("/staff/follow-ups")
    assert response.status_code == 303 and "/staff/sign-in" in response.headers["location"]


async def test_it_shows_overdue_follow_ups_on_the_owners_board(client, agent, teammate) -> None:
    from datetime import timedelta

    from bs4 import BeautifulSoup

    from feedback.models import Customer, FeedbackItem, FollowUp
    from portal.clock import utcnow
    from tests.conftest import sign_in as sign_in_as
    from tests.conftest import submit as submit_form

    await submit_form(client)
    item = await FeedbackItem.get()
    customer = await Customer.get()
    now = utcnow()
    overdue = await FollowUp.create(
        item=item, customer=customer, owner=agent, due_at=now - timedelta(days=1), created_at=now
    )
    await FollowUp.create(
        item=item, customer=customer, owner=agent, due_at=now + timedelta(days=3), created_at=now
    )
    await FollowUp.create(
        item=item, customer=customer, owner=teammate, due_at=now - timedelta(days=2), created_at=now
    )
    await sign_in_as(client, agent)
    page = BeautifulSoup((await client.get("/staff/board")).text, "html.parser")
    shown = [li["id"] for li in page.select("#follow-ups li")]
    assert shown == [f"follow-up-{overdue.id}"]
