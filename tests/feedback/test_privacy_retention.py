"""`portal purge-personal-data`: customers inactive for longer than the retention limit, with no
open item, are erased; a dry run only counts; the sweeper does it when PORTAL_RETENTION_DAYS is
set."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine

from feedback.attachments import AttachmentStore
from feedback.models import Customer, Event, FeedbackItem, Message
from feedback.privacy import REDACTED
from feedback.resolution import resolve_item, validate_resolution
from portal.cli import purge_command
from portal.settings import load_settings
from tests.conftest import submit
from triage.escalation import sweep

ROOT = Path(__file__).resolve().parents[2]
SENT = datetime(2025, 1, 6, 9, 0, tzinfo=UTC)
RESOLVED = SENT + timedelta(hours=2)
DAYS = 365
RESOLUTION = {
    "outcome": "resolved",
    "root_cause": "Delivery",
    "remedy": "None",
    "effort_minutes": "10",
    "message": "Hi, the parcel was found at the depot and delivered this morning. Sorry!",
}


async def _customer(client, email: str, *, resolve: bool, agent) -> Customer:
    """A customer who wrote at SENT; their item resolved at RESOLVED, or left open."""
    with time_machine.travel(SENT, tick=False):
        response = await submit(client, email=email, subject=f"Parcel for {email}")
    assert response.status_code == 303
    item = await FeedbackItem.get(subject=f"Parcel for {email}").select_related("customer")
    if resolve:
        data, errors = validate_resolution(RESOLUTION, ("Delivery",))
        assert data is not None, errors
        await resolve_item(item, agent, data, RESOLVED)
    return item.customer


async def _purge(db, at: datetime, *, days: int | None = DAYS, dry_run: bool = False):
    with time_machine.travel(at, tick=False):
        return await purge_command(db, days, dry_run)


def _erased(customer: Customer) -> bool:
    return customer.erased_at is not None


async def test_it_counts_without_changing_anything_in_a_dry_run(client, db, agent) -> None:
    old = await _customer(client, "old@example.com", resolve=True, agent=agent)
    messages = await Message.all().values_list("body", flat=True)

    status, text = await _purge(db, RESOLVED + timedelta(days=DAYS + 1), dry_run=True)

    assert status == 0
    assert text == (
        f"would erase 1 customer(s) inactive for more than {DAYS} days; kept 0 with an open item"
    )
    customer = await Customer.get(id=old.id)
    assert not _erased(customer) and customer.email == "old@example.com"
    assert await Message.all().values_list("body", flat=True) == messages
    assert await Event.filter(action="erased").count() == 0


async def test_it_erases_inactive_customers_but_not_those_with_an_open_item(
    client, db, agent
) -> None:
    done = await _customer(client, "done@example.com", resolve=True, agent=agent)
    waiting = await _customer(client, "waiting@example.com", resolve=False, agent=agent)

    status, text = await _purge(db, RESOLVED + timedelta(days=DAYS + 1))

    assert status == 0
    assert text == (
        f"erased 1 customer(s) inactive for more than {DAYS} days; kept 1 with an open item"
    )
    erased = await Customer.get(id=done.id)
    assert _erased(erased) and erased.erased_by_id is None  # type: ignore[attr-defined]
    assert erased.email == f"erased-{done.id}@erased.invalid"
    item = await FeedbackItem.get(customer_id=done.id)
    assert item.subject == REDACTED
    event = await Event.get(action="erased", item_id=item.id)
    assert (event.actor_id, event.detail) == (  # type: ignore[attr-defined]
        None,
        "personal data erased: retention period passed",
    )
    kept = await Customer.get(id=waiting.id)
    assert not _erased(kept) and kept.email == "waiting@example.com"


async def test_it_keeps_a_customer_active_exactly_the_limit_ago(client, db, agent) -> None:
    customer = await _customer(client, "edge@example.com", resolve=True, agent=agent)
    boundary = RESOLVED + timedelta(days=DAYS)

    _, text = await _purge(db, boundary)
    assert text.startswith("erased 0 customer(s)")
    assert not _erased(await Customer.get(id=customer.id))

    _, text = await _purge(db, boundary + timedelta(seconds=1))
    assert text.startswith("erased 1 customer(s)")
    assert _erased(await Customer.get(id=customer.id))


async def test_it_counts_later_activity_as_activity(client, db, agent) -> None:
    customer = await _customer(client, "again@example.com", resolve=True, agent=agent)
    with time_machine.travel(RESOLVED + timedelta(days=200), tick=False):
        await submit(client, email="again@example.com", subject="Another parcel")
    later = await FeedbackItem.get(subject="Another parcel")
    data, _ = validate_resolution(RESOLUTION, ("Delivery",))
    await resolve_item(later, agent, data, RESOLVED + timedelta(days=200, hours=1))

    _, text = await _purge(db, RESOLVED + timedelta(days=DAYS + 1))

    assert text.startswith("erased 0 customer(s)")
    assert not _erased(await Customer.get(id=customer.id))


async def test_it_refuses_a_missing_or_too_short_limit(db) -> None:
    assert await _purge(db, SENT, days=None) == (
        2,
        "no retention limit: set PORTAL_RETENTION_DAYS or pass --older-than DAYS",
    )
    status, text = await _purge(db, SENT, days=7)
    assert status == 2 and "at least 30 days" in text
    with_setting = dataclasses.replace(db, retention_days=400)
    with time_machine.travel(SENT, tick=False):
        assert (await purge_command(with_setting, None, True))[1].startswith("would erase 0")


@pytest.mark.parametrize("value", ["abc", "-5", "12", "30.5"])
def test_it_refuses_a_bad_setting(monkeypatch, value: str) -> None:
    monkeypatch.setenv("PORTAL_RETENTION_DAYS", value)
    with pytest.raises(ValueError, match="PORTAL_RETENTION_DAYS"):
        load_settings()


def test_it_reads_the_setting(monkeypatch) -> None:
    monkeypatch.setenv("PORTAL_RETENTION_DAYS", "")
    assert load_settings().retention_days is None
    monkeypatch.setenv("PORTAL_RETENTION_DAYS", " 730 ")
    assert load_settings().retention_days == 730


async def test_the_sweeper_purges_only_when_the_setting_is_set(client, db, agent) -> None:
    customer = await _customer(client, "sweep@example.com", resolve=True, agent=agent)
    now = RESOLVED + timedelta(days=DAYS + 1)

    assert (await sweep(now)).purged == []
    assert not _erased(await Customer.get(id=customer.id))

    store = AttachmentStore(db.attachment_dir)
    assert (await sweep(now, retention_days=DAYS, attachment_store=store)).purged == [customer.id]
    assert _erased(await Customer.get(id=customer.id))


@pytest.mark.slow
async def test_the_console_command_reports_counts(client, db, agent) -> None:
    await _customer(client, "console@example.com", resolve=True, agent=agent)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DATABASE_URL": db.database_url}
    env.pop("PORTAL_RETENTION_DAYS", None)

    def portal(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "portal.cli", "purge-personal-data", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    dry = portal("--older-than", "30", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert dry.stdout.strip() == (
        "would erase 1 customer(s) inactive for more than 30 days; kept 0 with an open item"
    )
    assert (await Customer.get(email="console@example.com")).erased_at is None

    unset = portal()
    assert unset.returncode == 2 and "PORTAL_RETENTION_DAYS" in unset.stderr

    real = portal("--older-than", "30")
    assert real.returncode == 0, real.stderr
    assert real.stdout.strip().startswith("erased 1 customer(s)")
    assert await Customer.filter(email="console@example.com").count() == 0
