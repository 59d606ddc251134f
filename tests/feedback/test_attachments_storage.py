"""Storage: one file per content, written atomically, and nothing left when a write fails."""

from __future__ import annotations

import hashlib

import pytest
from tortoise.transactions import in_transaction

from feedback.attachments import (
    AttachmentLimits,
    AttachmentStore,
    Upload,
    attach,
    check_uploads,
    remove_unused,
    staged,
)
from feedback.conversation import add_customer_reply
from feedback.models import Attachment, FeedbackItem, Message
from portal.clock import utcnow
from tests.feedback.attachment_helpers import (
    PDF,
    PNG,
    make_item,
    reply_on_tracking,
    stored_files,
    submit_with_files,
)


def _files(*uploads: Upload):
    return check_uploads(list(uploads), AttachmentLimits())


async def test_the_same_file_twice_is_stored_once(client, store_dir) -> None:
    await submit_with_files(client, ("mug.png", PNG, "image/png"), email="a@example.com")
    item, token = await make_item(client)
    await reply_on_tracking(client, token, "Same photo", ("again.png", PNG, "image/png"))
    rows = await Attachment.all().order_by("id")
    assert len(rows) == 2 and rows[0].sha256 == rows[1].sha256
    assert [p.name for p in stored_files(store_dir)] == [hashlib.sha256(PNG).hexdigest()]


async def test_a_failed_transaction_leaves_no_row_and_no_file(client, store_dir) -> None:
    item, _token = await make_item(client)
    store = AttachmentStore(store_dir)
    files = _files(Upload("mug.png", PNG))
    with pytest.raises(RuntimeError):
        async with staged(store, files):
            async with in_transaction():
                message = await Message.create(
                    item=item, author_kind="customer", body="x", created_at=utcnow()
                )
                await attach(message, files, now=utcnow())
                raise RuntimeError("the database went away mid-write")
    assert await Attachment.all().count() == 0
    assert await Message.filter(body="x").count() == 0
    assert stored_files(store_dir) == []


async def test_a_refused_reply_keeps_a_file_another_message_uses(client, store_dir) -> None:
    item, token = await make_item(client)
    await reply_on_tracking(client, token, "First", ("mug.png", PNG, "image/png"))
    store = AttachmentStore(store_dir)
    item = await FeedbackItem.get(id=item.id)
    with pytest.raises(ValueError):
        async with staged(store, _files(Upload("mug.png", PNG), Upload("r.pdf", PDF))):
            await add_customer_reply(item, "", now=utcnow(), files=())  # empty: refused
    assert [p.name for p in stored_files(store_dir)] == [hashlib.sha256(PNG).hexdigest()]


def test_it_writes_atomically_and_never_twice(tmp_path) -> None:
    store = AttachmentStore(tmp_path)
    [file] = _files(Upload("mug.png", PNG))
    assert store.put(file) is True
    path = store.path_for(file.sha256)
    assert path.read_bytes() == PNG
    assert store.put(file) is False  # already there: not written again
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [file.sha256]  # no .part-


@pytest.mark.parametrize(
    "value", ["../../etc/passwd", "ab/../../x", "A" * 64, "0" * 63, "", "0" * 64 + "/"]
)
def test_it_makes_paths_from_hashes_only(tmp_path, value: str) -> None:
    with pytest.raises(ValueError):
        AttachmentStore(tmp_path).path_for(value)


async def test_it_removes_bytes_once_no_message_uses_them(client, store_dir) -> None:
    item, token = await make_item(client)
    await reply_on_tracking(client, token, "Photo", ("mug.png", PNG, "image/png"))
    await reply_on_tracking(client, token, "Again", ("mug.png", PNG, "image/png"))
    sha256 = hashlib.sha256(PNG).hexdigest()
    store = AttachmentStore(store_dir)
    first, second = await Message.filter(item_id=item.id, body__in=["Photo", "Again"])
    await first.delete()  # the row goes with its message (cascade)
    assert await remove_unused(store, [sha256]) == 0  # the other message still uses it
    await second.delete()
    assert await remove_unused(store, [sha256]) == 1
    assert stored_files(store_dir) == []
