"""The resolve form says why a message to the customer is refused: too short (and how long
it must be), or stock phrases pasted as they are. The rule itself is unchanged."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from feedback.models import FeedbackItem, Resolution
from feedback.resolution import CANNED_REPLY, MIN_REAL_TEXT, TOO_SHORT
from tests.conftest import csrf_from, sign_in, submit
from tests.feedback.test_resolve import resolve_form


def test_the_short_message_names_the_minimum() -> None:
    assert f"at least {MIN_REAL_TEXT} characters" in TOO_SHORT
    assert "canned" not in TOO_SHORT and "stock phrases only" in CANNED_REPLY


@pytest.mark.parametrize("htmx", [False, True])
@pytest.mark.parametrize(
    ("message", "error"),
    [
        ("We refunded the fee. Sorry!", TOO_SHORT),
        ("Thank you for your feedback. We apologise for any inconvenience.", CANNED_REPLY),
    ],
)
async def test_it_says_what_is_wrong_with_the_message(client, agent, htmx, message, error) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    await sign_in(client, agent)
    token = csrf_from((await client.get(f"/staff/items/{item.id}")).text)
    headers = {"HX-Request": "true"} if htmx else {}
    response = await client.post(
        f"/staff/items/{item.id}/resolve",
        data={**resolve_form(message=message), "csrf_token": token},
        headers=headers,
    )
    assert response.status_code == 422
    page = BeautifulSoup(response.text, "html.parser")
    assert page.find(id="resolve-message-error").text == error
    assert (page.find("html") is None) == htmx
    assert await Resolution.all().count() == 0
