"""Every state-changing route refuses a request without a valid CSRF token."""

from __future__ import annotations

import re

import pytest
from starlette.routing import Route

from feedback.models import Event, FeedbackItem, FollowUp, Message, SavedReply
from portal.clock import utcnow
from portal.routes import routes
from tests.conftest import sign_in, submit
from triage.models import BusinessHours, RoutingRule, Team

POST_ROUTES = [r for r in routes if isinstance(r, Route) and "POST" in (r.methods or set())]


def _concrete(path: str, ids: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: ids[m.group(1)], path)


def test_it_knows_the_state_changing_routes() -> None:
    assert len(POST_ROUTES) >= 6


@pytest.mark.parametrize("route", POST_ROUTES, ids=lambda r: r.name)
async def test_it_refuses_a_post_without_csrf(client, admin, route: Route) -> None:
    response = await submit(client)
    token = response.headers["location"].rsplit("/", 1)[1]
    item = await FeedbackItem.get()
    team = await Team.create(name="Care")
    rule = await RoutingRule.create(name="all", team=team)
    calendar = await BusinessHours.create(name="Office", spec="mon-fri 09:00-17:00")
    now = utcnow()
    follow_up = await FollowUp.create(
        item=item, customer_id=item.customer_id, owner=admin, due_at=now, created_at=now
    )
    saved_reply = await SavedReply.create(
        title="Hello", title_key="hello", body="Hello", created_at=now, updated_at=now
    )
    await sign_in(client, admin)  # the highest role, so only the missing token can refuse
    counts = (
        await FeedbackItem.all().count(),
        await Message.all().count(),
        await Event.all().count(),
    )
    ids = {
        "token": token,
        "item_id": str(item.id),
        "customer_id": str(item.customer_id),
        "team_id": str(team.id),
        "rule_id": str(rule.id),
        "calendar_id": str(calendar.id),
        "staff_id": str(admin.id),
        "follow_up_id": str(follow_up.id),
        "reply_id": str(saved_reply.id),
    }
    response = await client.post(
        _concrete(route.path, ids),
        data={
            "body": "hello",
            "status": "closed",
            "notes": "x",
            "email": admin.email,
            "password": "whatever",
            "kind": "praise",
            "category": "Delivery",
            "name": "A",
            "subject": "s",
            "message": "m",
        },
    )
    assert response.status_code == 403, route.path
    assert "expired" in response.text, route.path  # refused for the token, not the role
    assert (
        await FeedbackItem.all().count(),
        await Message.all().count(),
        await Event.all().count(),
    ) == counts
    assert (await FeedbackItem.get()).status == "new"
