"""Each person chooses which of the sweeper's notifications also come by e-mail.

Checked by what the sweeper writes to the outbox (and, once, by what a real SMTP server on
the loopback receives); the in-app notification always comes.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from tortoise import Tortoise

from feedback.models import OutboxMail
from portal.models import StaffUser
from portal.settings import Settings
from portal.staff_links import staff_mail_for
from tests.mail.conftest import SmtpServer, deliver
from tests.mail.test_staff_mail import BREACH_AT, WARN_AT
from tests.triage.test_channel_watch import NOW as CHANNEL_NOW
from tests.triage.test_channel_watch import _history
from tests.triage.test_sweeper import _setup
from triage.escalation import sweep
from triage.models import Notification, Team
from triage.staff_mail import CHANNEL, ESCALATION, WARNING

# (preference column, outbox kind, notification kind, who is told)
KINDS = [
    pytest.param("mail_warnings", WARNING, "warning", "agent", id="warning-to-owner"),
    pytest.param("mail_escalations", ESCALATION, "breach", "manager", id="breach-to-manager"),
    pytest.param("mail_quiet_channels", CHANNEL, "quiet_web", "manager", id="quiet-channel"),
]


async def _make_it_happen(kind: str, settings: Settings, agent, teammate, manager) -> None:  # noqa: ANN001
    """Run the sweeper into the situation that makes a notification of `kind`."""
    staff_mail = staff_mail_for(settings)
    if kind == CHANNEL:
        await _history(last=CHANNEL_NOW - timedelta(hours=4), per_week=(6, 6, 6, 6))
        await sweep(CHANNEL_NOW, staff_mail=staff_mail)
        return
    await _setup(agent, teammate, manager)
    await sweep(WARN_AT if kind == WARNING else BREACH_AT, staff_mail=staff_mail)


@pytest.mark.parametrize(("column", "kind", "note_kind", "persona"), KINDS)
async def test_it_mails_by_default(
    mail_settings, agent, teammate, manager, column, kind, note_kind, persona
) -> None:
    person = {"agent": agent, "manager": manager}[persona]
    assert getattr(await StaffUser.get(id=person.id), column) is True
    await _make_it_happen(kind, mail_settings, agent, teammate, manager)
    assert await Notification.filter(recipient_id=person.id, kind=note_kind).exists()
    mails = await OutboxMail.filter(kind=kind).values_list("to_address", flat=True)
    assert mails == [person.email]


@pytest.mark.parametrize(("column", "kind", "note_kind", "persona"), KINDS)
async def test_it_keeps_a_kind_in_app_for_whoever_turned_it_off(
    mail_settings, agent, teammate, manager, column, kind, note_kind, persona
) -> None:
    person = {"agent": agent, "manager": manager}[persona]
    await StaffUser.filter(id=person.id).update(**{column: False})
    await _make_it_happen(kind, mail_settings, agent, teammate, manager)
    assert await Notification.filter(recipient_id=person.id, kind=note_kind).exists()
    assert await OutboxMail.filter(kind=kind).count() == 0


async def test_turning_one_kind_off_leaves_the_others(
    mail_settings, agent, teammate, manager
) -> None:
    await StaffUser.filter(id=agent.id).update(mail_warnings=False)
    await _setup(agent, teammate, manager)
    staff_mail = staff_mail_for(mail_settings)
    await sweep(WARN_AT, staff_mail=staff_mail)
    await sweep(BREACH_AT, staff_mail=staff_mail)
    rows = await OutboxMail.all().order_by("id").values_list("kind", "to_address")
    assert rows == [(ESCALATION, manager.email)]


async def test_the_install_wide_switch_wins_over_a_yes(
    mail_settings, agent, teammate, manager
) -> None:
    await StaffUser.all().update(mail_warnings=True, mail_escalations=True)
    off = dataclasses.replace(mail_settings, staff_mail=False)
    await _make_it_happen(WARNING, off, agent, teammate, manager)
    await sweep(BREACH_AT, staff_mail=staff_mail_for(off))
    assert await Notification.filter(kind__in=["warning", "breach"]).count() == 2
    assert await OutboxMail.all().count() == 0


async def test_only_those_who_said_yes_receive_a_breach(
    mail_settings, smtp_server: SmtpServer, agent, teammate, manager, admin
) -> None:
    # A team without a manager: every manager and admin is told of a breach.
    await _setup(agent, teammate, manager)
    await Team.all().update(manager_id=None)
    await StaffUser.filter(id=manager.id).update(mail_escalations=False)
    await sweep(BREACH_AT, staff_mail=staff_mail_for(mail_settings))
    assert (await deliver(mail_settings)).sent == 1

    [mail] = smtp_server.received
    assert mail.rcpt_tos == [admin.email]
    assert "breached" in mail.message["Subject"]
    told = await Notification.filter(kind="breach").values_list("recipient_id", flat=True)
    assert sorted(told) == sorted([manager.id, admin.id])


async def test_existing_accounts_keep_getting_mail_after_the_migration(db) -> None:
    # A row written without the new columns (as every account was before them) gets the
    # database default: everything on, as before.
    connection = Tortoise.get_connection("default")
    await connection.execute_query(
        "INSERT INTO staff_user (email, name, role, password_hash, is_active, is_away, "
        "timezone, created_at) VALUES ('old@example.test', 'Old Hand', 'manager', 'x', "
        "TRUE, FALSE, '', CURRENT_TIMESTAMP)"
    )
    old = await StaffUser.get(email="old@example.test")
    assert (old.mail_warnings, old.mail_escalations, old.mail_quiet_channels) == (True,) * 3
