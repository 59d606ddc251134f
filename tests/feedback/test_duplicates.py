"""Possible duplicates of a customer's open items, and merging them without losing anything."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup

from feedback.conversation import change_status
from feedback.duplicates import possible_duplicates, similarity
from feedback.models import Event, FeedbackItem, Message, Status
from tests.conftest import csrf_from, sign_in, submit

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
LATE = "Parcel late\nMy parcel is two weeks late and nobody answers. I want a refund."


@pytest.mark.parametrize(
    ("first", "second", "duplicate"),
    [
        (LATE, LATE, True),
        (LATE, "Parcel still late\nMy parcel is now three weeks late. Nobody answers!", True),
        (LATE, "Where is my parcel?\nStill no parcel, two weeks late — refund please", True),
        (LATE, "Parcels late\nBoth parcels are late and nobody answered my emails.", True),
        (LATE, "Wrong invoice\nYou charged me twice for March.", False),
        (LATE, "Thank you\nThe driver was lovely and very helpful.", False),
        (
            "Problem\nI have a problem with my order",
            "Problem\nI have a problem with my invoice",
            False,
        ),
        (
            "Charged twice\nI was charged twice for order A-1001",
            "Double charge\nThe card got charged twice on order A-1001, please refund one",
            True,
        ),
        (
            "包裹迟到\n我的包裹已经迟到两周了，没有人回复。",
            "包裹还没到\n我的包裹已经迟到两周了",
            True,
        ),
        ("包裹迟到\n我的包裹已经迟到两周了，没有人回复。", "发票错误\n三月份重复扣款", False),
        ("", LATE, False),
        ("Hi\nthanks", "Hello\nthank you", False),  # nothing but stop words
    ],
)
def test_it_tells_similar_texts_apart(first, second, duplicate) -> None:
    assert similarity(first, second).is_duplicate is duplicate
    assert similarity(second, first).is_duplicate is duplicate


async def _item(client, when: datetime, **overrides: str) -> FeedbackItem:
    with time_machine.travel(when, tick=False):
        response = await submit(client, **overrides)
    token = response.headers["location"].rsplit("/", 1)[1]
    item = await FeedbackItem.all().order_by("-id").first()
    item._tracking_token = token  # type: ignore[attr-defined]
    return item


async def test_it_finds_open_look_alikes_of_the_same_customer_within_days(client, agent) -> None:
    first = await _item(client, NOW)
    same = await _item(client, NOW + timedelta(days=2), subject="Parcel still late")
    await _item(client, NOW + timedelta(days=1), email="someone.else@example.com")
    await _item(client, NOW + timedelta(days=10), subject="Parcel late again")  # too late
    await _item(client, NOW + timedelta(days=1), subject="Wrong invoice", message="Charged twice.")
    closed = await _item(client, NOW + timedelta(days=1))
    await change_status(closed, Status.CLOSED, now=NOW + timedelta(days=1), actor=agent)

    assert [i.id for i in await possible_duplicates(first)] == [same.id]
    assert [i.id for i in await possible_duplicates(same)] == [first.id]
    assert await possible_duplicates(first, within_days=1) == []


async def test_it_offers_a_one_click_merge_on_the_item_page(client, agent) -> None:
    first = await _item(client, NOW)
    second = await _item(client, NOW + timedelta(hours=3), subject="Parcel still late")
    await sign_in(client, agent)
    page = BeautifulSoup((await client.get(f"/staff/items/{second.id}")).text, "html.parser")
    entry = page.find(id=f"duplicate-{first.id}")
    assert entry.text.strip().startswith(f"Possible duplicate of {first.reference}")
    form = entry.find("form")
    assert form["action"].endswith(f"/staff/items/{second.id}/merge")
    assert form.find("input", attrs={"name": "into"})["value"] == str(first.id)


async def test_it_merges_keeping_both_conversations_and_trails(client, agent) -> None:
    first = await _item(client, NOW)
    second = await _item(client, NOW + timedelta(hours=3), subject="Parcel still late")
    await sign_in(client, agent)
    counts = (await Message.all().count(), await Event.all().count())
    token = csrf_from((await client.get(f"/staff/items/{second.id}")).text)
    response = await client.post(
        f"/staff/items/{second.id}/merge", data={"csrf_token": token, "into": str(first.id)}
    )
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/staff/items/{first.id}#merged-from-{second.id}")

    merged = await FeedbackItem.get(id=second.id)
    assert (merged.status, merged.merged_into_id) == (Status.CLOSED, first.id)
    assert await Message.all().count() == counts[0]
    assert await Event.all().count() > counts[1]
    source_events = {e.action: e for e in await Event.filter(item_id=second.id)}
    assert source_events["merged"].detail == f"merged into {first.reference}"
    assert source_events["status"].new_value == "closed"
    target_event = await Event.get(item_id=first.id, action="merged_here")
    assert (target_event.detail, target_event.actor_id) == (
        f"{second.reference} merged here",
        agent.id,
    )

    page = BeautifulSoup((await client.get(f"/staff/items/{first.id}")).text, "html.parser")
    section = page.find(id=f"merged-from-{second.id}")
    assert section.find("h2").text == f"Merged from {second.reference}"
    assert [b.text for b in section.select(".message .body")] == [
        "My parcel is two weeks late and nobody answers. I want a refund."
    ]
    source_page = BeautifulSoup((await client.get(f"/staff/items/{second.id}")).text, "html.parser")
    assert source_page.find(id="merged-into").find("a").text == first.reference
    assert source_page.find(id="resolve-form") is None

    # the customer's tracking page of the merged item points to the one that goes on
    tracking = BeautifulSoup((await client.get(f"/t/{second._tracking_token}")).text, "html.parser")
    link = tracking.find(id="merged-into").find("a")
    assert link["href"].endswith(f"/t/{first._tracking_token}")


@pytest.mark.parametrize(
    ("into", "message"),
    [
        ("", "Choose the item to merge into."),
        ("999999", "Choose the item to merge into."),
        ("self", "An item cannot be merged into itself."),
        ("stranger", "Only items of the same customer can be merged."),
        ("closed", "{ref} is no longer open; merge into an open item."),
    ],
)
async def test_it_refuses_a_merge_that_makes_no_sense(client, agent, into, message) -> None:
    item = await _item(client, NOW)
    others = {
        "self": item,
        "stranger": await _item(client, NOW, email="stranger@example.com"),
        "closed": await _item(client, NOW),
    }
    await change_status(others["closed"], Status.CLOSED, now=NOW, actor=agent)
    target = others.get(into)
    await sign_in(client, agent)
    token = csrf_from((await client.get(f"/staff/items/{item.id}")).text)
    response = await client.post(
        f"/staff/items/{item.id}/merge",
        data={"csrf_token": token, "into": str(target.id) if target else into},
    )
    assert response.status_code == 422
    expected = message.format(ref=target.reference if target else "")
    assert BeautifulSoup(response.text, "html.parser").find(id="merge-error").text == expected
    item = await FeedbackItem.get(id=item.id)
    assert (item.status, item.merged_into_id) == (Status.NEW, None)


async def test_it_answers_htmx_with_a_redirect_and_refuses_a_second_merge(client, agent) -> None:
    first = await _item(client, NOW)
    second = await _item(client, NOW, subject="Parcel still late")
    await sign_in(client, agent)
    token = csrf_from((await client.get(f"/staff/items/{second.id}")).text)
    response = await client.post(
        f"/staff/items/{second.id}/merge",
        data={"into": str(first.id)},
        headers={"HX-Request": "true", "X-CSRF-Token": token},
    )
    assert response.status_code == 200
    assert response.headers["hx-redirect"].endswith(
        f"/staff/items/{first.id}#merged-from-{second.id}"
    )
    again = await client.post(
        f"/staff/items/{second.id}/merge", data={"csrf_token": token, "into": str(first.id)}
    )
    assert again.status_code == 422
    assert await Event.filter(item_id=first.id, action="merged_here").count() == 1
