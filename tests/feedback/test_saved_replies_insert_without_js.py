"""Without JavaScript, Insert submits the reply form: the draft stays, nothing is sent."""

from __future__ import annotations

from feedback.models import Message, OutboxMail, SavedReply
from tests.conftest import csrf_from, sign_in
from tests.feedback.saved_reply_helpers import make_item, make_reply, soup


async def _press_insert(client, item, reply_id: str, draft: str, **extra):
    page = await client.get(f"/staff/items/{item.id}")
    data = {
        "csrf_token": csrf_from(page.text),
        "body": draft,
        "insert_reply": reply_id,
        "insert": "1",
        "saved_reply": "",
        "last_seen_message": "0",
    }
    return await client.post(f"/staff/items/{item.id}/reply", data=data, **extra)


async def test_it_puts_the_saved_reply_under_the_draft(client, agent) -> None:
    reply = await make_reply(body="Refunds take 5 days.")
    item = await make_item(client)
    await sign_in(client, agent)
    response = await _press_insert(client, item, str(reply.id), "Sorry for the wait.\r\n")
    assert response.status_code == 200
    page = soup(response)
    assert page.find("html") is not None  # the whole item page, not a fragment
    textarea = page.select_one("form#reply textarea#body")
    assert textarea.text == "Sorry for the wait.\n\nRefunds take 5 days."
    assert textarea.has_attr("autofocus")
    assert page.find(id="saved-reply-used")["value"] == str(reply.id)
    assert page.select_one("#saved-reply option[selected]")["value"] == str(reply.id)
    # Nothing was sent or counted: inserting is not replying.
    assert await Message.filter(item_id=item.id, author_kind="staff").count() == 0
    assert await OutboxMail.filter(kind="staff_reply", item_id=item.id).count() == 0
    assert (await SavedReply.get(id=reply.id)).use_count == 0


async def test_it_keeps_the_draft_when_the_choice_is_gone(client, agent) -> None:
    item = await make_item(client)
    await sign_in(client, agent)
    response = await _press_insert(client, item, "999999", "My own words so far")
    assert response.status_code == 422
    page = soup(response)
    assert page.select_one("textarea#body").text == "My own words so far"
    assert page.find(id="body-error").text == "Choose one of the saved replies in the list."
    assert await Message.filter(item_id=item.id, author_kind="staff").count() == 0


async def test_it_says_files_must_be_attached_again(client, agent) -> None:
    reply = await make_reply(body="Refunds take 5 days.")
    item = await make_item(client)
    await sign_in(client, agent)
    page = await client.get(f"/staff/items/{item.id}")
    response = await client.post(
        f"/staff/items/{item.id}/reply",
        data={
            "csrf_token": csrf_from(page.text),
            "body": "Draft",
            "insert_reply": str(reply.id),
            "insert": "1",
        },
        files={"files": ("receipt.txt", b"paid 12.50", "text/plain")},
    )
    assert response.status_code == 200
    assert "attach them again" in soup(response).find(id="files-error").text
    assert soup(response).select_one("textarea#body").text == "Draft\n\nRefunds take 5 days."


async def test_it_still_needs_the_csrf_token(client, agent) -> None:
    reply = await make_reply()
    item = await make_item(client)
    await sign_in(client, agent)
    response = await client.post(
        f"/staff/items/{item.id}/reply",
        data={"body": "Draft", "insert_reply": str(reply.id), "insert": "1"},
    )
    assert response.status_code == 403
