"""Staff hear about target warnings, breaches and quiet channels by e-mail too, through the
same outbox as customer mail, sent to a real SMTP server on the loopback.
"""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from feedback.models import FeedbackItem, MailStatus, OutboxMail
from portal.models import StaffUser
from portal.settings import Settings, load_settings
from portal.staff_links import staff_mail_for
from tests.conftest import sign_in
from tests.mail.conftest import Received, SmtpServer, deliver
from tests.triage.test_channel_watch import NOW as CHANNEL_NOW
from tests.triage.test_channel_watch import _history
from tests.triage.test_sweeper import CREATED, _setup
from triage.escalation import sweep
from triage.models import Notification
from triage.staff_mail import CHANNEL, ESCALATION, WARNING

BASE_URL = "https://portal.example"
WARN_AT = CREATED + timedelta(hours=6, minutes=1)
BREACH_AT = CREATED + timedelta(hours=8, minutes=1)


@pytest.fixture
def staff_settings(mail_settings: Settings) -> Settings:
    return dataclasses.replace(mail_settings, base_url=BASE_URL)


def _to(received: list[Received]) -> list[str]:
    return sorted(address for mail in received for address in mail.rcpt_tos)


async def test_it_mails_the_owner_a_warning_with_the_item_link(
    staff_settings, smtp_server: SmtpServer, agent, teammate, manager
) -> None:
    item = await _setup(agent, teammate, manager)
    await sweep(WARN_AT, staff_mail=staff_mail_for(staff_settings))
    assert (await deliver(staff_settings)).sent == 1  # the customer's confirmation was not queued

    [mail] = smtp_server.received
    assert mail.rcpt_tos == [agent.email]
    assert mail.message["Subject"] == f"{item.reference} is close to its first-response target"
    assert mail.message["Content-Language"] == "en"
    note = await Notification.get(kind="warning")
    assert note.text in mail.text()
    assert mail.links() == [f"{BASE_URL}/staff/items/{item.id}"]
    link = BeautifulSoup(mail.html(), "html.parser").find("a")
    assert link["href"] == f"{BASE_URL}/staff/items/{item.id}"
    row = await OutboxMail.get()
    assert (row.kind, row.item_id, row.status) == (WARNING, item.id, MailStatus.SENT)


async def test_the_link_opens_the_item_for_the_owner(
    staff_settings, smtp_server: SmtpServer, client, agent, teammate, manager
) -> None:
    item = await _setup(agent, teammate, manager)
    await sweep(WARN_AT, staff_mail=staff_mail_for(staff_settings))
    await deliver(staff_settings)
    [mail] = smtp_server.received
    await sign_in(client, agent)
    page = await client.get(urlsplit(mail.links()[0]).path)
    assert page.status_code == 200 and item.reference in page.text


async def test_it_mails_the_team_manager_on_a_breach(
    staff_settings, smtp_server: SmtpServer, agent, teammate, manager
) -> None:
    item = await _setup(agent, teammate, manager)
    await sweep(BREACH_AT, staff_mail=staff_mail_for(staff_settings))
    await sweep(BREACH_AT + timedelta(hours=1), staff_mail=staff_mail_for(staff_settings))
    await deliver(staff_settings)

    [mail] = smtp_server.received
    assert mail.rcpt_tos == [manager.email]
    assert mail.message["Subject"] == f"{item.reference} breached its first-response target"
    note = await Notification.get(kind="breach", recipient_id=manager.id)
    assert note.text in mail.text()
    assert mail.links() == [f"{BASE_URL}/staff/items/{item.id}"]
    assert await OutboxMail.filter(kind=ESCALATION).count() == 1


async def test_it_mails_managers_and_admins_when_a_channel_goes_quiet(
    staff_settings, smtp_server: SmtpServer, agent, manager, admin
) -> None:
    await _history(last=CHANNEL_NOW - timedelta(hours=4), per_week=(6, 6, 6, 6))
    queued_before = await OutboxMail.all().count()  # nothing: intake without links mails nobody
    staff_mail = staff_mail_for(staff_settings)
    await sweep(CHANNEL_NOW, staff_mail=staff_mail)
    await sweep(CHANNEL_NOW + timedelta(minutes=30), staff_mail=staff_mail)
    await deliver(staff_settings, CHANNEL_NOW + timedelta(minutes=30))

    assert queued_before == 0
    # The old history items breached too (mailed as escalations): look at the channel alert.
    alerts = [m for m in smtp_server.received if m.message["Subject"].startswith("Nothing")]
    assert _to(alerts) == sorted([manager.email, admin.email])
    assert agent.email not in _to(alerts)
    for mail in alerts:
        assert mail.message["Subject"] == "Nothing through the web form for 4 hours"
        assert "Check that it works." in mail.text()
        assert mail.links() == [f"{BASE_URL}/manager"]
    assert await OutboxMail.filter(kind=CHANNEL).count() == 2


