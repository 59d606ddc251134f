"""Only what the customer wrote is kept: no quoted conversation, no signature."""

from __future__ import annotations

import pytest

from feedback.mail_parsing import parse_mail, strip_reply
from feedback.models import FeedbackItem, Message
from tests.mail.conftest import compose, send_to

GMAIL = """Thanks, that helps a lot.
The parcel arrived today.

Best regards,
Kim Lee
+44 20 7946 0000

On Mon, 23 Nov 2026 at 10:00, Customer care <care@example.test> wrote:
> ##- Please type your reply above this line -##
>
> Hello Kim Lee,
> Sorry - a refund is on its way.
"""

CASES = [
    ("gmail quote and sign-off", GMAIL, "Thanks, that helps a lot.\nThe parcel arrived today."),
    ("dash-dash signature", "Still broken.\n\n-- \nKim\nSent from my phone\n", "Still broken."),
    ("phone footer", "Yes it arrived\n\nSent from my iPhone", "Yes it arrived"),
    (
        "outlook original message",
        "Fine by me.\n\n-----Original Message-----\nFrom: Customer care\nSubject: FB-1\n",
        "Fine by me.",
    ),
    (
        "german header",
        "Hier ist meine Antwort.\n\nAm 23.11.2026 um 10:00 schrieb Kundendienst <c@example.test>:"
        "\n> Hallo\n",
        "Hier ist meine Antwort.",
    ),
    (
        "our marker without a header line",
        "Please call me back.\n##- Please type your reply above this line -##\nHello Kim,\n",
        "Please call me back.",
    ),
    ("nothing to cut", "Line one.\nLine two.", "Line one.\nLine two."),
]


@pytest.mark.parametrize(("case", "text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_it_keeps_only_the_new_text(case: str, text: str, expected: str) -> None:
    assert strip_reply(text) == expected


def test_it_keeps_a_one_line_thanks_rather_than_nothing() -> None:
    assert strip_reply("Thanks!\n\n> earlier mail\n") == "Thanks!"


def test_it_cuts_long_text_at_the_limit() -> None:
    raw = compose("Long", "word " * 5000).as_bytes()
    parsed = parse_mail(raw, max_text=1000)
    assert parsed.truncated and len(parsed.text) == 1000 and parsed.text.endswith("…")


async def test_it_stores_the_reply_without_the_quote(mail_server) -> None:
    await send_to(mail_server, compose("Re: Parcel late", GMAIL))
    item = await FeedbackItem.get()
    message = await Message.get(item_id=item.id)
    assert message.body == "Thanks, that helps a lot.\nThe parcel arrived today."
