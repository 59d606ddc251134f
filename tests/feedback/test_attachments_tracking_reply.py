"""A customer attaches files to a reply on the tracking page."""

from __future__ import annotations

from feedback.models import Attachment, Message
from tests.feedback.attachment_helpers import (
    EXE,
    PNG,
    TEXT,
    make_item,
    reply_on_tracking,
    soup,
    stored_files,
)


async def test_it_attaches_the_files_to_the_reply(client, store_dir) -> None:
    item, token = await make_item(client)
    response = await reply_on_tracking(
        client, token, "Here is the photo.", ("mug.png", PNG, "image/png"), ("note.txt", TEXT, "")
    )
    assert response.status_code == 303
    reply = await Message.filter(item_id=item.id).order_by("-id").first()
    assert reply.body == "Here is the photo."
    files = await Attachment.filter(message_id=reply.id).order_by("id")
    assert [(f.filename, f.content_type, f.item_id) for f in files] == [
        ("mug.png", "image/png", item.id),
        ("note.txt", "text/plain", item.id),
    ]
    page = soup(await client.get(f"/t/{token}"))
    names = [a.text for a in page.select("#conversation .attachment .file-name")]
    assert names == ["mug.png", "note.txt"]
    link = page.select_one(f"#attachment-{files[0].id} .file-name")["href"]
    assert link.endswith(f"/t/{token}/files/{files[0].id}")
    assert page.select_one(f"#attachment-{files[0].id} img")["src"] == link


async def test_it_refuses_a_program_and_keeps_the_text(client, store_dir) -> None:
    item, token = await make_item(client)
    response = await reply_on_tracking(
        client, token, "Keep me", ("invoice.pdf.exe", EXE, "application/pdf")
    )
    assert response.status_code == 422
    page = soup(response)
    assert page.find(id="body").text == "Keep me"
    error = page.find(id="files-error")
    assert "invoice.pdf.exe" in error.text and "attach them again" in error.text
    assert await Message.filter(item_id=item.id).count() == 1
    assert await Attachment.all().count() == 0
    assert stored_files(store_dir) == []


async def test_it_keeps_no_file_when_the_reply_is_refused(client, store_dir) -> None:
    item, token = await make_item(client)
    response = await reply_on_tracking(client, token, "   ", ("mug.png", PNG, "image/png"))
    assert response.status_code == 422
    assert "attach them again" in soup(response).find(id="files-error").text
    assert await Attachment.all().count() == 0
    assert stored_files(store_dir) == []


async def test_it_asks_to_attach_again_when_the_session_expired(client, store_dir) -> None:
    item, token = await make_item(client)
    client.cookies.clear()
    response = await client.post(
        f"/t/{token}/reply",
        data={"csrf_token": "stale", "body": "Typed text"},
        files=[("files", ("mug.png", PNG, "image/png"))],
    )
    assert response.status_code == 403
    page = soup(response)
    assert page.find(id="body").text == "Typed text"
    assert "attach them again" in page.find(id="files-error").text
    assert await Attachment.all().count() == 0