async def test_it_keeps_notifications_in_app_when_staff_mail_is_off(
    staff_settings, agent, teammate, manager
) -> None:
    off = dataclasses.replace(staff_settings, staff_mail=False)
    assert staff_mail_for(off) is None
    await _setup(agent, teammate, manager)
    await sweep(WARN_AT, staff_mail=staff_mail_for(off))
    await sweep(BREACH_AT, staff_mail=staff_mail_for(off))
    assert await Notification.filter(kind__in=["warning", "breach"]).count() == 2
    assert await OutboxMail.all().count() == 0


def test_it_reads_the_staff_mail_setting(monkeypatch, tmp_path) -> None:
    def load() -> Settings:
        return load_settings(env_file=tmp_path / "none.env", var_dir=tmp_path, secret_key="k")

    monkeypatch.delenv("PORTAL_STAFF_MAIL", raising=False)
    assert load().staff_mail is True
    monkeypatch.setenv("PORTAL_STAFF_MAIL", "false")
    assert load().staff_mail is False


async def test_it_mails_no_inactive_staff(
    staff_settings, smtp_server: SmtpServer, agent, teammate, manager, admin
) -> None:
    await _setup(agent, teammate, manager)
    await StaffUser.filter(id__in=[agent.id, manager.id]).update(is_active=False)
    staff_mail = staff_mail_for(staff_settings)
    await sweep(WARN_AT, staff_mail=staff_mail)
    await sweep(BREACH_AT, staff_mail=staff_mail)
    await deliver(staff_settings)
    # Still told in-app (as before), but nobody inactive is mailed.
    assert await Notification.filter(kind__in=["warning", "breach"]).count() == 2
    assert smtp_server.received == []
    assert await OutboxMail.all().count() == 0


async def test_it_says_no_more_than_the_notification(
    staff_settings, smtp_server: SmtpServer, agent, teammate, manager
) -> None:
    item = await _setup(agent, teammate, manager)
    staff_mail = staff_mail_for(staff_settings)
    await sweep(WARN_AT, staff_mail=staff_mail)
    await sweep(BREACH_AT, staff_mail=staff_mail)
    await deliver(staff_settings)
    assert len(smtp_server.received) == 2
    item = await FeedbackItem.get(id=item.id).prefetch_related("customer", "messages")
    customer_words = [item.customer.email, item.customer.name, "jo@example.com"]
    customer_words += [message.body for message in item.messages]
    for mail in smtp_server.received:
        raw = mail.message.as_string()
        for words in customer_words:
            assert words not in raw, words


async def test_the_manage_mail_page_counts_staff_mail(
    staff_settings, client, agent, teammate, manager
) -> None:
    await _setup(agent, teammate, manager)
    await sweep(WARN_AT, staff_mail=staff_mail_for(staff_settings))
    await sign_in(client, manager)
    page = BeautifulSoup((await client.get("/manage/mail")).text, "html.parser")
    row = page.select_one("#mail-kinds #kind-staff_warning")
    assert row is not None
    assert [cell.get_text() for cell in row.find_all("td")] == ["staff warning", "staff", "1"]
    assert int(page.select_one("#count-pending").get_text()) == 1


async def test_it_mails_the_rep_an_item_is_escalated_to(
    staff_settings, smtp_server: SmtpServer, agent, teammate, manager
) -> None:
    item = await _setup(agent, teammate, manager, escalate_to=teammate)
    await sweep(BREACH_AT, staff_mail=staff_mail_for(staff_settings))
    await deliver(staff_settings)

    by_recipient = {mail.rcpt_tos[0]: mail for mail in smtp_server.received}
    assert sorted(by_recipient) == sorted([manager.email, teammate.email])
    mail = by_recipient[teammate.email]
    assert mail.message["Subject"] == f"{item.reference} escalated to you"
    note = await Notification.get(kind="assigned", recipient_id=teammate.id)
    assert note.text == f"{item.reference} escalated to you: “Invoice”" and note.text in mail.text()
    assert mail.links() == [f"{BASE_URL}/staff/items/{item.id}"]
    # The rep it was taken from is told in the app, not mailed.
    told = await Notification.get(kind="assigned", recipient_id=agent.id)
    assert told.text == f"{item.reference} was escalated to Ben Okafor by the Care rule"
    assert agent.email not in by_recipient


async def test_it_respects_a_rep_who_wants_no_breach_mail(
    staff_settings, smtp_server: SmtpServer, agent, teammate, manager
) -> None:
    await StaffUser.filter(id=teammate.id).update(mail_escalations=False)
    await _setup(agent, teammate, manager, escalate_to=teammate)
    await sweep(BREACH_AT, staff_mail=staff_mail_for(staff_settings))
    await deliver(staff_settings)
    assert _to(smtp_server.received) == [manager.email]
    assert await Notification.filter(kind="assigned", recipient_id=teammate.id).count() == 1
