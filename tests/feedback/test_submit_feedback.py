"""The public feedback form: submit, validate, protect, and never lose the customer's text."""

from __future__ import annotations

import dataclasses

import pytest
from bs4 import BeautifulSoup

from feedback.models import Customer, Event, FeedbackItem, Message, Status
from tests.conftest import form_data, get_csrf, submit


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def test_it_shows_the_form_with_labels(client) -> None:
    for path in ("/", "/feedback/new"):
        response = await client.get(path)
        assert response.status_code == 200
        page = soup(response)
        for field in (
            "category",
            "name",
            "email",
            "phone",
            "order_reference",
            "touchpoint",
            "subject",
            "message",
        ):
            control = page.find(id=field)
            assert control is not None, field
            assert page.find("label", attrs={"for": field}) is not None, field
        assert {i["value"] for i in page.find_all("input", attrs={"name": "kind"})} == {
            "complaint",
            "comment",
            "praise",
            "suggestion",
            "question",
        }


async def test_it_creates_the_item_customer_message_and_trail(client) -> None:
    response = await submit(client)
    assert response.status_code == 303
    thanks = await client.get(response.headers["location"])
    assert thanks.status_code == 200
    page = soup(thanks)

    item = await FeedbackItem.get().select_related("customer")
    assert page.find(id="reference").text == item.reference
    assert item.reference.startswith("FB-") and len(item.reference) == 9
    assert item.status == Status.NEW and item.kind == "complaint" and item.category == "Delivery"
    assert item.customer.email == "jo.park@example.com"  # normalised
    assert item.sentiment_label == "negative" and item.sentiment_score < 0
    assert item.sentiment_scorer
    message = await Message.get(item_id=item.id)
    assert message.author_kind == "customer" and "refund" in message.body
    assert message.sentiment_label == "negative"
    actions = [e.action for e in await Event.filter(item_id=item.id)]
    assert actions == ["created", "scored", "priority", "routed"]
    assert item.priority == "high"  # a strongly negative complaint from a new customer
    assert item.needs_triage and item.owner_id is None  # no rules, no default team yet
    assert item.next_due is not None and item.sla_state == "ok"

    link = page.find(id="tracking-link")["href"]
    assert "/t/" in link
    tracking = await client.get(link.replace("http://127.0.0.1:8000", ""))
    assert tracking.status_code == 200
    assert soup(tracking).find("h1").text == "Parcel late"


async def test_it_shows_the_tracking_link_at_the_address_the_customer_used(client) -> None:
    # PORTAL_BASE_URL (http://127.0.0.1:8000 here) is for links in mail; a portal served
    # elsewhere (`make run` with another PORT, a proxy) must not hand out a dead link.
    response = await submit(client)
    thanks = await client.get(response.headers["location"])
    link = soup(thanks).find(id="tracking-link")["href"]
    assert link.startswith("http://testserver/t/")
    assert (await client.get(link)).status_code == 200


async def test_it_puts_a_second_item_on_the_same_customer(client) -> None:
    await submit(client, email="jo.park@example.com")
    await submit(client, email="  JO.PARK@example.COM", subject="Another thing")
    assert await Customer.all().count() == 1
    assert await FeedbackItem.filter(customer__email="jo.park@example.com").count() == 2


REQUIRED_ERRORS = [
    ("kind", "", "Choose what kind of feedback this is."),
    ("kind", "rant", "Choose what kind of feedback this is."),
    ("category", "", "Choose a topic from the list."),
    ("category", "Not a category", "Choose a topic from the list."),
    ("name", "   ", "Tell us your name so we know who to answer."),
    ("email", "", "Enter your e-mail address so we can answer you."),
    ("email", "jo@", "Enter an e-mail address like name@example.com."),
    ("email", "jo park@example.com", "Enter an e-mail address like name@example.com."),
    ("phone", "call me maybe", "Use digits, spaces and + ( ) - only, or leave it empty."),
    ("touchpoint", "Moon base", "Choose a place from the list, or leave it empty."),
    ("subject", "", "Give your message a short subject."),
    ("message", "", "Write your message."),
    ("message", "x" * 10_001, "This is too long (10,000 characters at most)."),
    ("subject", "s" * 201, "This is too long (200 characters at most)."),
    ("name", "n" * 121, "This is too long (120 characters at most)."),
    ("order_reference", "o" * 61, "This is too long (60 characters at most)."),
]


