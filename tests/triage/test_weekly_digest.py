"""The weekly digest: last week's figures by e-mail to managers and admins, once, on Monday."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from feedback.models import Kind, OutboxMail
from portal.auth import create_staff
from portal.models import Role, StaffUser
from tests.triage.metrics_helpers import item
from triage.digest import due_week, send_weekly_digest
from triage.escalation import sweep
from triage.models import DigestRun
from triage.staff_mail import DIGEST, StaffMail

MONDAY_9 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
LAST_WEEK = datetime(2026, 11, 18, 10, 0, tzinfo=UTC)
LINKS = StaffMail(
    item_url=lambda i: f"http://portal.test/staff/items/{i.id}",
    dashboard_url="http://portal.test/manager",
)


@pytest.mark.parametrize(
    ("now", "zone", "expected"),
    [
        (datetime(2026, 11, 23, 7, 59, tzinfo=UTC), "UTC", None),  # Monday, before 8:00
        (datetime(2026, 11, 23, 8, 0, tzinfo=UTC), "UTC", date(2026, 11, 23)),
        (datetime(2026, 11, 25, 15, 0, tzinfo=UTC), "UTC", date(2026, 11, 23)),  # Wednesday
        (datetime(2026, 11, 29, 23, 0, tzinfo=UTC), "UTC", date(2026, 11, 23)),  # Sunday night
        # 07:30 UTC is 08:30 in Berlin: due there, not yet in New York (02:30).
        (datetime(2026, 11, 23, 7, 30, tzinfo=UTC), "Europe/Berlin", date(2026, 11, 23)),
        (datetime(2026, 11, 23, 7, 30, tzinfo=UTC), "America/New_York", None),
    ],
    ids=["monday-early", "monday-8", "wednesday", "sunday", "berlin", "new-york"],
)
def test_it_is_due_from_monday_morning_local_time(now, zone, expected) -> None:
    assert due_week(now, zone) == expected


async def _team() -> dict[str, StaffUser]:
    return {
        "agent": await create_staff("ana@example.com", "Ana Costa", "pw-123456789", Role.AGENT),
        "manager": await create_staff("mia@example.com", "Mia Chen", "pw-123456789", Role.MANAGER),
        "admin": await create_staff("sam@example.com", "Sam Admin", "pw-123456789", Role.ADMIN),
    }


async def test_it_mails_last_weeks_figures_to_managers_and_admins(db) -> None:
    await _team()
    await item(at=LAST_WEEK, category="Delivery")
    await item(at=LAST_WEEK, category="Delivery")
    await item(at=LAST_WEEK, category="Billing", kind=Kind.PRAISE, sentiment_label="positive")

    assert await send_weekly_digest(MONDAY_9, "UTC", LINKS, no_contact_days=90) is True

    mails = await OutboxMail.filter(kind=DIGEST).order_by("to_address")
    assert [m.to_address for m in mails] == ["mia@example.com", "sam@example.com"]
    body = mails[0].body_text
    assert "Last week, Mon 16 Nov to Sun 22 Nov 2026:" in body
    assert "- Received: 3" in body
    assert "- Complaints by topic: Delivery 2 (+2 on the week before)" in body
    assert "http://portal.test/manager?period=custom&start=2026-11-16&end=2026-11-22" in body
    assert mails[0].subject == "Customer feedback, week of 16 Nov: 3 received, 0 breaches"
    assert "<pre" in mails[0].body_html and "Delivery 2" in mails[0].body_html
    assert await DigestRun.filter(week=date(2026, 11, 23)).count() == 1


async def test_it_sends_once_a_week(db) -> None:
    await _team()
    await item(at=LAST_WEEK)
    assert await send_weekly_digest(MONDAY_9, "UTC", LINKS, 90) is True
    later = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
    assert await send_weekly_digest(later, "UTC", LINKS, 90) is False
    assert await OutboxMail.filter(kind=DIGEST).count() == 2


async def test_two_processes_at_once_send_it_once(db) -> None:
    await _team()
    await item(at=LAST_WEEK)
    results = await asyncio.gather(
        send_weekly_digest(MONDAY_9, "UTC", LINKS, 90),
        send_weekly_digest(MONDAY_9, "UTC", LINKS, 90),
    )
    assert sorted(results) == [False, True]
    assert await OutboxMail.filter(kind=DIGEST).count() == 2


async def test_it_leaves_out_whoever_turned_it_off(db) -> None:
    team = await _team()
    await StaffUser.filter(id=team["admin"].id).update(mail_weekly_digest=False)
    await item(at=LAST_WEEK)
    await send_weekly_digest(MONDAY_9, "UTC", LINKS, 90)
    assert [m.to_address for m in await OutboxMail.filter(kind=DIGEST)] == ["mia@example.com"]


async def test_a_new_installation_waits_for_a_week_to_report(db) -> None:
    await _team()
    await item(at=MONDAY_9)  # the first item arrived this week
    assert await send_weekly_digest(MONDAY_9, "UTC", LINKS, 90) is False
    assert not await DigestRun.exists()


async def test_the_sweeper_sends_it_only_with_staff_mail_on(db) -> None:
    await _team()
    await item(at=LAST_WEEK)
    assert (await sweep(MONDAY_9, "UTC")).digest_sent is False
    assert not await OutboxMail.filter(kind=DIGEST).exists()
    assert (await sweep(MONDAY_9, "UTC", staff_mail=LINKS)).digest_sent is True
    assert await OutboxMail.filter(kind=DIGEST).count() == 2
