"""Strange mail never crashes receiving: it is stored, ignored or refused as malformed."""

from __future__ import annotations

import pytest

from feedback.inbound_mail import MailRefused, receive_mail
from feedback.models import FeedbackItem, InboundMail, InboundOutcome, Message
from portal.clock import utcnow

HEAD = b"From: Kim <kim@example.org>\r\nTo: support@example.test\r\nSubject: Odd\r\n"

ODD = [
    (
        "unknown charset",
        HEAD + b"Content-Type: text/plain; charset=x-nonsense\r\n\r\nHello\xe9\r\n",
    ),
    ("broken base64", HEAD + b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64***\r\n"),
    ("multipart without boundary", HEAD + b"Content-Type: multipart/mixed\r\n\r\nHello\r\n"),
    ("binary noise in body", HEAD + b"\r\n" + bytes(range(256)) * 4),
    ("header line of 5000 characters", HEAD + b"X-Long: " + b"a" * 5000 + b"\r\n\r\nHi\r\n"),
    (
        "undecodable subject",
        HEAD.replace(b"Subject: Odd", b"Subject: =?utf-8?b?////?=") + b"\r\nHi\r\n",
    ),
    ("NUL characters", HEAD + b"\r\nHel\x00lo\r\n"),
]
REFUSED = [
    ("empty", b""),
    ("no headers", b"just some words\r\n"),
    ("no From", b"To: support@example.test\r\nSubject: x\r\n\r\nHi\r\n"),
    ("From without an address", b"From: Kim\r\nSubject: x\r\n\r\nHi\r\n"),
    ("From with two @", b"From: a@b@example.org\r\n\r\nHi\r\n"),
]


@pytest.mark.parametrize("raw", [raw for _n, raw in ODD], ids=[name for name, _r in ODD])
async def test_it_stores_odd_but_readable_mail(inbound, raw: bytes) -> None:
    receipt = await receive_mail(raw, now=utcnow(), config=inbound)
    assert receipt.outcome == InboundOutcome.NEW
    message = await Message.get(item_id=receipt.item_id)
    assert "\x00" not in message.body and message.body


@pytest.mark.parametrize("raw", [raw for _n, raw in REFUSED], ids=[name for name, _r in REFUSED])
async def test_it_refuses_mail_without_a_sender(inbound, raw: bytes) -> None:
    with pytest.raises(MailRefused) as refused:
        await receive_mail(raw, now=utcnow(), config=inbound)
    assert refused.value.code == "malformed"
    assert await FeedbackItem.all().count() == 0
    assert (await InboundMail.get()).outcome == InboundOutcome.REFUSED
