"""Erasing a customer's personal data: admins only, confirmed by typing their e-mail, in one
step that leaves no personal text in any table and keeps every figure the managers read."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from tortoise import Tortoise

from feedback.attachments import AttachmentStore
from feedback.customer_merge import merge_customers
from feedback.inbound_mail import receive_mail
from feedback.models import (
    Customer,
    Event,
    FeedbackItem,
    MailStatus,
    Message,
    OutboxMail,
    Resolution,
    SurveyResponse,
    TrainingExample,
)
from feedback.privacy import REDACTED, purge_personal_data
from feedback.retraining import load_examples
from portal.mail_server import inbound_config
from portal.models import StaffUser
from tests.conftest import csrf_from, get_csrf, sign_in, submit
from tests.feedback.privacy_helpers import EMAIL, NOW, SECRETS, WORDS, build_customer
from triage.actions import set_sentiment
from triage.metrics import MetricFilters, dashboard

NEEDLES = (*WORDS, EMAIL, "jo.park", "7946", SECRETS["phone"])
HTMX = {"HX-Request": "true", "HX-Current-URL": "http://testserver/staff/customers/1/erase"}


async def _leftovers() -> list[str]:
    """Every text cell of every table that still holds one of the customer's words."""
    found = []
    for model in Tortoise.apps["models"].values():
        for row in await model.all().values():
            for column, value in row.items():
                text = str(value).lower() if isinstance(value, str) else ""
                if any(needle.lower() in text for needle in NEEDLES):
                    found.append(f"{model.__name__}.{column}: {value[:80]!r}")
    return found


async def _erase(client, customer_id: int, typed: str, headers: dict | None = None):
    token = csrf_from((await client.get(f"/staff/customers/{customer_id}/erase")).text)
    return await client.post(
        f"/staff/customers/{customer_id}/erase",
        data={"csrf_token": token, "confirm_email": typed},
        headers=headers or {},
    )


async def _figures() -> tuple[Any, list[tuple]]:
    """The managers' dashboard over the test's days, and every item's reporting columns."""
    view = MetricFilters(start=date(2026, 2, 1), end=date(2026, 3, 31), period="custom")
    columns = (
        "id", "reference", "kind", "category", "channel", "status", "priority",
        "sentiment_score", "sentiment_label", "created_at", "first_response_at", "resolved_at",
        "first_response_due", "resolution_due", "first_response_met", "resolution_met",
        "team_id", "owner_id", "customer_id",
    )  # fmt: skip
    items = await FeedbackItem.all().order_by("id").values_list(*columns)
    resolutions = (
        await Resolution.all()
        .order_by("id")
        .values_list("outcome", "root_cause", "remedy_amount", "effort_minutes", "created_at")
    )
    surveys = await SurveyResponse.all().order_by("id").values_list("satisfaction", "recommend")
    return await dashboard(view, NOW + timedelta(days=1)), [*items, *resolutions, *surveys]


async def test_it_leaves_no_personal_data_in_any_table(client, db, agent, admin) -> None:
    built = await build_customer(client, db, agent)
    assert len(await _leftovers()) > 10  # the check sees the data before
    await sign_in(client, admin)

    response = await _erase(client, built.customer.id, " Jo.Park@Example.com ")

    assert response.status_code == 303
    assert response.headers["location"].endswith(
        f"/staff/customers/{built.customer.id}#personal-data"
    )
    assert await _leftovers() == []
    customer = await Customer.get(id=built.customer.id)
    assert (customer.name, customer.email, customer.phone, customer.company, customer.notes) == (
        f"erased customer #{customer.id}",
        f"erased-{customer.id}@erased.invalid",
        "",
        "",
        "",
    )
    assert customer.erased_at is not None and customer.erased_by_id == admin.id  # type: ignore[attr-defined]
    assert set(await Message.all().values_list("body", flat=True)) == {REDACTED}
    assert set(await FeedbackItem.all().values_list("subject", flat=True)) == {REDACTED}
    assert set(await FeedbackItem.all().values_list("order_reference", flat=True)) == {
        REDACTED,
        "",
    }
    assert (await SurveyResponse.get()).comment == REDACTED
    example = await TrainingExample.get()
    assert (example.text, example.sentiment, example.category) == (REDACTED, None, None)
    assert set(await OutboxMail.all().values_list("status", flat=True)) == {MailStatus.FAILED}


