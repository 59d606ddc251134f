"""A rep inserts a saved reply on an item page: with htmx, or with a plain GET (no JS)."""

from __future__ import annotations

from feedback.models import FeedbackItem
from tests.conftest import sign_in
from tests.feedback.saved_reply_helpers import insert, make_item, make_reply, soup
from triage.models import Team


def _options(page) -> list[tuple[str, list[str]]]:
    return [
        (group["label"], [o.text for o in group.find_all("option")])
        for group in page.select("#saved-reply optgroup")
    ]


async def test_it_lists_the_items_language_and_team_first(client, agent) -> None:
    care = await Team.create(name="Care")
    billing = await Team.create(name="Billing")
    item = await make_item(client)
    await FeedbackItem.filter(id=item.id).update(language="zh_CN", team_id=care.id)
    await make_reply("A English", language="en")
    await make_reply("B any language", language="")
    await make_reply("C Chinese for everyone", language="zh_CN")
    await make_reply("D Chinese for Care", language="zh_CN", team=care)
    await make_reply("E Chinese for Billing", language="zh_CN", team=billing)  # not Care's
    await make_reply("F switched off", language="zh_CN", is_active=False)
    await sign_in(client, agent)
    page = soup(await client.get(f"/staff/items/{item.id}"))
    assert _options(page) == [
        (
            "For this item (Chinese (简体中文))",
            ["D Chinese for Care · Care", "C Chinese for everyone", "B any language"],
        ),
        ("Other languages", ["A English"]),
    ]


async def test_it_offers_the_reps_own_teams_replies_too(client, agent) -> None:
    billing = await Team.create(name="Billing")
    await billing.members.add(agent)
    item = await make_item(client)
    await make_reply("Billing answer", language="en", team=billing)
    await sign_in(client, agent)
    page = soup(await client.get(f"/staff/items/{item.id}"))
    assert _options(page) == [("For this item (English)", ["Billing answer · Billing"])]


async def test_it_fills_the_reply_box_with_htmx(client, agent) -> None:
    reply = await make_reply()
    item = await make_item(client)
    await sign_in(client, agent)
    response = await insert(client, item, reply.id)
    assert response.status_code == 200
    assert "<html" not in response.text and "HX-Request" in response.headers["vary"]
    box = soup(response).find(id="reply-body")
    textarea = box.find("textarea", id="body")
    assert textarea.text == ("Hi Jo, refunds for A-1001 reach your card in 5 working days. Ana")
    assert textarea.has_attr("autofocus")
    assert box.find("input", attrs={"name": "saved_reply"})["value"] == str(reply.id)
    # The full page has the same ids, so the swap lands in place.
    page = soup(await client.get(f"/staff/items/{item.id}"))
    assert page.select_one("form#reply #reply-body textarea#body") is not None
    insert_button = page.select_one("form#reply #saved-reply-picker button#saved-reply-insert")
    assert insert_button["hx-target"] == "#reply-body"
    assert insert_button["hx-include"] == "#body, #saved-reply"
    assert insert_button["hx-post"].endswith(f"/staff/items/{item.id}/saved-reply")


async def test_it_keeps_what_the_rep_already_typed(client, agent) -> None:
    reply = await make_reply(body="Refunds take 5 days.")
    item = await make_item(client)
    await sign_in(client, agent)
    response = await insert(client, item, reply.id, "Sorry for the wait.\r\n")
    assert soup(response).find(id="body").text == "Sorry for the wait.\n\nRefunds take 5 days."


async def test_it_takes_a_draft_longer_than_a_url(client, agent) -> None:
    reply = await make_reply(body="好的。")
    item = await make_item(client)
    await sign_in(client, agent)
    # 2,500 characters: 22 KB percent-encoded, more than a server takes in a request line
    # (uvicorn's h11 allows 16 KB), well inside the 64 KB a form post may have.
    draft = "您好" * 1_250
    response = await insert(client, item, reply.id, draft)
    assert response.status_code == 200
    assert soup(response).find(id="body").text == draft + "\n\n好的。"


async def test_it_prefills_the_page_without_javascript(client, agent) -> None:
    reply = await make_reply()
    item = await make_item(client, order_reference="")
    await sign_in(client, agent)
    # A link with ?saved_reply= (the old picker's address) still fills the box.
    response = await client.get(f"/staff/items/{item.id}?saved_reply={reply.id}")
    assert response.status_code == 200
    page = soup(response)
    textarea = page.find("textarea", id="body")
    assert textarea.text == (
        "Hi Jo, refunds for [order reference] reach your card in 5 working days. Ana"
    )
    assert textarea.has_attr("autofocus")
    assert page.find(id="saved-reply-used")["value"] == str(reply.id)
    assert page.select_one("#saved-reply option[selected]")["value"] == str(reply.id)
    # The fragment route sends a browser without htmx to the same page.
    response = await client.get(f"/staff/items/{item.id}/saved-reply?saved_reply={reply.id}")
    assert response.status_code == 303
    assert response.headers["location"].endswith(
        f"/staff/items/{item.id}?saved_reply={reply.id}#reply"
    )


async def test_it_escapes_markup_in_a_body(client, agent) -> None:
    reply = await make_reply(
        body="<script>alert(1)</script> for {customer_name}", title="<b>Bold</b>"
    )
    item = await make_item(client, name="<img src=x onerror=alert(2)>")
    await sign_in(client, agent)
    for response in (
        await client.get(f"/staff/items/{item.id}?saved_reply={reply.id}"),
        await insert(client, item, reply.id),
    ):
        assert "<script>alert(1)" not in response.text
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.text
        assert "<img src=x" not in response.text
        page = soup(response)
        assert page.find("script", string="alert(1)") is None
        assert page.find(id="body").text == (
            "<script>alert(1)</script> for <img src=x onerror=alert(2)>"
        )
    page = soup(await client.get(f"/staff/items/{item.id}"))
    assert page.find("b", string="Bold") is None
    assert page.select_one("#saved-reply option").text == "<b>Bold</b>"


async def test_it_refuses_a_reply_that_is_off_or_for_another_team(client, agent) -> None:
    billing = await Team.create(name="Billing")
    off = await make_reply("Off", is_active=False)
    theirs = await make_reply("Theirs", team=billing)
    item = await make_item(client)
    await sign_in(client, agent)
    for reply_id in (str(off.id), str(theirs.id), "999999", "abc", ""):
        response = await insert(client, item, reply_id, "typed")
        assert response.status_code == 422
        box = soup(response)
        assert box.find(id="body").text == "typed"
        assert box.find(id="body-error") is not None
        assert box.find(id="saved-reply-used")["value"] == ""
    page = soup(await client.get(f"/staff/items/{item.id}?saved_reply={theirs.id}"))
    assert page.find(id="saved-reply-error") is not None
    assert page.find(id="body").text == ""


async def test_it_explains_the_empty_picker_to_a_manager(client, agent, manager) -> None:
    item = await make_item(client)
    await sign_in(client, manager)
    page = soup(await client.get(f"/staff/items/{item.id}"))
    assert page.select_one("#saved-reply-hint a")["href"].endswith("/manage/replies")
    await sign_in(client, agent)
    page = soup(await client.get(f"/staff/items/{item.id}"))
    assert page.find(id="saved-reply") is None
    assert page.select_one("#saved-reply-hint a") is None
