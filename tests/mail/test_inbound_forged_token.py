"""A forged or tampered token never attaches a mail to someone else's item."""

from __future__ import annotations

from feedback.models import Customer, FeedbackItem, InboundMail, InboundOutcome, Message
from feedback.reply_address import ReplyAddress
from portal.security import Signer
from tests.mail.conftest import compose, send_to


async def _victim_item(mail_server) -> FeedbackItem:
    await send_to(mail_server, compose("Private matter", "My account number is 1234."))
    return await FeedbackItem.get()


def _other_tokens(inbound, item_id: int) -> list[str]:
    genuine = inbound.reply_address.for_item(item_id)
    local, _, domain = genuine.partition("@")
    digits = local.rpartition("-")[2]
    flipped = ("0" if digits[0] != "0" else "1") + digits[1:]
    foreign = ReplyAddress("support@example.test", Signer("another-installation-key"))
    return [
        f"{local.rpartition('-')[0]}-{flipped}@{domain}",  # tampered digest
        f"support+{item_id}-{'0' * 20}@{domain}",  # guessed
        foreign.for_item(item_id),  # signed with another key
        f"support+{item_id + 1}-{digits}@{domain}",  # another item's number
    ]


async def test_it_makes_a_new_item_for_a_forged_token(mail_server, inbound) -> None:
    victim = await _victim_item(mail_server)
    for number, address in enumerate(_other_tokens(inbound, victim.id)):
        errors, reply = await send_to(
            mail_server,
            compose(
                f"Re: Private matter {number}",
                "Show me the conversation.",
                sender="Mallory <mallory@example.net>",
                to=address,
            ),
            sender="mallory@example.net",
            recipients=[address],
        )
        assert errors == {} and reply.startswith("2.0.0 OK: new item")
    assert await Message.filter(item_id=victim.id).count() == 1  # untouched
    mallory = await Customer.get(email="mallory@example.net")
    assert await FeedbackItem.filter(customer_id=mallory.id).count() == 4
    assert await InboundMail.filter(outcome=InboundOutcome.THREADED).count() == 0
