"""Resolving an item: the resolution record, the rep's own message, audit, follow-up."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from bs4 import BeautifulSoup

from feedback.models import (
    Customer,
    Event,
    FeedbackItem,
    FollowUp,
    Message,
    Outcome,
    Resolution,
    Status,
)
from feedback.resolution import (
    CANNED_REPLY,
    TOO_SHORT,
    ResolutionError,
    check_customer_message,
    resolve_item,
    validate_resolution,
)
from tests.conftest import csrf_from, sign_in, submit

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)  # a Monday, in office hours
ROOT_CAUSES = (
    "Our own policy or process",
    "Product defect",
    "Delivery",
    "Staff behaviour",
    "Customer misunderstanding",
    "Other",
)
GOOD_MESSAGE = (
    "Hi Jo,\nI have refunded the delivery fee of 4.99 to your card today; it shows in 3-5 "
    "days. The courier lost the parcel, so a new one leaves tomorrow with tracking.\n"
    "Kind regards,\nAna"
)


def resolve_form(**overrides: str) -> dict[str, str]:
    data = {
        "outcome": "resolved",
        "outcome_detail": "",
        "root_cause": "Delivery",
        "remedy": "Refunded the delivery fee",
        "remedy_amount": "4.99",
        "effort_minutes": "25",
        "message": GOOD_MESSAGE,
        "follow_up": "on",
        "follow_up_days": "7",
        "follow_up_note": "Check the new parcel arrived",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def _open_item(client, agent, **overrides: str) -> tuple[FeedbackItem, str]:
    await submit(client, **overrides)
    item = await FeedbackItem.all().order_by("-id").first()
    await sign_in(client, agent)
    token = csrf_from((await client.get(f"/staff/items/{item.id}")).text)
    return item, token


# --- Validation (pure) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"outcome": ""}, "outcome", "Choose the outcome."),
        ({"outcome": "fixed-ish"}, "outcome", "Choose the outcome."),
        (
            {"outcome": "partly_resolved"},
            "outcome_detail",
            "Say what we did and what is still open.",
        ),
        ({"outcome": "not_resolved"}, "outcome_detail", "Say why it could not be resolved."),
        (
            {"outcome_detail": "x" * 2001},
            "outcome_detail",
            "This is too long (2,000 characters at most).",
        ),
        ({"root_cause": ""}, "root_cause", "Choose the root cause from the list."),
        ({"root_cause": "Gremlins"}, "root_cause", "Choose the root cause from the list."),
        (
            {"remedy": " "},
            "remedy",
            'Say what we gave or did for the customer (write "None" if nothing).',
        ),
        ({"remedy_amount": "-5"}, "remedy_amount", "The amount cannot be negative."),
        (
            {"remedy_amount": "ten"},
            "remedy_amount",
            "Enter an amount like 25 or 25.50 (two decimals at most), or leave it empty.",
        ),
        (
            {"remedy_amount": "4.999"},
            "remedy_amount",
            "Enter an amount like 25 or 25.50 (two decimals at most), or leave it empty.",
        ),
        ({"remedy_amount": "1000000.01"}, "remedy_amount", "The amount can be 1,000,000 at most."),
        (
            {"effort_minutes": ""},
            "effort_minutes",
            "Enter the minutes spent on this, a whole number from 0 to 10,000.",
        ),
        (
            {"effort_minutes": "10001"},
            "effort_minutes",
            "Enter the minutes spent on this, a whole number from 0 to 10,000.",
        ),
        (
            {"effort_minutes": "2.5"},
            "effort_minutes",
            "Enter the minutes spent on this, a whole number from 0 to 10,000.",
        ),
        ({"message": ""}, "message", "Write the message to the customer."),
        ({"message": "Thank you for your feedback."}, "message", CANNED_REPLY),
        (
            {"follow_up_days": "0"},
            "follow_up_days",
            "Enter the days until the follow-up, from 1 to 365.",
        ),
        (
            {"follow_up_days": "400"},
            "follow_up_days",
            "Enter the days until the follow-up, from 1 to 365.",
        ),
        (
            {"follow_up_note": "n" * 501},
            "follow_up_note",
            "This is too long (500 characters at most).",
        ),
    ],
)
def test_it_refuses_an_incomplete_resolution(overrides, field, message) -> None:
    data, errors = validate_resolution(resolve_form(**overrides), ROOT_CAUSES)
    assert data is None
    assert errors == {field: message}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({}, ("resolved", Decimal("4.99"), 25, 7)),
        ({"remedy_amount": "", "effort_minutes": "0"}, ("resolved", None, 0, 7)),
        ({"remedy_amount": "1,250.50"}, ("resolved", Decimal("1250.50"), 25, 7)),
        ({"remedy_amount": "1000000"}, ("resolved", Decimal("1000000"), 25, 7)),
        ({"follow_up": None, "follow_up_days": "junk"}, ("resolved", Decimal("4.99"), 25, None)),
        (
            {"outcome": "partly_resolved", "outcome_detail": "Refunded; new parcel pending"},
            ("partly_resolved", Decimal("4.99"), 25, 7),
        ),
        ({"outcome": "not_a_problem", "remedy": "None"}, ("not_a_problem", Decimal("4.99"), 25, 7)),
    ],
)
def test_it_accepts_a_complete_resolution(overrides, expected) -> None:
    data, errors = validate_resolution(resolve_form(**overrides), ROOT_CAUSES)
    assert errors == {}
    assert (data.outcome.value, data.remedy_amount, data.effort_minutes, data.follow_up_days) == (
        expected
    )


@pytest.mark.parametrize(
    ("message", "problem"),
    [
        ("", "Write the message to the customer."),
        ("Thank you for your feedback", CANNED_REPLY),
        ("Your issue has been resolved.", CANNED_REPLY),
        ("We apologise for any inconvenience caused.", CANNED_REPLY),
        ("We APOLOGIZE for any  inconvenience!!", CANNED_REPLY),
        (
            "Dear Jo,\n\nThank you for your feedback. Your issue has been resolved. We apologise "
            "for any inconvenience.\n\nKind regards,\nAna Costa\nCustomer Service Team",
            CANNED_REPLY,
        ),
        (
            "Hi Jo, thanks for reaching out! We value your feedback and we will look into it. "
            "Please don't hesitate to contact us. Have a nice day!",
            CANNED_REPLY,
        ),
        ("Refund sent. Regards, Ana", TOO_SHORT),
        ("We refunded the fee. Sorry!", TOO_SHORT),  # short, not canned
        ("Hi Jo, the refund is done.", TOO_SHORT),
        ("Thank you for your feedback. Refunded.", CANNED_REPLY),
        (
            "Dear [customer name], your issue has been fixed today.",
            "Replace the placeholders (like [name]) with real text.",
        ),
        ("Dear [name],\n" + GOOD_MESSAGE, "Replace the placeholders (like [name]) with real text."),
        ("x" * 10_001, "This is too long (10,000 characters at most)."),
        (GOOD_MESSAGE, None),
        (
            "Hello Jo, the invoice charged you twice for March; I cancelled the second charge "
            "and you will see the money back within five working days.",
            None,
        ),
        ("您好，运费已退回您的银行卡，新的包裹明天寄出，附跟踪号。", None),
        ("谢谢", TOO_SHORT),  # "thanks", not on the stock list: just too little
    ],
)
def test_it_tells_a_real_answer_from_a_canned_one(message, problem) -> None:
    assert check_customer_message(message) == problem


# --- Resolving over HTTP -------------------------------------------------------------------


async def test_it_resolves_with_a_record_a_public_message_and_an_audit_trail(client, agent) -> None:
    with time_machine.travel(NOW, tick=False):
        item, token = await _open_item(client, agent)
        await Customer.filter(id=item.customer_id).update(segment="key")
        response = await client.post(
            f"/staff/items/{item.id}/resolve", data={"csrf_token": token, **resolve_form()}
        )
    assert response.status_code == 303
    assert response.headers["location"].endswith(f"/staff/items/{item.id}#resolutions")

    item = await FeedbackItem.get(id=item.id).select_related("customer")
    assert item.status == Status.RESOLVED
    assert item.resolved_at == NOW and item.first_response_at == NOW
    assert item.owner_id == agent.id and item.customer.owner_id == agent.id
    assert item.customer.last_owner_contact_at == NOW

    resolution = await Resolution.get(item_id=item.id)
    assert (
        resolution.outcome,
        resolution.root_cause,
        resolution.remedy,
        resolution.remedy_amount,
        resolution.effort_minutes,
        resolution.resolved_by_id,
        resolution.message_to_customer,
    ) == (
        Outcome.RESOLVED,
        "Delivery",
        "Refunded the delivery fee",
        Decimal("4.99"),
        25,
        agent.id,
        GOOD_MESSAGE,
    )
    reply = await Message.filter(item_id=item.id).order_by("-id").first()
    assert (reply.author_kind, reply.author_staff_id, reply.is_internal, reply.body) == (
        "staff",
        agent.id,
        False,
        GOOD_MESSAGE,
    )
    actions = [e.action for e in await Event.filter(item_id=item.id).order_by("id")]
    tail = actions[actions.index("reply") :]
    assert tail == [
        "reply",
        "first_response",
        "owner",
        "status",
        "customer_owner",
        "status",
        "resolution",
        "follow_up",
    ]
    event = await Event.get(item_id=item.id, action="resolution")
    assert (event.new_value, event.actor_id) == ("resolved", agent.id)
    assert "root cause: Delivery" in event.detail

    follow_up = await FollowUp.get(item_id=item.id)
    assert (follow_up.owner_id, follow_up.customer_id, follow_up.due_at, follow_up.note) == (
        agent.id,
        item.customer_id,
        NOW + timedelta(days=7),
        "Check the new parcel arrived",
    )


async def test_it_keeps_everything_typed_when_the_form_has_errors(client, agent) -> None:
    item, token = await _open_item(client, agent)
    typed = resolve_form(
        outcome="not_resolved",
        outcome_detail="",
        root_cause="Product defect",
        remedy="Voucher",
        remedy_amount="12,5x",
        effort_minutes="abc",
        message="We apologise for any inconvenience.",
        follow_up_days="0",
        follow_up_note="ring them",
    )
    response = await client.post(
        f"/staff/items/{item.id}/resolve", data={"csrf_token": token, **typed}
    )
    assert response.status_code == 422
    page = soup(response)
    form = page.find(id="resolve-form")
    assert page.find(id="resolve").has_attr("open")
    assert form.find("input", id="resolve-outcome-not_resolved").has_attr("checked")
    assert (
        form.find(id="resolve-root_cause").find("option", selected=True)["value"]
        == "Product defect"
    )
    assert form.find(id="resolve-remedy")["value"] == "Voucher"
    assert form.find(id="resolve-remedy_amount")["value"] == "12,5x"
    assert form.find(id="resolve-effort_minutes")["value"] == "abc"
    assert form.find(id="resolve-message").text == "We apologise for any inconvenience."
    assert form.find(id="resolve-follow_up").has_attr("checked")
    assert form.find(id="resolve-follow_up_days")["value"] == "0"
    assert form.find(id="resolve-follow_up_note")["value"] == "ring them"
    errors = {p["id"]: p.text for p in form.select("p.error")}
    assert errors == {
        "resolve-outcome_detail-error": "Say why it could not be resolved.",
        "resolve-remedy_amount-error": (
            "Enter an amount like 25 or 25.50 (two decimals at most), or leave it empty."
        ),
        "resolve-effort_minutes-error": (
            "Enter the minutes spent on this, a whole number from 0 to 10,000."
        ),
        "resolve-message-error": CANNED_REPLY,
        "resolve-follow_up_days-error": "Enter the days until the follow-up, from 1 to 365.",
    }
    assert form.find(id="resolve-message")["aria-invalid"] == "true"
    assert await Resolution.all().count() == 0
    assert await Message.filter(item_id=item.id).count() == 1
    assert (await FeedbackItem.get(id=item.id)).status == Status.NEW


async def test_it_serves_the_form_as_a_fragment_to_htmx(client, agent) -> None:
    item, _ = await _open_item(client, agent)
    full = await client.get(f"/staff/items/{item.id}/resolve")
    fragment = await client.get(f"/staff/items/{item.id}/resolve", headers={"HX-Request": "true"})
    assert full.status_code == fragment.status_code == 200
    assert "<html" in full.text and "<html" not in fragment.text
    assert "HX-Request" in fragment.headers["vary"] and "HX-Request" in full.headers["vary"]
    assert soup(fragment).find(id="resolve-form") is not None
    assert soup(full).find(id="resolve").has_attr("open")
    assert soup(full).find(id="resolve-form") is not None


async def test_it_answers_htmx_with_the_form_or_a_redirect(client, agent) -> None:
    item, token = await _open_item(client, agent)
    url = f"/staff/items/{item.id}/resolve"
    headers = {"HX-Request": "true", "X-CSRF-Token": token}
    bad = await client.post(url, data=resolve_form(message="Thanks!"), headers=headers)
    assert bad.status_code == 422 and "<html" not in bad.text
    assert soup(bad).find(id="resolve-message-error").text == CANNED_REPLY
    assert soup(bad).find(id="resolve-message").text == "Thanks!"
    assert await Resolution.all().count() == 0

    good = await client.post(url, data=resolve_form(), headers=headers)
    assert good.status_code == 200
    assert good.headers["hx-redirect"].endswith(f"/staff/items/{item.id}#resolutions")
    assert await Resolution.filter(item_id=item.id).count() == 1


async def test_it_reloads_instead_of_redirecting_to_the_same_page(client, agent) -> None:
    item, token = await _open_item(client, agent)
    page = f"http://testserver/staff/items/{item.id}"
    headers = {"HX-Request": "true", "X-CSRF-Token": token, "HX-Current-URL": page}
    response = await client.post(
        f"/staff/items/{item.id}/resolve", data=resolve_form(), headers=headers
    )
    # Only the #fragment would differ, which browsers treat as a scroll: reload instead.
    assert response.headers["hx-refresh"] == "true" and "hx-redirect" not in response.headers


async def test_it_refuses_to_resolve_twice(client, agent, teammate) -> None:
    item, token = await _open_item(client, agent)
    url = f"/staff/items/{item.id}/resolve"
    assert (await client.post(url, data={"csrf_token": token, **resolve_form()})).status_code == 303
    again = await client.post(url, data={"csrf_token": token, **resolve_form()})
    assert again.status_code == 409
    assert soup(again).find(id="resolve-errors").text.strip() == "This item is already resolved."
    assert await Resolution.all().count() == 1

    # two reps with the same stale page: only the first resolution counts
    await submit(client, subject="Another", email="other@example.com")
    other = await FeedbackItem.get(subject="Another")
    stale = await FeedbackItem.get(id=other.id)
    data, _ = validate_resolution(resolve_form(), ROOT_CAUSES)
    await resolve_item(other, agent, data, NOW)
    stale.status = Status.IN_PROGRESS  # what the second rep's page still shows
    with pytest.raises(ResolutionError):
        await resolve_item(stale, teammate, data, NOW)
    assert await Resolution.filter(item_id=other.id).count() == 1


async def test_it_leaves_the_follow_up_unchecked_for_segments_without_one(client, agent) -> None:
    item, _ = await _open_item(client, agent)  # a "new" customer: 0 days by default
    page = soup(await client.get(f"/staff/items/{item.id}"))
    assert not page.find(id="resolve-follow_up").has_attr("checked")
    await Customer.filter(id=item.customer_id).update(segment="key")
    response = await client.get(f"/staff/items/{item.id}")
    page = soup(response)
    assert page.find(id="resolve-follow_up").has_attr("checked")
    assert page.find(id="resolve-follow_up_days")["value"] == "7"

    token = csrf_from(response.text)
    await client.post(
        f"/staff/items/{item.id}/resolve",
        data={"csrf_token": token, **resolve_form(follow_up=None)},
    )
    assert (await FeedbackItem.get(id=item.id)).status == Status.RESOLVED
    assert await FollowUp.all().count() == 0


async def test_it_shows_past_resolutions_and_hides_the_form_once_resolved(client, agent) -> None:
    item, token = await _open_item(client, agent)
    await client.post(
        f"/staff/items/{item.id}/resolve",
        data={
            "csrf_token": token,
            **resolve_form(outcome="partly_resolved", outcome_detail="Refund done, parcel next"),
        },
    )
    page = soup(await client.get(f"/staff/items/{item.id}"))
    assert page.find(id="resolve-form") is None
    article = page.select_one("#resolutions article.resolution")
    assert article.find(class_="outcome").text == "Partly resolved"
    assert article.find(class_="outcome-detail").text == "Refund done, parcel next"
    assert article.find(class_="root-cause").text == "Delivery"
    assert article.find(class_="remedy").text == "Refunded the delivery fee ($4.99)"
    assert article.find(class_="effort").text == "25 min"


async def test_it_lets_a_teammate_resolve_but_not_anonymous_visitors(
    client, agent, teammate
) -> None:
    item, token = await _open_item(client, agent)
    await client.post("/staff/sign-out", data={"csrf_token": token})
    response = await client.get(f"/staff/items/{item.id}/resolve")
    assert response.status_code == 303 and "/staff/sign-in" in response.headers["location"]
    response = await client.post(
        f"/staff/items/{item.id}/resolve", data={"csrf_token": token, **resolve_form()}
    )
    assert response.status_code == 403
    assert await Resolution.all().count() == 0

    await sign_in(client, teammate)
    token = csrf_from((await client.get(f"/staff/items/{item.id}")).text)
    response = await client.post(
        f"/staff/items/{item.id}/resolve", data={"csrf_token": token, **resolve_form()}
    )
    assert response.status_code == 303
    assert (await Resolution.get(item_id=item.id)).resolved_by_id == teammate.id
    assert (await client.get("/staff/items/999999/resolve")).status_code == 404


async def test_it_shows_resolution_and_survey_on_the_customer_history(client, agent) -> None:
    from feedback.models import SurveyResponse

    item, token = await _open_item(client, agent)
    await submit(client, subject="Still open")
    await client.post(
        f"/staff/items/{item.id}/resolve",
        data={"csrf_token": token, **resolve_form(root_cause="Our own policy or process")},
    )
    await SurveyResponse.create(
        item_id=item.id, satisfaction=4, recommend=9, created_at=NOW, updated_at=NOW
    )
    page = soup(await client.get(f"/staff/customers/{item.customer_id}"))
    entry = page.find(id=f"history-item-{item.id}")
    facts = entry.find(id=f"history-resolution-{item.id}")
    assert [dd.text for dd in facts.find_all("dd")] == [
        "Resolved",
        "Our own policy or process",
        "Refunded the delivery fee ($4.99)",
    ]
    assert entry.find(id=f"history-survey-{item.id}").text == (
        "Survey: satisfaction 4/5, recommend 9/10"
    )
    other = await FeedbackItem.get(subject="Still open")
    open_entry = page.find(id=f"history-item-{other.id}")
    assert open_entry.find("dl") is None and open_entry.find(class_="survey-score") is None
