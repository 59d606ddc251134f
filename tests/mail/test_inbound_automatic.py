"""Auto-replies and bounces are accepted and dropped (counted), so we never loop."""

from __future__ import annotations

import pytest

from feedback.models import FeedbackItem, InboundMail, InboundOutcome, Message
from tests.mail.conftest import compose, send_to

HEADERS = [
    ({"Auto-Submitted": "auto-replied"}, "Auto-Submitted: auto-replied"),
    ({"Auto-Submitted": "auto-generated; owner-email=x@example.org"}, "Auto-Submitted"),
    ({"Precedence": "bulk"}, "Precedence: bulk"),
    ({"Precedence": "junk"}, "Precedence: junk"),
    ({"Precedence": "list"}, "Precedence: list"),
    ({"X-Autoreply": "yes"}, "X-Autoreply header"),
    ({"X-Autorespond": "Out of office"}, "X-Autorespond header"),
]


@pytest.mark.parametrize(("headers", "reason"), HEADERS, ids=[r for _h, r in HEADERS])
async def test_it_ignores_automatic_mail(mail_server, headers, reason) -> None:
    errors, reply = await send_to(
        mail_server, compose("Out of office", "I am away until Monday.", headers=headers)
    )
    assert errors == {} and reply.startswith("2.0.0 OK: ignored")
    assert await FeedbackItem.all().count() == 0 and await Message.all().count() == 0
    row = await InboundMail.get()
    assert row.outcome == InboundOutcome.IGNORED and row.reason.startswith(reason)


async def test_it_takes_auto_submitted_no_as_a_person(mail_server) -> None:
    await send_to(mail_server, compose(headers={"Auto-Submitted": "no"}))
    assert await FeedbackItem.all().count() == 1


async def test_it_ignores_a_bounce_with_an_empty_return_path(mail_server) -> None:
    await send_to(mail_server, compose("Undelivered Mail Returned to Sender", "..."), sender="")
    row = await InboundMail.get()
    assert row.outcome == InboundOutcome.IGNORED
    assert row.reason == "empty return path (a bounce)"


async def test_it_ignores_mail_from_the_mailer_daemon(mail_server) -> None:
    await send_to(
        mail_server,
        compose("Delivery failure", "...", sender="MAILER-DAEMON@mx.example.org"),
        sender="bounces@mx.example.org",
    )
    assert (await InboundMail.get()).reason == "sent by mailer-daemon"
    assert await FeedbackItem.all().count() == 0
