"""The SMTP listener takes mail for the support address (and its plus-addresses) only."""

from __future__ import annotations

import aiosmtplib
import pytest

from feedback.models import FeedbackItem, InboundMail
from tests.mail.conftest import compose, send_to


@pytest.mark.parametrize(
    "address",
    ["someone@example.test", "support@other.example", "support-team@example.test"],
)
async def test_it_refuses_a_recipient_that_is_not_ours(mail_server, address) -> None:
    with pytest.raises(aiosmtplib.SMTPRecipientsRefused) as refused:
        await send_to(mail_server, compose(to=address), recipients=[address])
    [error] = refused.value.recipients
    assert error.code == 550
    assert await InboundMail.all().count() == 0 and await FeedbackItem.all().count() == 0


async def test_it_takes_the_ours_and_refuses_the_rest(mail_server) -> None:
    errors, _reply = await send_to(
        mail_server,
        compose(),
        recipients=["SUPPORT@Example.test", "nobody@example.test"],
    )
    assert errors["nobody@example.test"].code == 550
    assert await FeedbackItem.all().count() == 1
