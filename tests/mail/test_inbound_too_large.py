"""A mail over PORTAL_MAIL_IN_MAX_BYTES is refused: 552 over SMTP, counted, nothing stored."""

from __future__ import annotations

import aiosmtplib
import pytest

from feedback.inbound_mail import MAX_TEXT, MailRefused, receive_mail
from feedback.models import FeedbackItem, InboundMail, InboundOutcome, Message
from portal.clock import utcnow
from tests.mail.conftest import compose, send_to


async def test_it_answers_552_to_a_mail_over_the_limit(mail_server, inbound) -> None:
    big = compose("Photos", "x" * (inbound.max_bytes + 10))
    with pytest.raises(aiosmtplib.SMTPResponseException) as refused:
        await send_to(mail_server, big)
    assert refused.value.code == 552
    assert await FeedbackItem.all().count() == 0
    row = await InboundMail.get()  # counted on /manage/mail
    assert row.outcome == InboundOutcome.REFUSED and row.reason.startswith("too large")


async def test_it_refuses_and_counts_a_large_mail(inbound) -> None:
    raw = compose("Photos", "x" * (inbound.max_bytes + 10)).as_bytes()
    with pytest.raises(MailRefused) as refused:
        await receive_mail(raw, now=utcnow(), config=inbound)
    assert refused.value.code == "too_large"
    row = await InboundMail.get()
    assert row.outcome == InboundOutcome.REFUSED and row.size_bytes == len(raw)
    assert row.reason.startswith("too large")


async def test_it_accepts_a_mail_of_exactly_the_limit(inbound) -> None:
    head = (
        b"From: Kim Lee <kim.lee@example.org>\r\nTo: support@example.test\r\n"
        b"Subject: Long\r\nMessage-ID: <long.1@example.org>\r\n\r\n"
    )
    line = b"A long story about a parcel that never came.\r\n"
    body = line * ((inbound.max_bytes - len(head)) // len(line))
    raw = head + body + b"x" * (inbound.max_bytes - len(head) - len(body))
    assert len(raw) == inbound.max_bytes
    receipt = await receive_mail(raw, now=utcnow(), config=inbound)
    assert receipt.outcome == InboundOutcome.NEW
    message = await Message.get()
    assert len(message.body) == MAX_TEXT and message.body.endswith("…")  # the form's limit
