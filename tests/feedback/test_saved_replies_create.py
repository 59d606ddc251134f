"""A manager writes a saved reply: plain POST and htmx, mistakes kept next to their fields."""

from __future__ import annotations

from feedback.models import SavedReply
from feedback.saved_replies import MAX_PER_SCOPE
from portal.clock import utcnow
from tests.conftest import sign_in
from tests.feedback.saved_reply_helpers import make_reply, post_form, reply_form, soup
from triage.models import Team


async def test_it_explains_saved_replies_when_there_are_none(client, manager) -> None:
    await sign_in(client, manager)
    page = soup(await client.get("/manage/replies"))
    empty = page.find(id="no-replies")
    assert empty is not None and "insert it on an item page" in empty.text
    assert page.find(id="saved-replies") is None
    assert page.find(id="saved-reply-form") is not None
    assert page.select_one('nav.manage-sections a[aria-current="page"]').text == "Saved replies"


async def test_it_creates_one_with_a_plain_post(client, manager) -> None:
    team = await Team.create(name="Care")
    await sign_in(client, manager)
    response = await post_form(
        client, "/manage/replies", reply_form(title="  Refund  timing ", team=str(team.id))
    )
    assert response.status_code == 303
    reply = await SavedReply.get()
    assert (reply.title, reply.title_key, reply.scope_key, reply.language) == (
        "Refund timing",
        "refund timing",
        f"team:{team.id}",
        "en",
    )
    assert reply.team_id == team.id and reply.is_active  # type: ignore[attr-defined]
    assert reply.created_by_id == manager.id and reply.updated_by_id == manager.id  # type: ignore[attr-defined]
    assert (reply.use_count, reply.last_used_at) == (0, None)
    page = soup(await client.get(response.headers["location"]))
    assert "created" in page.find(id="notice").text
    row = page.find(id=f"reply-{reply.id}")
    assert row.select_one("td a").text == "Refund timing"
    assert row.select_one(".use-count").text == "0" and row.select_one(".last-used").text == "never"


async def test_it_creates_one_with_htmx(client, manager) -> None:
    await sign_in(client, manager)
    response = await post_form(client, "/manage/replies", reply_form(), htmx=True)
    assert response.status_code == 204
    reply = await SavedReply.get()
    assert response.headers["HX-Redirect"].endswith("/manage/replies")
    assert (await SavedReply.get()).title == reply.title


async def test_it_keeps_what_was_typed_with_each_message(client, manager) -> None:
    await sign_in(client, manager)
    typed = reply_form(title="x" * 81, body="Hello {customer.__class__} <b>", language="fr")
    response = await post_form(client, "/manage/replies", typed)
    assert response.status_code == 422
    page = soup(response)
    assert page.find(id="title")["value"] == "x" * 81
    assert page.find(id="body").text == "Hello {customer.__class__} <b>"
    assert page.find(id="title")["aria-invalid"] == "true"
    assert "80 characters" in page.find(id="title-error").text
    assert "{customer.__class__}" in page.find(id="body-error").text
    assert "{customer_first_name}" in page.find(id="body-error").text
    assert page.find(id="language-error") is not None
    assert page.find(id="error-summary") is not None
    assert await SavedReply.all().count() == 0


async def test_it_answers_htmx_with_the_form_alone(client, manager) -> None:
    await sign_in(client, manager)
    response = await post_form(client, "/manage/replies", reply_form(body="{0}"), htmx=True)
    assert response.status_code == 422
    assert "<html" not in response.text and "HX-Request" in response.headers["vary"]
    page = soup(response)
    assert page.find(id="saved-reply-form") is not None
    assert "{0}" in page.find(id="body-error").text
    assert page.find(id="body").text == "{0}"
    assert await SavedReply.all().count() == 0


async def test_it_refuses_a_title_taken_in_the_same_scope(client, manager) -> None:
    care = await Team.create(name="Care")
    await make_reply("Refund timing")
    await make_reply("Refund timing", team=care)
    await sign_in(client, manager)
    response = await post_form(client, "/manage/replies", reply_form(title="REFUND  timing"))
    assert response.status_code == 422
    assert "already" in soup(response).find(id="title-error").text
    other = await Team.create(name="Billing")
    response = await post_form(
        client, "/manage/replies", reply_form(title="Refund timing", team=str(other.id))
    )
    assert response.status_code == 303  # another team may use the same title
    assert await SavedReply.all().count() == 3


async def test_it_refuses_too_much_text(client, manager) -> None:
    await sign_in(client, manager)
    response = await post_form(client, "/manage/replies", reply_form(body="a" * 5001))
    assert response.status_code == 422
    assert "5,000 characters" in soup(response).find(id="body-error").text
    response = await post_form(client, "/manage/replies", reply_form(body="a" * 5000))
    assert response.status_code == 303


async def test_it_caps_the_replies_in_one_scope(client, manager) -> None:
    now = utcnow()
    await SavedReply.bulk_create(
        [
            SavedReply(title=f"R{n}", title_key=f"r{n}", body="x", created_at=now, updated_at=now)
            for n in range(MAX_PER_SCOPE)
        ]
    )
    await sign_in(client, manager)
    response = await post_form(client, "/manage/replies", reply_form(title="One more"))
    assert response.status_code == 422
    assert f"{MAX_PER_SCOPE} saved replies" in soup(response).find(id="team-error").text
    assert await SavedReply.all().count() == MAX_PER_SCOPE
    team = await Team.create(name="Care")
    response = await post_form(
        client, "/manage/replies", reply_form(title="One more", team=str(team.id))
    )
    assert response.status_code == 303  # another scope has room
