"""Items made from mail count for the channel watch's e-mail channel."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from feedback.inbound_mail import receive_mail
from tests.mail.conftest import compose
from triage.channel_watch import quiet_channels

NOW = datetime(2026, 3, 30, 15, 0, tzinfo=UTC)  # a Monday afternoon


async def _mail(inbound, at: datetime, n: int) -> None:
    mail = compose(f"Question {n}", f"Mail number {n}.", sender=f"c{n}@example.org")
    receipt = await receive_mail(mail.as_bytes(), now=at, config=inbound)
    assert receipt.reference


async def test_it_counts_mail_items_for_the_email_channel(inbound) -> None:
    last = NOW - timedelta(hours=4)
    n = 0
    for week in range(1, 5):  # six mails in the same hours of each of the last four weeks
        for k in range(6):
            n += 1
            await _mail(inbound, last - timedelta(weeks=week) + timedelta(minutes=30 * (k + 1)), n)
    await _mail(inbound, last, n + 1)

    [quiet] = await quiet_channels(NOW)
    assert quiet.channel == "email" and quiet.usual_counts == (6, 6, 6, 6)

    await _mail(inbound, NOW - timedelta(minutes=5), n + 2)  # mail is flowing again
    assert await quiet_channels(NOW) == []