async def test_it_keeps_the_managers_figures(client, db, agent, admin) -> None:
    built = await build_customer(client, db, agent)
    before = await _figures()
    await sign_in(client, admin)

    assert (await _erase(client, built.customer.id, EMAIL)).status_code == 303

    assert await _figures() == before


async def test_it_records_who_erased_without_personal_data(client, db, agent, admin) -> None:
    built = await build_customer(client, db, agent)
    await sign_in(client, admin)

    await _erase(client, built.customer.id, EMAIL)

    events = await Event.filter(action="erased").order_by("item_id")
    assert [e.item_id for e in events] == sorted([built.item.id, built.mail_item.id])  # type: ignore[attr-defined]
    assert {(e.actor_id, e.detail) for e in events} == {  # type: ignore[attr-defined]
        (admin.id, "personal data erased by Sam Admin")
    }
    page = BeautifulSoup(
        (await client.get(f"/staff/customers/{built.customer.id}")).text, "html.parser"
    )
    assert "Sam Admin" in page.select_one("#erased-notice").get_text()
    assert page.select_one("#erase-link") is None
    assert page.select_one("h1").get_text() == f"erased customer #{built.customer.id}"


async def test_it_shows_the_tracking_page_as_erased(client, db, agent, admin) -> None:
    built = await build_customer(client, db, agent)
    assert (await client.get(built.tracking_path)).status_code == 200
    await sign_in(client, admin)
    await _erase(client, built.customer.id, EMAIL)

    response = await client.get(built.tracking_path)

    assert response.status_code == 410
    page = BeautifulSoup(response.text, "html.parser")
    assert page.select_one("h1").get_text() == "This conversation was erased"
    assert page.select_one("#erased") is not None
    chinese = await client.get(built.tracking_path, headers={"Accept-Language": "zh-CN"})
    assert BeautifulSoup(chinese.text, "html.parser").select_one("h1").get_text() == (
        "此对话已被删除"
    )
    token = await get_csrf(client)
    reply = await client.post(
        built.tracking_path + "/reply", data={"csrf_token": token, "body": "Hello again"}
    )
    assert reply.status_code == 410
    assert await Message.filter(body="Hello again").count() == 0


async def test_it_no_longer_finds_the_erased_text_in_search(client, db, agent, admin) -> None:
    built = await build_customer(client, db, agent)
    await sign_in(client, admin)
    queries = ["axolotl", "pangolin", "Parkinson", "Zebrafish", "QUOKKA", "7946 0958", EMAIL]
    for q in queries:
        page = BeautifulSoup(
            (await client.get("/staff/search", params={"q": q})).text, "html.parser"
        )
        assert page.select("li.search-hit"), q

    await _erase(client, built.customer.id, EMAIL)

    for q in queries:
        page = BeautifulSoup(
            (await client.get("/staff/search", params={"q": q})).text, "html.parser"
        )
        assert page.select("li.search-hit") == [], q


async def test_it_makes_a_new_customer_when_the_address_writes_again(
    client, db, agent, admin
) -> None:
    built = await build_customer(client, db, agent)
    await sign_in(client, admin)
    await _erase(client, built.customer.id, EMAIL)

    response = await submit(client, email=EMAIL, name="Jo Park", subject="Back again")
    assert response.status_code == 303

    new = await Customer.get(email=EMAIL)
    assert new.id != built.customer.id and new.erased_at is None and new.name == "Jo Park"
    item = await FeedbackItem.get(subject="Back again")
    assert item.customer_id == new.id  # type: ignore[attr-defined]
    erased = await Customer.get(id=built.customer.id)
    assert erased.name == f"erased customer #{built.customer.id}"

    # A reply to an old mail of the erased item starts a new item for the new record too.
    settings = dataclasses.replace(db, mail_in_address="support@example.test")
    config = inbound_config(settings)
    assert config.reply_address is not None
    token_address = config.reply_address.for_item(built.item.id)
    raw = (
        f"From: {EMAIL}\r\nTo: {token_address}\r\nSubject: Re: old thread\r\n"
        "Message-ID: <late-reply@example.com>\r\n\r\nOne more thing about the old order.\r\n"
    ).encode()
    receipt = await receive_mail(raw, now=NOW + timedelta(days=3), config=config)
    assert receipt.item_id not in (built.item.id, built.mail_item.id)
    late = await FeedbackItem.get(id=receipt.item_id)
    assert late.customer_id == new.id  # type: ignore[attr-defined]
    assert await Message.filter(item_id=built.item.id).exclude(body=REDACTED).count() == 0


