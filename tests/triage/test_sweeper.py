"""The sweeper warns before a breach and escalates on one — once, even with two processes
(and mails staff once: tests/mail/test_staff_mail.py has the rest of staff mail).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from feedback.intake import Submission, submit_feedback
from feedback.models import Event, FeedbackItem, Kind, OutboxMail
from triage.escalation import sweep
from triage.models import BusinessHours, Notification, RoutingRule, Team

CREATED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)  # a Monday


async def _setup(agent, teammate, manager, *, escalate_to=None) -> FeedbackItem:  # noqa: ANN001
    await BusinessHours.create(name="24/7", timezone="UTC", spec="24/7", is_default=True)
    team = await Team.create(name="Care", manager=manager, escalate_to=escalate_to)
    await team.members.add(agent)
    await RoutingRule.create(name="all", team=team)
    item, _ = await submit_feedback(
        Submission(
            kind=Kind.QUESTION,
            category="Billing",
            name="Jo",
            email="jo@example.com",
            subject="Invoice",
            message="Could you send my invoice?",
        ),
        now=CREATED,
    )
    item = await FeedbackItem.get(id=item.id)
    assert item.priority == "normal" and item.owner_id == agent.id
    # normal: 8 business hours to first response, warn at 75% (6h)
    assert item.first_response_due == CREATED + timedelta(hours=8)
    assert item.warn_at == CREATED + timedelta(hours=6)
    return item


async def test_it_does_nothing_before_the_warning(db, agent, teammate, manager) -> None:
    await _setup(agent, teammate, manager)
    report = await sweep(CREATED + timedelta(hours=5))
    assert report.warned == [] and report.escalated == []
    assert (await FeedbackItem.get()).sla_state == "ok"


async def test_it_warns_the_owner_once(db, agent, teammate, manager) -> None:
    item = await _setup(agent, teammate, manager)
    first = await sweep(CREATED + timedelta(hours=6, minutes=1))
    again = await sweep(CREATED + timedelta(hours=6, minutes=2))
    assert first.warned == [item.id] and again.warned == []
    assert (await FeedbackItem.get()).sla_state == "at_risk"
    notes = await Notification.filter(kind="warning")
    assert [n.recipient_id for n in notes] == [agent.id]
    assert await Event.filter(item_id=item.id, action="warning").count() == 1


async def test_it_escalates_once_to_the_team_manager(db, agent, teammate, manager) -> None:
    item = await _setup(agent, teammate, manager)
    report = await sweep(CREATED + timedelta(hours=8, minutes=1))
    assert report.escalated == [item.id]
    for later in (9, 10):
        assert (await sweep(CREATED + timedelta(hours=later))).escalated == []
    item = await FeedbackItem.get()
    assert item.sla_state == "breached" and item.escalated_for == "first_response"
    breaches = await Notification.filter(kind="breach")
    assert [n.recipient_id for n in breaches] == [manager.id]
    assert "breached its first response target" in breaches[0].text
    assert await Event.filter(item_id=item.id, action="escalated").count() == 1


async def test_it_reassigns_by_the_escalation_rule(db, agent, teammate, manager) -> None:
    item = await _setup(agent, teammate, manager, escalate_to=teammate)
    await sweep(CREATED + timedelta(hours=9))
    item = await FeedbackItem.get()
    assert item.owner_id == teammate.id
    event = await Event.filter(item_id=item.id, action="owner").order_by("-id").first()
    assert (event.old_value, event.new_value) == ("Ana Costa", "Ben Okafor")
    assert await Notification.filter(recipient_id=teammate.id, kind="assigned").count() == 1


async def test_it_does_not_escalate_an_answered_item(db, agent, teammate, manager) -> None:
    from feedback.conversation import add_staff_reply

    item = await _setup(agent, teammate, manager)
    await add_staff_reply(item, agent, "Here it is.", now=CREATED + timedelta(hours=7))
    report = await sweep(CREATED + timedelta(hours=9))
    assert report.escalated == []
    item = await FeedbackItem.get()
    assert item.next_due_kind == "resolution" and item.sla_state == "ok"


@pytest.mark.slow
async def test_it_escalates_once_with_two_sweeping_processes(db, agent, teammate, manager) -> None:
    items = [await _setup(agent, teammate, manager)]
    for n in range(5):
        item, _ = await submit_feedback(
            Submission(
                kind=Kind.QUESTION,
                category="Billing",
                name="C",
                subject="Invoice",
                email=f"c{n}@example.com",
                message="Could you send my invoice?",
            ),
            now=CREATED,
        )
        items.append(item)
    now = CREATED + timedelta(hours=9)
    start_at = time.time() + 2.0
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.triage._sweep_worker",
                db.database_url,
                now.isoformat(),
                str(start_at),
                "3",
                "https://portal.example",
            ],
            cwd=root,
            env=env,
            stderr=subprocess.PIPE,
        )
        for _ in range(2)
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
    assert await Event.filter(action="escalated").count() == len(items)
    assert await Notification.filter(kind="breach").count() == len(items)
    assert await Notification.filter(kind="warning").count() == 0  # breached, never "at risk"
    # Each breach is mailed to the manager once, with its notification (PORTAL_STAFF_MAIL).
    mails = await OutboxMail.filter(kind="staff_escalation").order_by("item_id")
    assert [(mail.item_id, mail.to_address) for mail in mails] == sorted(
        (item.id, manager.email) for item in items
    )
    assert await OutboxMail.exclude(kind="staff_escalation").count() == 0
