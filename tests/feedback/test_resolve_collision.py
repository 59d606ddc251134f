"""Resolving is held back when the customer or a colleague wrote since the form was shown.

The resolution message goes to the customer; sending "all sorted" right after the customer
wrote "still broken" is what this guards against. Tried as a plain POST and as htmx, which
swaps only the form, so the new messages are shown inside it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup

from feedback.conversation import add_customer_reply
from feedback.models import FeedbackItem, Resolution
from tests.conftest import sign_in, submit
from tests.feedback.test_resolve import resolve_form

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


async def _open_resolve_form(client, agent) -> tuple[FeedbackItem, dict[str, str]]:
    await submit(client)
    item = await FeedbackItem.get().select_related("customer")
    await sign_in(client, agent)
    page = BeautifulSoup((await client.get(f"/staff/items/{item.id}/resolve")).text, "html.parser")
    form = page.find("form", id="resolve-form")
    hidden = {i["name"]: i.get("value", "") for i in form.find_all("input", type="hidden")}
    return item, {**hidden, **resolve_form()}


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
async def test_it_shows_what_the_customer_wrote_and_keeps_the_form(client, agent, htmx) -> None:
    item, data = await _open_resolve_form(client, agent)
    assert int(data["last_seen_message"]) > 0
    written = await add_customer_reply(item, "Still broken after the update.", now=NOW)
    headers = {"HX-Request": "true"} if htmx else {}

    response = await client.post(f"/staff/items/{item.id}/resolve", data=data, headers=headers)

    assert response.status_code == 409
    assert not await Resolution.exists()
    assert (await FeedbackItem.get(id=item.id)).status != "resolved"
    page = BeautifulSoup(response.text, "html.parser")
    assert ("<html" in response.text) is not htmx
    form = page.find("form", id="resolve-form")
    shown = form.find(id=f"resolve-new-message-{written.id}")
    assert shown.find(class_="body").text == "Still broken after the update."
    assert "Not sent yet" in form.find(id="resolve-errors").text
    assert form.find("textarea", attrs={"name": "message"}).text == data["message"]
    assert form.find("input", attrs={"name": "last_seen_message"})["value"] == str(written.id)


async def test_it_resolves_on_the_second_press(client, agent) -> None:
    item, data = await _open_resolve_form(client, agent)
    written = await add_customer_reply(item, "Any news?", now=NOW)
    first = await client.post(f"/staff/items/{item.id}/resolve", data=data)
    assert first.status_code == 409
    second = await client.post(
        f"/staff/items/{item.id}/resolve", data={**data, "last_seen_message": str(written.id)}
    )
    assert second.status_code == 303
    assert await Resolution.filter(item_id=item.id).count() == 1
