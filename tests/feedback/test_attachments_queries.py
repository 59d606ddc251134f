"""Listing attachments is one query per page, however many messages carry files (no N+1)."""

from __future__ import annotations

from feedback.attachments import AttachmentLimits, Upload, attach, check_uploads
from feedback.conversation import add_customer_reply
from feedback.models import FeedbackItem
from portal.clock import utcnow
from tests.conftest import sign_in
from tests.feedback.attachment_helpers import GIF, PDF, PNG, make_item
from tests.portal.test_query_counts import statements_for


async def _replies_with_files(item_id: int, count: int) -> None:
    files = check_uploads(
        [Upload("a.png", PNG), Upload("b.pdf", PDF), Upload("c.gif", GIF)], AttachmentLimits()
    )
    for n in range(count):
        item = await FeedbackItem.get(id=item_id)
        message = await add_customer_reply(item, f"More photos ({n})", now=utcnow())
        await attach(message, files, now=utcnow())


async def test_the_item_and_tracking_pages_do_not_grow_with_files(client, agent) -> None:
    item, token = await make_item(client)
    await sign_in(client, agent)
    await _replies_with_files(item.id, 1)
    few = {
        path: await statements_for(client, path)
        for path in (f"/staff/items/{item.id}", f"/t/{token}")
    }
    await _replies_with_files(item.id, 6)
    for path, statements in few.items():
        more = await statements_for(client, path)
        assert len(more) == len(statements), path
        assert sum("attachment" in s for s in more) == 1, path