async def _unchanged(customer_id: int) -> None:
    customer = await Customer.get(id=customer_id)
    assert customer.erased_at is None and customer.email == EMAIL
    assert await Message.filter(body=SECRETS["message"]).count() == 1


async def test_it_needs_the_customers_email_typed(client, db, agent, admin) -> None:
    built = await build_customer(client, db, agent)
    await sign_in(client, admin)
    page = BeautifulSoup(
        (await client.get(f"/staff/customers/{built.customer.id}/erase")).text, "html.parser"
    )
    effects = page.select_one("#erase-effects").get_text()
    assert "cannot be undone" in page.select_one("#erase-form").get_text()
    assert f"erased customer #{built.customer.id}" in effects and REDACTED in effects
    assert page.select_one("label[for=confirm_email]") is not None
    assert page.select_one("#erase-open-items").get_text() == (
        "1 of their items is still open: it stays on the board with its texts erased. "
        "Close it first if nothing more is to be done."
    )  # the mail item; the form's item is resolved

    empty = await _erase(client, built.customer.id, "  ")
    assert empty.status_code == 422
    error = BeautifulSoup(empty.text, "html.parser").select_one("#confirm-error")
    assert error.get_text() == "Type the customer's e-mail address to confirm."

    wrong = await _erase(client, built.customer.id, "someone@example.com")
    assert wrong.status_code == 422
    form = BeautifulSoup(wrong.text, "html.parser")
    assert form.select_one("#confirm-error").get_text() == (
        "That is not this customer's e-mail address."
    )
    assert form.select_one("#confirm_email")["value"] == "someone@example.com"  # kept as typed
    await _unchanged(built.customer.id)


async def test_it_refuses_a_post_without_the_csrf_token(client, db, agent, admin) -> None:
    built = await build_customer(client, db, agent)
    await sign_in(client, admin)

    response = await client.post(
        f"/staff/customers/{built.customer.id}/erase", data={"confirm_email": EMAIL}
    )

    assert response.status_code == 403
    await _unchanged(built.customer.id)


async def test_it_erases_with_htmx_and_swaps_the_form_on_a_mistake(
    client, db, agent, admin
) -> None:
    built = await build_customer(client, db, agent)
    await sign_in(client, admin)

    wrong = await _erase(client, built.customer.id, "nope@example.com", HTMX)
    assert wrong.status_code == 422
    assert "HX-Request" in wrong.headers["vary"]
    fragment = BeautifulSoup(wrong.text, "html.parser")
    assert fragment.find("html") is None
    assert fragment.select_one("form#erase-form #confirm-error") is not None
    await _unchanged(built.customer.id)

    done = await _erase(client, built.customer.id, EMAIL, HTMX)
    assert done.status_code == 200
    assert urlsplit(done.headers["hx-redirect"]).path == f"/staff/customers/{built.customer.id}"
    assert (await Customer.get(id=built.customer.id)).erased_at is not None


async def test_it_erases_once(client, db, agent, admin) -> None:
    built = await build_customer(client, db, agent)
    await sign_in(client, admin)
    await _erase(client, built.customer.id, EMAIL)
    erased_at = (await Customer.get(id=built.customer.id)).erased_at

    again = await client.get(f"/staff/customers/{built.customer.id}/erase")

    assert again.status_code == 303
    assert (await Customer.get(id=built.customer.id)).erased_at == erased_at
    assert await Event.filter(action="erased").count() == 2  # one per item, once


@pytest.mark.parametrize("persona", ["agent", "manager"])
async def test_it_returns_403_below_admin(client, db, agent, manager, persona) -> None:
    built = await build_customer(client, db, agent)
    user: StaffUser = {"agent": agent, "manager": manager}[persona]
    await sign_in(client, user)
    token = await get_csrf(client, f"/staff/customers/{built.customer.id}")

    assert (await client.get(f"/staff/customers/{built.customer.id}/erase")).status_code == 403
    response = await client.post(
        f"/staff/customers/{built.customer.id}/erase",
        data={"csrf_token": token, "confirm_email": EMAIL},
    )

    assert response.status_code == 403
    await _unchanged(built.customer.id)


