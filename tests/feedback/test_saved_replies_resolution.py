"""The resolution message stays personal: a saved reply pasted in unchanged is refused by the
existing rule in feedback.resolution (the resolve form offers no saved replies on purpose)."""

from __future__ import annotations

from bs4 import BeautifulSoup

from feedback.models import Resolution, SavedReply
from feedback.resolution import CANNED_REPLY
from tests.conftest import csrf_from, sign_in
from tests.feedback.saved_reply_helpers import insert, make_item, make_reply, soup

ESCALATED = (
    "Hi {customer_first_name},\nThank you for your patience. We have passed your feedback on "
    "to the relevant team and we will look into it.\nKind regards,\n{my_first_name}"
)
ORDER = "Hi {customer_first_name}, about order {order_reference}: we are on it. {my_first_name}"


def soup_of(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


async def _inserted(client, item, reply: SavedReply) -> str:
    response = await insert(client, item, reply.id)
    return soup(response).find(id="body").text


async def _resolve(client, item, message: str):
    html = (await client.get(f"/staff/items/{item.id}")).text
    assert soup_of(html).select_one("#resolve-form #saved-reply") is None  # no picker there
    token = csrf_from(html)
    return await client.post(
        f"/staff/items/{item.id}/resolve",
        data={
            "csrf_token": token,
            "outcome": "resolved",
            "root_cause": "Delivery",
            "remedy": "None",
            "effort_minutes": "10",
            "message": message,
        },
    )


async def test_it_refuses_a_canned_saved_reply_as_the_resolution_message(client, agent) -> None:
    reply = await make_reply("Escalated", ESCALATED)
    item = await make_item(client)
    await sign_in(client, agent)
    text = await _inserted(client, item, reply)
    assert text.startswith("Hi Jo,") and text.endswith("Ana")
    response = await _resolve(client, item, text)
    assert response.status_code == 422
    assert soup(response).find(id="resolve-message-error").text == CANNED_REPLY
    assert await Resolution.all().count() == 0


async def test_it_refuses_a_saved_reply_with_a_gap_as_the_resolution_message(client, agent) -> None:
    reply = await make_reply("Order", ORDER)
    item = await make_item(client, order_reference="")
    await sign_in(client, agent)
    text = await _inserted(client, item, reply)
    assert "[order reference]" in text
    response = await _resolve(client, item, text)
    assert response.status_code == 422
    assert "placeholders" in soup(response).find(id="resolve-message-error").text
    assert await Resolution.all().count() == 0
