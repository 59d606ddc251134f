"""Attachments of accepted mails are kept within the limits; the others are named on the trail."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from feedback.attachments import AttachmentLimits
from feedback.inbound_mail import InboundConfig
from feedback.models import Attachment, Event, FeedbackItem, InboundMail, Message
from portal.mail_server import InboundHandler, start_mail_server
from tests.feedback.attachment_helpers import HTML, PDF, PNG, stored_files
from tests.mail.conftest import Listener, compose, free_port, send_to


@pytest.fixture
async def small_limits_server(inbound: InboundConfig) -> AsyncIterator[Listener]:
    """The mail listener with two files of at most 1 KiB per mail."""
    config = dataclasses.replace(
        inbound, attachment_limits=AttachmentLimits(max_files=2, max_bytes=1024)
    )
    port = free_port()
    server = await start_mail_server(InboundHandler(config), "127.0.0.1", port)
    try:
        yield Listener("127.0.0.1", port)
    finally:
        server.close()
        await server.wait_closed()


async def test_it_keeps_the_attachments_of_a_new_item(mail_server, store_dir) -> None:
    mail = compose("Broken mug", "Photos attached.")
    mail.add_attachment(PNG, maintype="image", subtype="png", filename="mug.png")
    mail.add_attachment(PDF, maintype="application", subtype="pdf", filename="receipt.pdf")
    await send_to(mail_server, mail)

    item = await FeedbackItem.get()
    message = await Message.get(item_id=item.id)
    assert message.body == "Photos attached."
    files = await Attachment.filter(message_id=message.id).order_by("id")
    assert [(f.filename, f.content_type) for f in files] == [
        ("mug.png", "image/png"),
        ("receipt.pdf", "application/pdf"),
    ]
    assert (store_dir / files[0].sha256[:2] / files[0].sha256).read_bytes() == PNG
    row = await InboundMail.get()
    assert row.attachment_count == 2 and row.attachment_names == "mug.png, receipt.pdf"
    created = await Event.get(item_id=item.id, action="created")
    assert "2 files: mug.png, receipt.pdf" in created.detail
    received = await Event.get(item_id=item.id, action="mail_received")
    assert "not kept" not in received.detail


async def test_it_skips_and_names_the_ones_over_the_limits(small_limits_server, store_dir) -> None:
    mail = compose("Broken mug", "See attached.")
    mail.add_attachment(PNG, maintype="image", subtype="png", filename="mug.png")
    mail.add_attachment(HTML, maintype="text", subtype="html", filename="page.html")
    mail.add_attachment(
        b"%PDF-1.4\n" + b"x" * 2000, maintype="application", subtype="pdf", filename="big.pdf"
    )
    mail.add_attachment(PDF, maintype="application", subtype="pdf", filename="small.pdf")
    mail.add_attachment(PNG + b"1", maintype="image", subtype="png", filename="third.png")
    await send_to(small_limits_server, mail)

    item = await FeedbackItem.get()
    assert [a.filename for a in await Attachment.filter(item_id=item.id).order_by("id")] == [
        "mug.png",
        "small.pdf",
    ]
    event = await Event.get(item_id=item.id, action="mail_received")
    assert event.detail.endswith(
        "not kept: page.html (a type we do not accept), big.pdf (too large), "
        "third.png (one file too many)"
    )
    assert len(stored_files(store_dir)) == 2


async def test_it_adds_a_reply_s_attachments_to_the_reply(mail_server, store_dir) -> None:
    first = compose("Broken mug", "It arrived broken.", message_id="<first.9@example.org>")
    await send_to(mail_server, first)
    item = await FeedbackItem.get()
    reply = compose(
        "Re: Broken mug", "Here is the photo.", headers={"References": "<first.9@example.org>"}
    )
    reply.add_attachment(PNG, maintype="image", subtype="png", filename="photo.png")
    await send_to(mail_server, reply)
    newest = await Message.filter(item_id=item.id).order_by("-id").first()
    assert newest.body == "Here is the photo."
    assert [a.filename for a in await Attachment.filter(message_id=newest.id)] == ["photo.png"]


async def test_a_second_delivery_stores_nothing_more(mail_server, store_dir) -> None:
    mail = compose("Broken mug", "Photos attached.", message_id="<same@example.org>")
    mail.add_attachment(PNG, maintype="image", subtype="png", filename="mug.png")
    await send_to(mail_server, mail)
    await send_to(mail_server, mail)
    assert await Attachment.all().count() == 1
    assert len(stored_files(store_dir)) == 1


async def test_it_makes_an_item_of_a_mail_with_only_an_attachment(mail_server, store_dir) -> None:
    mail = compose("Receipt", "")
    mail.add_attachment(PDF, maintype="application", subtype="pdf", filename="r.pdf")
    await send_to(mail_server, mail)
    item = await FeedbackItem.get()
    assert item.subject == "Receipt"
    message = await Message.get(item_id=item.id)
    assert message.body == "(The e-mail had no text.)"
    assert [a.filename for a in await Attachment.filter(message_id=message.id)] == ["r.pdf"]
