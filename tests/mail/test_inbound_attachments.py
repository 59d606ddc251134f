"""Attachments are never stored: their names and count go on the record and the trail."""

from __future__ import annotations

from feedback.models import Event, FeedbackItem, InboundMail, Message
from tests.mail.conftest import compose, send_to


async def test_it_keeps_the_text_and_names_the_attachments(mail_server) -> None:
    mail = compose("Broken mug", "Photos attached.")
    mail.add_attachment(b"\x89PNG fake", maintype="image", subtype="png", filename="mug.png")
    mail.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="receipt.pdf")
    await send_to(mail_server, mail)

    item = await FeedbackItem.get()
    assert (await Message.get(item_id=item.id)).body == "Photos attached."
    row = await InboundMail.get()
    assert row.attachment_count == 2 and row.attachment_names == "mug.png, receipt.pdf"
    event = await Event.get(item_id=item.id, action="mail_received")
    assert event.detail.endswith("2 attachments not kept: mug.png, receipt.pdf")


async def test_it_makes_an_item_of_a_mail_with_only_an_attachment(mail_server) -> None:
    mail = compose("Receipt", "")
    mail.add_attachment(b"%PDF-1.4", maintype="application", subtype="pdf", filename="r.pdf")
    await send_to(mail_server, mail)
    item = await FeedbackItem.get()
    assert item.subject == "Receipt"
    assert (await Message.get(item_id=item.id)).body == "(The e-mail had no text.)"
