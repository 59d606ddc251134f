"""A public submission mails the customer a confirmation with the private tracking link."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup

from feedback import intake
from feedback.customer_mail import CustomerLinks
from feedback.intake import Submission, submit_feedback
from feedback.models import FeedbackItem, Kind, MailStatus, OutboxMail
from portal.clock import utcnow
from tests.conftest import submit
from tests.mail.conftest import deliver


async def test_it_writes_the_confirmation_to_the_outbox_with_the_item(client) -> None:
    response = await submit(client)
    assert response.status_code == 303
    item = await FeedbackItem.get()
    mail = await OutboxMail.get()
    assert mail.item_id == item.id  # type: ignore[attr-defined]
    assert (mail.kind, mail.status, mail.attempts) == ("confirmation", MailStatus.PENDING, 0)
    assert mail.to_address == "jo.park@example.com" and mail.to_name == "Jo Park"
    assert mail.language == "en" and item.reference in mail.subject
    assert mail.body_html is not None and "<html" in mail.body_html


async def test_it_delivers_a_tracking_link_that_opens_the_tracking_page(
    client, mail_settings, smtp_server
) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    report = await deliver(mail_settings)
    assert (report.sent, report.retrying, report.failed) == (1, 0, 0)
    [received] = smtp_server.received
    assert received.rcpt_tos == ["jo.park@example.com"]
    assert received.message["To"].addresses[0].addr_spec == "jo.park@example.com"
    assert received.message["From"].addresses[0].addr_spec == "care@example.test"
    assert item.reference in received.message["Subject"]
    assert item.reference in received.text()
    [link] = received.links()
    assert link.startswith(mail_settings.base_url + "/t/")
    assert f'href="{link}"' in received.html()

    page = await client.get(urlsplit(link).path)
    assert page.status_code == 200
    assert BeautifulSoup(page.text, "html.parser").find(id="status") is not None
    assert item.reference in page.text

    mail = await OutboxMail.get()
    assert mail.status == MailStatus.SENT and mail.sent_at is not None and mail.attempts == 1
    assert (await deliver(mail_settings)).sent == 0  # sent once
    assert len(smtp_server.received) == 1


async def test_it_mails_in_the_language_the_customer_wrote_in(
    client, mail_settings, smtp_server
) -> None:
    client.cookies.set("lang", "zh_CN")  # the switcher's choice, as on the public form
    await submit(client, subject="包裹还没到", email="li@example.com")
    mail = await OutboxMail.get()
    assert mail.language == "zh_CN"
    await deliver(mail_settings)
    [received] = smtp_server.received
    assert "我们已收到" in received.message["Subject"]
    assert "包裹还没到" in received.message["Subject"]
    assert "您的编号" in received.text()
    assert received.message["Content-Language"] == "zh-CN"


async def test_it_writes_no_mail_when_the_submission_is_rolled_back(db, monkeypatch) -> None:
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    # The audit entry is written after the mail, in the same transaction.
    monkeypatch.setattr(intake.audit, "record", fail)
    links = CustomerLinks(tracking=lambda item: f"https://portal.example/t/{item.id}")
    submission = Submission(
        kind=Kind.COMPLAINT,
        category="Delivery",
        name="Jo",
        email="jo@example.com",
        subject="Late",
        message="My parcel is late.",
    )
    with pytest.raises(RuntimeError):
        await submit_feedback(submission, now=utcnow(), links=links)
    assert await FeedbackItem.all().count() == 0
    assert await OutboxMail.all().count() == 0


async def test_it_mails_nothing_for_feedback_staff_log_or_demo_data(db) -> None:
    submission = Submission(
        kind=Kind.QUESTION,
        category="Billing",
        name="Jo",
        email="jo@example.com",
        subject="Invoice",
        message="Could you send my invoice?",
    )
    await submit_feedback(submission, now=utcnow())  # no links: not the public form
    assert await OutboxMail.all().count() == 0
