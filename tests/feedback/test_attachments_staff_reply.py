"""Staff attach files to a reply (the customer sees them) or to an internal note (never)."""

from __future__ import annotations

from feedback.models import Attachment, Event, Message, OutboxMail
from tests.conftest import sign_in
from tests.feedback.attachment_helpers import (
    PDF,
    SVG,
    make_item,
    soup,
    staff_reply,
    stored_files,
)


async def test_it_sends_the_files_to_the_customer(client, agent, store_dir) -> None:
    item, token = await make_item(client)
    await sign_in(client, agent)
    response = await staff_reply(
        client, item.id, "Our returns label is attached.", ("label.pdf", PDF, "application/pdf")
    )
    assert response.status_code == 303
    reply = await Message.get(item_id=item.id, author_kind="staff")
    attachment = await Attachment.get(message_id=reply.id)
    assert (attachment.filename, attachment.content_type) == ("label.pdf", "application/pdf")
    event = await Event.get(item_id=item.id, action="reply")
    assert event.detail == "1 file: label.pdf"
    staff_page = soup(await client.get(f"/staff/items/{item.id}"))
    link = staff_page.select_one(f"#message-{reply.id} #attachment-{attachment.id} a.file-name")
    assert link["href"].endswith(f"/staff/items/{item.id}/files/{attachment.id}")
    assert "PDF" in staff_page.select_one(f"#attachment-{attachment.id} .file-meta").text
    customer_page = soup(await client.get(f"/t/{token}"))
    assert customer_page.select_one(f"#attachment-{attachment.id} a.file-name").text == "label.pdf"
    mail = await OutboxMail.filter(kind="staff_reply").get()
    assert "label.pdf" in mail.body_text and f"/t/{token}" in mail.body_text


async def test_it_keeps_a_note_s_files_from_the_customer(client, agent, store_dir) -> None:
    item, token = await make_item(client)
    await sign_in(client, agent)
    response = await staff_reply(
        client, item.id, "Courier's report.", ("report.pdf", PDF, "application/pdf"), internal=True
    )
    assert response.status_code == 303
    attachment = await Attachment.get()
    assert soup(await client.get(f"/t/{token}")).find(id=f"attachment-{attachment.id}") is None
    assert (await client.get(f"/t/{token}/files/{attachment.id}")).status_code == 404
    assert (await client.get(f"/staff/items/{item.id}/files/{attachment.id}")).status_code == 200


async def test_it_refuses_an_svg_and_keeps_the_reply_text(client, agent, store_dir) -> None:
    item, _token = await make_item(client)
    await sign_in(client, agent)
    response = await staff_reply(
        client, item.id, "Draft answer", ("logo.svg", SVG, "image/svg+xml")
    )
    assert response.status_code == 422
    page = soup(response)
    assert page.find(id="body").text == "Draft answer"
    assert "logo.svg" in page.find(id="files-error").text
    assert page.find(id="files")["aria-invalid"] == "true"
    assert await Message.filter(item_id=item.id).count() == 1
    assert stored_files(store_dir) == []


async def test_it_refuses_a_manager_s_reply_without_csrf_and_stores_nothing(
    client, manager, store_dir
) -> None:
    item, _token = await make_item(client)
    await sign_in(client, manager)
    response = await client.post(
        f"/staff/items/{item.id}/reply",
        data={"body": "Hello"},
        files=[("files", ("label.pdf", PDF, "application/pdf"))],
    )
    assert response.status_code == 403
    assert await Attachment.all().count() == 0
    assert stored_files(store_dir) == []
