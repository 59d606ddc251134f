"""Staff correct an item's sentiment and category on the board card and on the item page.

Every correction is version-checked, on the audit trail, and kept as a training example.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from feedback.models import Event, FeedbackItem, TrainingExample
from tests.conftest import get_csrf, sign_in
from tests.triage.board_helpers import make_item, soup
from triage import actions

HTMX = {"HX-Request": "true"}


def _now() -> datetime:
    return datetime.now(UTC)


async def _signed_in(client, user, path: str = "/staff/board") -> str:
    await sign_in(client, user)
    return await get_csrf(client, path)


async def _post(client, path: str, token: str, *, htmx: bool = False, **data: str):
    return await client.post(path, data={"csrf_token": token, **data}, headers=HTMX if htmx else {})


async def _neutral_item(**fields) -> FeedbackItem:
    item = await make_item("Question about my order", now=_now(), **fields)
    await FeedbackItem.filter(id=item.id).update(
        sentiment_label="neutral",
        sentiment_score=0.02,
        sentiment_confidence=0.41,
        sentiment_scorer="complaint-aware/1",
    )
    return await FeedbackItem.get(id=item.id).select_related("customer", "owner", "team")


# -- on the board ----------------------------------------------------------------------------


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_it_corrects_the_sentiment_on_a_card(client, agent, htmx) -> None:
    item = await _neutral_item()
    token = await _signed_in(client, agent)
    response = await _post(
        client,
        f"/staff/items/{item.id}/sentiment",
        token,
        htmx=htmx,
        sentiment="negative",
        version=str(item.version),
        next="/staff/board?sort=newest",
    )
    fresh = await FeedbackItem.get(id=item.id)
    assert (fresh.sentiment_label, fresh.sentiment_scorer, fresh.sentiment_confirmed) == (
        "negative",
        "staff",
        True,
    )
    assert fresh.sentiment_confidence == 1.0 and fresh.sentiment_score < 0
    assert fresh.version == item.version + 1
    event = await Event.get(item_id=item.id, action="sentiment")
    assert (event.old_value, event.new_value, event.actor_id) == ("neutral", "negative", agent.id)
    assert event.detail == "corrected by Ana Costa, was complaint-aware/1"
    example = await TrainingExample.get(source_key=f"item:{item.id}")
    assert (example.source, example.sentiment, example.category, example.item_id) == (
        "staff",
        "negative",
        None,
        item.id,
    )
    assert example.text == "Question about my order\nQuestion about my order. Please help."
    if htmx:
        assert response.status_code == 200
        page = soup(response.text)
        assert page.find("html") is None and "HX-Request" in response.headers["vary"]
        card = page.select_one(f"#card-{item.id}")
        assert card.select_one(".badge.scorer").text == "staff"
        assert card.select_one(".check-labels") is None
        assert card.select_one(f"#sentiment-{item.id} option[selected]")["value"] == "negative"
        assert card.select_one("input[name=version]")["value"] == str(fresh.version)
    else:
        assert response.status_code == 303
        assert response.headers["location"] == "/staff/board?sort=newest"


async def test_a_card_asks_to_check_a_doubtful_label_until_staff_confirm_it(client, agent) -> None:
    item = await _neutral_item()
    token = await _signed_in(client, agent)
    card = soup((await client.get("/staff/board")).text).select_one(f"#card-{item.id}")
    assert card.select_one(".check-labels").text == "check sentiment"
    assert card.select_one(".badge.scorer").text == "rules"
    response = await _post(
        client,
        f"/staff/items/{item.id}/sentiment",
        token,
        htmx=True,
        sentiment="neutral",
        version=str(item.version),
    )
    card = soup(response.text).select_one(f"#card-{item.id}")
    assert card.select_one(".check-labels") is None
    fresh = await FeedbackItem.get(id=item.id)
    assert fresh.sentiment_score == 0.02  # confirmed, not changed
    event = await Event.get(item_id=item.id, action="sentiment")
    assert event.detail.startswith("confirmed by Ana Costa")


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_a_category_correction_is_kept_with_the_sentiment(client, agent, htmx) -> None:
    item = await _neutral_item(category="Other", suggested_category="", category_confidence=0.3)
    token = await _signed_in(client, agent)
    await _post(
        client,
        f"/staff/items/{item.id}/sentiment",
        token,
        htmx=htmx,
        sentiment="negative",
        version=str(item.version),
    )
    response = await _post(
        client,
        f"/staff/items/{item.id}/category",
        token,
        htmx=htmx,
        category="Billing",
        version=str(item.version + 1),
    )
    assert response.status_code == (200 if htmx else 303)
    fresh = await FeedbackItem.get(id=item.id)
    assert (fresh.category, fresh.category_confidence, fresh.suggested_category) == (
        "Billing",
        None,
        "",
    )
    examples = await TrainingExample.all().values_list("source_key", "sentiment", "category")
    assert examples == [(f"item:{item.id}", "negative", "Billing")]  # one row, both labels
    event = await Event.get(item_id=item.id, action="category")
    assert (event.old_value, event.new_value) == ("Other", "Billing")
    assert event.detail == "corrected by Ana Costa"


async def test_it_refuses_an_unknown_sentiment(client, agent) -> None:
    item = await _neutral_item()
    token = await _signed_in(client, agent)
    response = await _post(
        client,
        f"/staff/items/{item.id}/sentiment",
        token,
        htmx=True,
        sentiment="furious",
        version=str(item.version),
    )
    assert response.status_code == 422
    assert (
        "Choose negative, neutral or positive" in soup(response.text).select_one(".card-error").text
    )
    assert (await FeedbackItem.get(id=item.id)).sentiment_label == "neutral"
    assert await TrainingExample.all().count() == 0


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_a_stale_card_gets_409_and_changes_nothing(client, agent, teammate, htmx) -> None:
    item = await _neutral_item()
    token = await _signed_in(client, agent)
    seen = item.version
    await actions.set_priority(item, actions.Priority.HIGH, actor=teammate, now=_now())
    response = await _post(
        client,
        f"/staff/items/{item.id}/sentiment",
        token,
        htmx=htmx,
        sentiment="positive",
        version=str(seen),
        next="/staff/board",
    )
    assert response.status_code == 409
    page = soup(response.text)
    where = page.select_one(".card-error") if htmx else page.select_one("#board-notice")
    assert "was changed by Ben Okafor" in where.text
    assert (await FeedbackItem.get(id=item.id)).sentiment_label == "neutral"
    assert not await Event.filter(item_id=item.id, action="sentiment").exists()
    assert await TrainingExample.all().count() == 0


# -- on the item page --------------------------------------------------------------------------


async def test_the_item_page_shows_the_labels_box(client, agent) -> None:
    item = await _neutral_item(suggested_category="Billing", category_confidence=0.72)
    await sign_in(client, agent)
    page = soup((await client.get(f"/staff/items/{item.id}")).text)
    box = page.select_one("#labels")
    assert box.select_one(".badge.scorer").text == "rules"
    assert box.select_one(".check-labels").text == "check sentiment"
    assert box.select_one(".suggested-category .value").text == "Billing"
    assert box.select_one("#item-sentiment-select option[selected]")["value"] == "neutral"
    assert box.select_one("#item-category-select option[selected]")["value"] == "Delivery"
    assert {i["value"] for i in box.select("input[name=version]")} == {str(item.version)}


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_it_corrects_labels_on_the_item_page(client, agent, htmx) -> None:
    item = await _neutral_item()
    path = f"/staff/items/{item.id}"
    token = await _signed_in(client, agent, path)
    response = await _post(
        client, f"{path}/labels", token, htmx=htmx, sentiment="positive", version=str(item.version)
    )
    fresh = await FeedbackItem.get(id=item.id)
    assert (fresh.sentiment_label, fresh.sentiment_scorer) == ("positive", "staff")
    response2 = await _post(
        client, f"{path}/labels", token, htmx=htmx, category="Product", version=str(fresh.version)
    )
    fresh = await FeedbackItem.get(id=item.id)
    assert fresh.category == "Product" and fresh.version == item.version + 2
    example = await TrainingExample.get(source_key=f"item:{item.id}")
    assert (example.sentiment, example.category) == ("positive", "Product")
    actions_logged = await Event.filter(item_id=item.id, actor_id=agent.id).values_list(
        "action", "new_value"
    )
    assert actions_logged == [("sentiment", "positive"), ("category", "Product")]
    if htmx:
        for answer in (response, response2):
            assert answer.status_code == 200 and "HX-Request" in answer.headers["vary"]
        fragment = soup(response2.text)
        assert fragment.find("html") is None
        assert fragment.select_one("#labels-notice").text == "Saved: category Product."
        assert fragment.select_one("#item-sentiment[hx-swap-oob]") is not None
        assert fragment.select_one("#labels .category").text == "Product"
    else:
        assert response.status_code == 303
        assert response.headers["location"].endswith(f"{path}#labels")
        page = soup((await client.get(path)).text)
        assert page.select_one("#labels .badge.scorer").text == "staff"
        assert page.select_one("#item-sentiment .sentiment-positive") is not None


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_the_item_page_answers_409_on_a_stale_form(client, agent, teammate, htmx) -> None:
    item = await _neutral_item()
    path = f"/staff/items/{item.id}"
    token = await _signed_in(client, agent, path)
    seen = item.version
    await actions.set_sentiment(item, "negative", actor=teammate, now=_now())
    response = await _post(
        client, f"{path}/labels", token, htmx=htmx, category="Billing", version=str(seen)
    )
    assert response.status_code == 409
    page = soup(response.text)
    assert (page.find("html") is None) == htmx
    assert "was changed by Ben Okafor" in page.select_one("#labels-error").text
    fresh = await FeedbackItem.get(id=item.id)
    assert fresh.category == "Delivery"
    assert page.select_one("#labels input[name=version]")["value"] == str(fresh.version)
    example = await TrainingExample.get()  # the teammate's correction only
    assert (example.sentiment, example.category) == ("negative", None)


async def test_the_item_page_refuses_a_category_off_the_list(client, agent) -> None:
    item = await _neutral_item()
    path = f"/staff/items/{item.id}"
    token = await _signed_in(client, agent, path)
    response = await _post(
        client, f"{path}/labels", token, htmx=True, category="Gossip", version=str(item.version)
    )
    assert response.status_code == 422
    assert "Choose a category" in soup(response.text).select_one("#labels-error").text
    assert await TrainingExample.all().count() == 0
