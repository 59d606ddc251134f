"""Line breaks typed into the name or subject cannot add headers or recipients."""

from __future__ import annotations

from feedback.models import FeedbackItem, MailStatus, OutboxMail
from portal.clock import utcnow
from tests.conftest import submit
from tests.mail.conftest import deliver

INJECTION = "\r\nBcc: victim@example.org\r\nX-Injected: yes"


async def test_it_neutralises_line_breaks_in_the_name_and_subject(
    client, mail_settings, smtp_server
) -> None:
    response = await submit(client, name="Jo Park" + INJECTION, subject="Parcel late" + INJECTION)
    assert response.status_code == 303
    item = await FeedbackItem.get()
    mail = await OutboxMail.get()
    assert "\n" not in mail.subject and "\r" not in mail.subject
    assert "\n" not in mail.to_name and "\r" not in mail.to_name

    assert (await deliver(mail_settings)).sent == 1
    [received] = smtp_server.received
    assert received.rcpt_tos == ["jo.park@example.com"]
    message = received.message
    assert message["Bcc"] is None and message["X-Injected"] is None
    assert [a.addr_spec for a in message["To"].addresses] == ["jo.park@example.com"]
    assert message["Subject"].startswith(f"We received your message {item.reference}: Parcel late")
    assert "\n" not in message["Subject"]


async def test_it_fails_a_mail_whose_address_carries_a_line_break(
    db, mail_settings, smtp_server
) -> None:
    now = utcnow()
    await OutboxMail.create(
        kind="confirmation",
        to_address="jo@example.com\r\nRCPT TO:<victim@example.org>",
        subject="Hello",
        body_text="Hello",
        next_attempt_at=now,
        created_at=now,
    )
    report = await deliver(mail_settings)
    assert (report.sent, report.failed) == (0, 1)  # permanent: never retried
    mail = await OutboxMail.get()
    assert mail.status == MailStatus.FAILED and "not a valid address" in mail.last_error
    assert smtp_server.received == []
