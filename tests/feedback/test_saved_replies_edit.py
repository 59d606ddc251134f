"""A manager edits, filters, deactivates and reactivates saved replies."""

from __future__ import annotations

from feedback.models import SavedReply
from tests.conftest import sign_in
from tests.feedback.saved_reply_helpers import make_reply, post_form, reply_form, soup
from triage.models import Team


async def test_it_shows_the_reply_in_its_form(client, manager) -> None:
    reply = await make_reply(language="zh_CN", author=manager)
    await sign_in(client, manager)
    page = soup(await client.get(f"/manage/replies/{reply.id}"))
    assert page.find(id="title")["value"] == "Refund timing"
    assert page.select_one("#language option[selected]")["value"] == "zh_CN"
    assert "by Mia Chen" in page.find(id="reply-facts").text


async def test_it_saves_changes_and_who_made_them(client, manager, admin) -> None:
    reply = await make_reply(author=manager)
    await sign_in(client, admin)
    response = await post_form(
        client, f"/manage/replies/{reply.id}", reply_form(title="Refunds", body="New text")
    )
    assert response.status_code == 303
    saved = await SavedReply.get(id=reply.id)
    assert (saved.title, saved.title_key, saved.body) == ("Refunds", "refunds", "New text")
    assert saved.created_by_id == manager.id and saved.updated_by_id == admin.id  # type: ignore[attr-defined]
    assert saved.updated_at >= reply.updated_at


async def test_it_keeps_a_bad_edit_and_the_stored_reply(client, manager) -> None:
    reply = await make_reply()
    await sign_in(client, manager)
    bad = reply_form(body="Dear {{customer_name}}")
    response = await post_form(client, f"/manage/replies/{reply.id}", bad)
    assert response.status_code == 422
    assert soup(response).find(id="body").text == "Dear {{customer_name}}"
    assert (await SavedReply.get(id=reply.id)).body == reply.body
    response = await post_form(client, f"/manage/replies/{reply.id}", bad, htmx=True)
    assert response.status_code == 422 and "<html" not in response.text


async def test_it_deactivates_and_reactivates_plainly(client, manager) -> None:
    reply = await make_reply()
    await sign_in(client, manager)
    response = await post_form(client, f"/manage/replies/{reply.id}/active", {"is_active": "0"})
    assert response.status_code == 303
    assert not (await SavedReply.get(id=reply.id)).is_active
    page = soup(await client.get(response.headers["location"]))
    assert "deactivated" in page.find(id="notice").text
    assert "inactive" in page.find(id=f"reply-{reply.id}")["class"]
    response = await post_form(client, f"/manage/replies/{reply.id}/active", {"is_active": "1"})
    assert (await SavedReply.get(id=reply.id)).is_active


async def test_it_switches_a_row_with_htmx(client, manager) -> None:
    reply = await make_reply()
    await sign_in(client, manager)
    response = await post_form(
        client, f"/manage/replies/{reply.id}/active", {"is_active": "0"}, htmx=True
    )
    assert response.status_code == 200 and "<html" not in response.text
    row = soup(response).find("tr")
    assert row["id"] == f"reply-{reply.id}" and "inactive" in row["class"]
    assert row.find("button")["value"] == "1"
    assert not (await SavedReply.get(id=reply.id)).is_active


async def test_it_refuses_an_unknown_switch_value(client, manager) -> None:
    reply = await make_reply()
    await sign_in(client, manager)
    response = await post_form(client, f"/manage/replies/{reply.id}/active", {"is_active": "x"})
    assert response.status_code == 400
    assert (await SavedReply.get(id=reply.id)).is_active


async def test_it_filters_by_language_and_team(client, manager) -> None:
    care = await Team.create(name="Care")
    await make_reply("English for all", language="en")
    await make_reply("Chinese for care", language="zh_CN", team=care)
    await make_reply("Any language", language="")
    await sign_in(client, manager)

    async def titles(query: str) -> list[str]:
        page = soup(await client.get(f"/manage/replies?{query}"))
        return [a.text for a in page.select("#saved-replies tbody td:first-child a")]

    assert await titles("") == ["Any language", "Chinese for care", "English for all"]
    assert await titles("language=zh_CN") == ["Chinese for care"]
    assert await titles("language=any") == ["Any language"]
    assert await titles(f"team={care.id}") == ["Chinese for care"]
    assert await titles("team=everyone") == ["Any language", "English for all"]
    assert await titles("language=fr&team=nope") == await titles("")
    page = soup(await client.get(f"/manage/replies?language=en&team={care.id}"))
    assert page.find(id="no-matches") is not None
