"""Erasing a customer deletes their attachments: the rows, and the bytes nobody else uses."""

from __future__ import annotations

from datetime import UTC, datetime

from feedback.attachments import AttachmentStore
from feedback.models import Attachment, Customer, FeedbackItem
from feedback.privacy import erase_customer
from tests.feedback.attachment_helpers import PDF, PNG, stored_files, submit_with_files

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


async def test_it_deletes_the_rows_and_the_files(client, store_dir, admin) -> None:
    response = await submit_with_files(
        client, ("receipt.pdf", PDF, "application/pdf"), ("photo.png", PNG, "image/png")
    )
    assert response.status_code == 303
    customer = await Customer.get(email="jo.park@example.com")
    assert len(stored_files(store_dir)) == 2

    erasure = await erase_customer(
        customer.id, actor=admin, now=NOW, store=AttachmentStore(store_dir)
    )

    assert erasure is not None and erasure.files == 2
    assert not await Attachment.exists()
    assert stored_files(store_dir) == []


async def test_it_keeps_a_file_another_customer_sent_too(client, store_dir, admin) -> None:
    await submit_with_files(client, ("photo.png", PNG, "image/png"))
    await submit_with_files(
        client, ("same-photo.png", PNG, "image/png"), email="kim@example.com", name="Kim Lee"
    )
    jo = await Customer.get(email="jo.park@example.com")
    assert len(stored_files(store_dir)) == 1  # one content, two rows

    await erase_customer(jo.id, actor=admin, now=NOW, store=AttachmentStore(store_dir))

    kim_item = await FeedbackItem.get(customer__email="kim@example.com")
    assert [a.filename for a in await Attachment.filter(item_id=kim_item.id)] == ["same-photo.png"]
    assert len(stored_files(store_dir)) == 1


async def test_staff_can_no_longer_download_an_erased_file(client, store_dir, admin) -> None:
    from tests.conftest import sign_in

    await submit_with_files(client, ("photo.png", PNG, "image/png"))
    attachment = await Attachment.get()
    item_id = attachment.item_id  # type: ignore[attr-defined]
    customer = await Customer.get(email="jo.park@example.com")
    await erase_customer(customer.id, actor=admin, now=NOW, store=AttachmentStore(store_dir))
    await sign_in(client, admin)
    response = await client.get(f"/staff/items/{item_id}/files/{attachment.id}")
    assert response.status_code == 404