async def test_it_sends_anonymous_visitors_to_sign_in(client, db, agent) -> None:
    built = await build_customer(client, db, agent)

    response = await client.get(f"/staff/customers/{built.customer.id}/erase")

    assert response.status_code == 303
    assert urlsplit(response.headers["location"]).path == "/staff/sign-in"
    token = await get_csrf(client)
    posted = await client.post(
        f"/staff/customers/{built.customer.id}/erase",
        data={"csrf_token": token, "confirm_email": EMAIL},
    )
    assert posted.status_code in (303, 403)
    await _unchanged(built.customer.id)


async def test_it_never_trains_on_an_erased_example_again(client, db, agent, admin) -> None:
    built = await build_customer(client, db, agent)
    assert (await load_examples())[0] != []
    await sign_in(client, admin)
    await _erase(client, built.customer.id, EMAIL)

    # A later correction on the erased item labels its example again: still not learned from.
    item = await FeedbackItem.get(id=built.mail_item.id)
    await set_sentiment(item, "positive", actor=agent, now=NOW + timedelta(days=2))

    assert await TrainingExample.filter(sentiment="positive").count() == 1
    assert await load_examples() == ([], [], [])


async def test_it_erases_the_records_merged_into_the_customer(client, db, agent, admin) -> None:
    built = await build_customer(client, db, agent)
    response = await submit(client, email="jo@parkinson-home.example", name="Jo P.")
    assert response.status_code == 303
    alias = await Customer.get(email="jo@parkinson-home.example")
    await merge_customers(alias, built.customer, staff=admin, now=NOW, segments=db.segments)
    await sign_in(client, admin)
    token = await get_csrf(client, f"/staff/customers/{built.customer.id}")
    export = await client.post(
        f"/staff/customers/{built.customer.id}/export", data={"csrf_token": token}
    )
    assert json.loads(export.text)["customer"]["other_addresses"] == ["jo@parkinson-home.example"]

    await _erase(client, built.customer.id, EMAIL)

    erased_alias = await Customer.get(id=alias.id)
    assert erased_alias.erased_at is not None
    assert (erased_alias.name, erased_alias.email) == (
        f"erased customer #{alias.id}",
        f"erased-{alias.id}@erased.invalid",
    )
    assert await _leftovers() == []  # "parkinson" is one of the needles: the alias address too
    assert await Event.filter(action="customer_merged").exclude(old_value=REDACTED).count() == 0
    # Nothing is merged into the erased record afterwards: it is never revived.
    await submit(client, email="kim@example.com", name="Kim Lee")
    token = await get_csrf(client, f"/staff/customers/{built.customer.id}")
    merge = await client.post(
        f"/staff/customers/{built.customer.id}/merge",
        data={"csrf_token": token, "email": "kim@example.com", "confirm": "yes"},
    )
    assert merge.status_code == 422
    assert (await Customer.get(email="kim@example.com")).merged_into_id is None  # type: ignore[attr-defined]
    # Feedback from the merged address now starts a new customer, not the erased one.
    await submit(client, email="jo@parkinson-home.example", subject="Hello again")
    item = await FeedbackItem.get(subject="Hello again").select_related("customer")
    assert item.customer.erased_at is None
    assert item.customer.id not in (alias.id, built.customer.id)


async def test_the_purge_leaves_merged_records_to_their_customer(client, db, agent) -> None:
    built = await build_customer(client, db, agent)
    alias = await Customer.create(
        email="jo@parkinson-home.example", name="Jo P.", merged_into_id=built.customer.id
    )
    await Customer.filter(id=alias.id).update(created_at=NOW - timedelta(days=1000))

    report = await purge_personal_data(
        now=NOW + timedelta(days=400),
        older_than_days=365,
        store=AttachmentStore(db.attachment_dir),
    )

    assert report.customer_ids == []  # the customer has an open item; the alias waits with it
    assert (await Customer.get(id=alias.id)).erased_at is None
