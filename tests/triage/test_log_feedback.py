"""Staff log feedback received by phone, e-mail or in person on a customer's behalf."""

from __future__ import annotations

from feedback.models import Customer, Event, FeedbackItem, Message
from tests.conftest import form_data, get_csrf, sign_in
from tests.triage.board_helpers import soup

PATH = "/staff/feedback/new"


def _logged(**overrides: str) -> dict[str, str]:
    data = form_data(**overrides)
    data.setdefault("channel", "phone")
    return data


async def test_it_asks_anonymous_visitors_to_sign_in(client) -> None:
    response = await client.get(PATH)
    assert response.status_code == 303
    assert "/staff/sign-in" in response.headers["location"]


async def test_it_shows_the_public_fields_plus_the_channel(client, agent) -> None:
    await sign_in(client, agent)
    page = soup((await client.get(PATH)).text)
    form = page.select_one("form#log-feedback-form")
    names = {field["name"] for field in form.select("[name]")}
    assert {"kind", "category", "name", "email", "phone", "subject", "message"} <= names
    assert [r["value"] for r in form.select("input[name=channel]")] == [
        "phone",
        "email",
        "in_person",
    ]
    assert form.select_one("input[name=channel][checked]")["value"] == "phone"


async def test_it_logs_feedback_for_the_customer_and_opens_the_item(client, agent) -> None:
    await sign_in(client, agent)
    token = await get_csrf(client, PATH)
    response = await client.post(
        PATH, data={"csrf_token": token, **_logged(channel="in_person", name="Jo Park")}
    )
    assert response.status_code == 303
    item = await FeedbackItem.get().select_related("customer")
    assert response.headers["location"] == f"/staff/items/{item.id}"
    assert item.channel == "in_person" and item.subject == "Parcel late"
    assert item.customer.email == "jo.park@example.com"
    assert (await Message.get(item_id=item.id)).author_kind == "customer"
    created = await Event.get(item_id=item.id, action="created")
    assert created.actor_id == agent.id
    assert created.detail == "received via in person, logged by Ana Costa"
    assert item.next_due is not None  # the clock started like for web feedback


async def test_it_logs_one_item_for_a_double_submit(client, agent) -> None:
    await sign_in(client, agent)
    token = await get_csrf(client, PATH)
    data = {"csrf_token": token, **_logged(submission_token="same-token-twice")}
    first = await client.post(PATH, data=data)
    second = await client.post(PATH, data=data)
    assert first.headers["location"] == second.headers["location"]
    assert await FeedbackItem.all().count() == 1


async def test_it_keeps_the_text_when_something_is_missing(client, agent) -> None:
    await sign_in(client, agent)
    token = await get_csrf(client, PATH)
    response = await client.post(
        PATH,
        data={"csrf_token": token, **_logged(email="not-an-address", channel="pigeon")},
    )
    assert response.status_code == 422
    page = soup(response.text)
    assert page.select_one("#message").text == form_data()["message"]
    assert page.select_one("#subject")["value"] == "Parcel late"
    assert page.select_one("#email")["aria-invalid"] == "true"
    assert page.select_one("#channel-error") is not None
    # In the order of the form: the channel comes first.
    assert [a["href"] for a in page.select("#error-summary a")] == ["#channel", "#email"]
    assert await FeedbackItem.all().count() == 0 and await Customer.all().count() == 0


async def test_it_answers_htmx_with_the_form_or_a_redirect(client, agent) -> None:
    await sign_in(client, agent)
    token = await get_csrf(client, PATH)
    htmx = {"HX-Request": "true"}
    bad = await client.post(PATH, data={"csrf_token": token, **_logged(subject="")}, headers=htmx)
    assert bad.status_code == 422
    fragment = soup(bad.text)
    assert fragment.find("html") is None and fragment.select_one("form#log-feedback-form")
    assert "HX-Request" in bad.headers["vary"]
    assert await FeedbackItem.all().count() == 0

    good = await client.post(PATH, data={"csrf_token": token, **_logged()}, headers=htmx)
    item = await FeedbackItem.get()
    assert good.headers["hx-redirect"] == f"/staff/items/{item.id}"
    assert item.channel == "phone"


async def test_it_refuses_a_post_without_csrf_but_keeps_the_text(client, agent) -> None:
    await sign_in(client, agent)
    response = await client.post(PATH, data=_logged(subject="Kept subject"))
    assert response.status_code == 403
    assert soup(response.text).select_one("#subject")["value"] == "Kept subject"
    assert await FeedbackItem.all().count() == 0