@pytest.mark.parametrize(("field", "value", "message"), REQUIRED_ERRORS)
async def test_it_explains_each_error_next_to_the_field_and_keeps_the_text(
    client, field: str, value: str, message: str
) -> None:
    typed_message = "Tüdelü <b>keep me</b>\nsecond line"
    overrides = {"message": typed_message, field: value}
    response = await submit(client, **overrides)
    assert response.status_code == 422
    page = soup(response)
    error = page.find(id=f"{field}-error")
    assert error is not None and error.text.strip() == message
    if field != "kind":
        assert page.find(id=field)["aria-invalid"] == "true"
    if field != "message":
        assert page.find(id="message").text == typed_message
    assert page.find(id="subject")["value"] == overrides.get("subject", "Parcel late")
    assert await FeedbackItem.all().count() == 0


async def test_it_accepts_a_message_of_exactly_the_limit(client) -> None:
    response = await submit(client, message="y" * 10_000)
    assert response.status_code == 303
    assert len((await Message.get()).body) == 10_000


async def test_it_creates_one_item_on_a_double_submit(client) -> None:
    token = await get_csrf(client)
    data = {"csrf_token": token, **form_data(submission_token="same-token-123")}
    first = await client.post("/feedback", data=data)
    second = await client.post("/feedback", data=data)
    assert first.status_code == second.status_code == 303
    assert first.headers["location"] == second.headers["location"]
    assert await FeedbackItem.all().count() == 1


async def test_it_rejects_a_missing_csrf_token_but_keeps_the_text(client) -> None:
    await client.get("/feedback/new")
    response = await client.post("/feedback", data=form_data(message="my long story"))
    assert response.status_code == 403
    page = soup(response)
    assert page.find(id="message").text == "my long story"
    assert page.find("input", attrs={"name": "csrf_token"})["value"]
    assert await FeedbackItem.all().count() == 0


async def test_it_rejects_a_forged_csrf_token(client) -> None:
    token = await get_csrf(client)
    response = await client.post(
        "/feedback", data={"csrf_token": token[:-3] + "abc", **form_data()}
    )
    assert response.status_code == 403
    assert await FeedbackItem.all().count() == 0


async def test_it_rejects_a_csrf_token_from_another_session(client, app) -> None:
    import httpx

    other_token = await get_csrf(client)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as other:
        await other.get("/feedback/new")
        response = await other.post("/feedback", data={"csrf_token": other_token, **form_data()})
    assert response.status_code == 403
    assert await FeedbackItem.all().count() == 0


async def test_it_quietly_drops_a_bot_that_fills_the_honeypot(client) -> None:
    response = await submit(client, website="http://spam.example")
    assert response.status_code == 200
    assert soup(response).find(id="reference") is None
    assert await FeedbackItem.all().count() == 0


async def test_it_limits_submissions_per_address_with_a_friendly_429(db) -> None:
    import httpx

    from portal.app import create_app

    app = create_app(dataclasses.replace(db, submissions_per_hour=2), manage_database=False)
    transport = httpx.ASGITransport(app=app, client=("198.51.100.9", 1234))
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        assert (await submit(client)).status_code == 303
        assert (await submit(client)).status_code == 303
        response = await submit(client, message="third message, please keep it")
    assert response.status_code == 429
    page = soup(response)
    assert page.find(class_="notice") is not None
    assert page.find(id="message").text == "third message, please keep it"
    assert await FeedbackItem.all().count() == 2


async def test_it_refuses_an_oversized_body(client) -> None:
    token = await get_csrf(client)
    response = await client.post(
        "/feedback", data={"csrf_token": token, **form_data(message="z" * 200_000)}
    )
    assert response.status_code == 413
    assert await FeedbackItem.all().count() == 0


async def test_it_escapes_html_everywhere(client, agent) -> None:
    from tests.conftest import sign_in

    evil = '<script>alert("x")</script>'
    response = await submit(client, subject=evil, message=evil, name=evil)
    thanks = await client.get(response.headers["location"])
    tracking = await client.get(soup(thanks).find(id="tracking-link")["href"])
    await sign_in(client, agent)
    item = await FeedbackItem.get()
    pages = [
        tracking,
        await client.get("/staff/items"),
        await client.get(f"/staff/items/{item.id}"),
        await client.get(f"/staff/customers/{item.customer_id}"),
    ]
    for page in pages:
        assert page.status_code == 200
        assert "<script>alert" not in page.text
        assert "&lt;script&gt;alert" in page.text
