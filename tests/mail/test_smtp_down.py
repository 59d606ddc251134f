"""SMTP down: each attempt is counted and backed off, then the mail is failed, shown on
/manage/mail, and "retry now" sends it once the server is back."""

from __future__ import annotations

from datetime import timedelta

from bs4 import BeautifulSoup

from feedback.models import FeedbackItem, MailStatus, OutboxMail
from feedback.outbox import BACKOFF_MINUTES, MAX_ATTEMPTS
from portal.clock import utcnow
from tests.conftest import get_csrf, sign_in, submit
from tests.mail.conftest import deliver, free_port, with_smtp


async def test_it_backs_off_then_fails_and_a_manager_retries(
    client, manager, db, mail_settings, smtp_server
) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    down = with_smtp(db, free_port())  # nothing listens there
    now = utcnow() + timedelta(seconds=1)
    for attempt, minutes in enumerate(BACKOFF_MINUTES, start=1):
        report = await deliver(down, now)
        assert (report.sent, report.retrying, report.failed) == (0, 1, 0)
        mail = await OutboxMail.get()
        assert mail.status == MailStatus.PENDING and mail.attempts == attempt
        assert mail.next_attempt_at == now + timedelta(minutes=minutes)
        assert mail.last_error.startswith("SMTPConnect")
        # Not due before its time: nothing is tried.
        assert (await deliver(down, now + timedelta(minutes=minutes, seconds=-1))).retrying == 0
        now += timedelta(minutes=minutes)
    report = await deliver(down, now)
    assert report.failed == 1
    mail = await OutboxMail.get()
    assert mail.status == MailStatus.FAILED and mail.attempts == MAX_ATTEMPTS
    assert (await deliver(down, now + timedelta(days=1))).failed == 0  # failed stays failed

    await sign_in(client, manager)
    page = await client.get("/manage/mail")
    soup = BeautifulSoup(page.text, "html.parser")
    assert soup.find(id="mail-failures-warning") is not None
    assert soup.find(id="count-failed").text == "1"
    row = soup.find(id=f"mail-{mail.id}")
    assert row["data-status"] == "failed"
    assert row.find(class_="mail-error").text == mail.last_error
    assert row.find("a").text == item.reference
    banner = BeautifulSoup((await client.get("/manage")).text, "html.parser")
    assert banner.find(id="mail-banner") is not None

    token = await get_csrf(client, "/manage/mail")
    retried = await client.post(
        "/manage/mail/retry",
        data={"mail_id": str(mail.id)},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert retried.status_code == 200 and "<html" not in retried.text
    assert "HX-Request" in retried.headers["vary"]
    fragment = BeautifulSoup(retried.text, "html.parser")
    assert fragment.find(id="mail-status") is not None
    assert fragment.find(id="mail-notice").text == "1 mail queued again."
    assert fragment.find(id="mail-failures-warning") is None
    mail = await OutboxMail.get()
    assert mail.status == MailStatus.PENDING and mail.attempts == 0

    assert (await deliver(mail_settings)).sent == 1  # the server is back
    assert len(smtp_server.received) == 1
    assert (await OutboxMail.get()).status == MailStatus.SENT


async def test_it_retries_all_failed_mails_with_a_plain_post(client, manager) -> None:
    await submit(client)
    await submit(client, email="li@example.com")
    await OutboxMail.all().update(status=MailStatus.FAILED, attempts=MAX_ATTEMPTS, last_error="x")
    await sign_in(client, manager)
    token = await get_csrf(client, "/manage/mail")
    response = await client.post("/manage/mail/retry", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"].endswith("/manage/mail")
    assert await OutboxMail.filter(status=MailStatus.PENDING, attempts=0).count() == 2
    page = BeautifulSoup((await client.get("/manage/mail")).text, "html.parser")
    assert page.find(id="notice").text == "2 mails queued again."
