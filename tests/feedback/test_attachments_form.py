"""A customer attaches files on the feedback form: stored once, shown, all or nothing."""

from __future__ import annotations

import hashlib

from feedback.models import Attachment, Event, FeedbackItem, Message
from tests.feedback.attachment_helpers import (
    HTML,
    PDF,
    PNG,
    soup,
    stored_files,
    submit_with_files,
)


async def test_it_stores_the_files_with_the_first_message(client, store_dir) -> None:
    response = await submit_with_files(
        client, ("mug photo.png", PNG, "image/png"), ("receipt.pdf", PDF, "application/pdf")
    )
    assert response.status_code == 303
    item = await FeedbackItem.get()
    message = await Message.get(item_id=item.id)
    files = await Attachment.filter(item_id=item.id).order_by("id")
    assert [(f.filename, f.content_type, f.size_bytes, f.message_id) for f in files] == [
        ("mug photo.png", "image/png", len(PNG), message.id),
        ("receipt.pdf", "application/pdf", len(PDF), message.id),
    ]
    assert files[0].sha256 == hashlib.sha256(PNG).hexdigest()
    path = store_dir / files[0].sha256[:2] / files[0].sha256
    assert path.read_bytes() == PNG
    assert len(stored_files(store_dir)) == 2
    created = await Event.get(item_id=item.id, action="created")
    assert "2 files: mug photo.png, receipt.pdf" in created.detail


async def test_it_trusts_the_bytes_not_the_claimed_type(client, store_dir) -> None:
    response = await submit_with_files(client, ("scan.jpg", PDF, "image/jpeg"))
    assert response.status_code == 303
    attachment = await Attachment.get()
    assert attachment.content_type == "application/pdf"
    assert attachment.filename == "scan.jpg.pdf"  # the name says what it is


async def test_it_refuses_html_and_keeps_what_was_typed(client, store_dir) -> None:
    response = await submit_with_files(
        client, ("page.png", HTML, "image/png"), subject="Keep this subject"
    )
    assert response.status_code == 422
    page = soup(response)
    error = page.find(id="files-error")
    assert "not a type we accept" in error.text and "attach them again" in error.text
    assert page.find(id="files")["aria-invalid"] == "true"
    assert page.find(id="subject")["value"] == "Keep this subject"
    assert page.find("a", href="#files") is not None  # in the error summary
    assert await FeedbackItem.all().count() == 0
    assert await Attachment.all().count() == 0
    assert stored_files(store_dir) == []


async def test_it_says_attach_again_when_another_field_is_wrong(client, store_dir) -> None:
    response = await submit_with_files(client, ("mug.png", PNG, "image/png"), email="nope")
    assert response.status_code == 422
    page = soup(response)
    assert "attach them again" in page.find(id="files-error").text
    assert page.find(id="email-error") is not None
    assert stored_files(store_dir) == []


async def test_it_makes_one_item_when_the_form_is_sent_twice(client, store_dir) -> None:
    first = await submit_with_files(
        client, ("mug.png", PNG, "image/png"), submission_token="tok-twice"
    )
    second = await submit_with_files(
        client, ("mug.png", PNG, "image/png"), submission_token="tok-twice"
    )
    assert first.headers["location"] == second.headers["location"]
    assert await Attachment.all().count() == 1
    assert len(stored_files(store_dir)) == 1


async def test_it_shows_the_file_field_with_its_limits(client) -> None:
    page = soup(await client.get("/feedback/new"))
    form = page.find("form", id="feedback-form")
    assert form["enctype"] == "multipart/form-data"
    field = page.find(id="files")
    assert field["type"] == "file" and field.has_attr("multiple")
    assert "image/png" in field["accept"] and "text/html" not in field["accept"]
    assert page.find("label", attrs={"for": "files"}) is not None
    hint = page.find(id="files-hint").text
    assert hint.startswith("Up to 5 files of 10 MB each")  # 10,000,000 bytes, not 10.5 MB


async def test_it_still_takes_the_form_without_files(client, store_dir) -> None:
    response = await submit_with_files(client)
    assert response.status_code == 303
    assert await FeedbackItem.all().count() == 1
    assert await Attachment.all().count() == 0


async def test_it_tells_the_refusal_in_the_customer_s_language(client, store_dir) -> None:
    await client.get("/?lang=zh_CN")
    response = await submit_with_files(client, ("page.png", HTML, "image/png"))
    error = soup(response).find(id="files-error").text
    assert "我们不接受“page.png”" in error and "请重新附加" in error
    assert "附加文件" in soup(response).find("label", attrs={"for": "files"}).text
