"""`portal demo` loads a usable data set once (what `make run` shows on first start)."""

from __future__ import annotations

from feedback.models import FeedbackItem
from portal.demo import load_demo
from portal.models import StaffUser
from triage.models import RoutingRule, Team


async def test_it_loads_staff_teams_rules_and_routed_items(db, tmp_path) -> None:
    credentials = tmp_path / "demo-sign-ins.txt"
    assert await load_demo(db, credentials, only_if_empty=True)
    assert await StaffUser.all().count() == 5
    assert await Team.filter(is_default=True).count() == 1
    assert await RoutingRule.all().count() == 2
    items = await FeedbackItem.all()
    assert len(items) >= 6 and all(item.next_due or item.resolved_at for item in items)
    assert any(item.owner_id for item in items)
    lines = credentials.read_text().splitlines()
    assert len(lines) == 5 and all("password:" in line for line in lines)
    assert oct(credentials.stat().st_mode)[-3:] == "600"


async def test_it_does_nothing_the_second_time(db, tmp_path) -> None:
    credentials = tmp_path / "demo-sign-ins.txt"
    assert await load_demo(db, credentials, only_if_empty=True)
    assert not await load_demo(db, credentials, only_if_empty=True)
    assert await StaffUser.all().count() == 5


async def test_it_puts_nothing_in_the_future(db, tmp_path) -> None:
    from feedback.models import Event, Message
    from portal.clock import utcnow
    from triage.models import Notification

    assert await load_demo(db, tmp_path / "demo-sign-ins.txt", only_if_empty=True)
    now = utcnow()
    assert not await FeedbackItem.filter(created_at__gt=now).exists()
    assert not await FeedbackItem.filter(resolved_at__gt=now).exists()
    assert not await Message.filter(created_at__gt=now).exists()
    assert not await Event.filter(created_at__gt=now).exists()
    assert not await Notification.filter(created_at__gt=now).exists()
