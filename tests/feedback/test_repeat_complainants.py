"""Repeat complainants are flagged for a relationship review at intake — never blocked."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup

from feedback import at_risk
from feedback.models import Customer, Event, FeedbackItem
from tests.conftest import csrf_from, sign_in, submit

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)


async def _send(client, days_ago: float = 0, kind: str = "complaint", **overrides: str):
    with time_machine.travel(NOW - timedelta(days=days_ago), tick=False):
        response = await submit(client, kind=kind, **overrides)
    assert response.status_code == 303  # never blocked
    return await FeedbackItem.all().order_by("-id").first()


@pytest.mark.parametrize(
    ("history", "flagged"),
    [
        ([("complaint", 30)], False),
        ([("complaint", 120), ("complaint", 30)], False),
        ([("praise", 30), ("question", 10), ("complaint", 5)], False),
        ([("complaint", 89), ("complaint", 10)], True),
        ([("complaint", 91), ("complaint", 10)], False),
        ([("complaint", 60), ("praise", 20), ("suggestion", 15), ("complaint", 10)], True),
    ],
)
async def test_it_flags_the_third_complaint_in_90_days(client, history, flagged) -> None:
    for kind, days_ago in history:
        await _send(client, days_ago, kind)
    latest = await _send(client)  # a complaint today
    customer = await Customer.get()
    assert customer.needs_review is flagged
    if flagged:
        assert customer.review_reason == f"3 complaints in 90 days (latest {latest.reference})"
        event = await Event.get(action="review_flagged")
        assert event.item_id == latest.id
    else:
        assert customer.review_reason == ""
        assert await Event.filter(action="review_flagged").count() == 0


async def test_it_flags_once_and_does_not_flag_praise(client) -> None:
    for days_ago in (20, 10, 5, 1):
        await _send(client, days_ago)
    await _send(client, 0, "praise")
    assert await Event.filter(action="review_flagged").count() == 1
    assert (await Customer.get()).review_reason.startswith("3 complaints in 90 days")


async def test_it_shows_the_banner_and_lets_only_managers_clear_it(client, agent, manager) -> None:
    for days_ago in (20, 10, 0):
        item = await _send(client, days_ago)
    customer = await Customer.get()
    with time_machine.travel(NOW, tick=False):
        await sign_in(client, agent)
        for path in (f"/staff/customers/{customer.id}", f"/staff/items/{item.id}"):
            banner = BeautifulSoup((await client.get(path)).text, "html.parser").find(id="review")
            assert banner.find("strong").text == "Relationship review"
            assert customer.review_reason in banner.text
            assert banner.find("form") is None  # agents cannot clear it
        token = csrf_from((await client.get(f"/staff/customers/{customer.id}")).text)
        response = await client.post(
            f"/staff/customers/{customer.id}/review/clear",
            data={"csrf_token": token, "note": "I'll do it myself"},
        )
    assert response.status_code == 403
    assert (await Customer.get()).needs_review is True

    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        await sign_in(client, manager)
        response = await client.get(f"/staff/items/{item.id}")
        form = BeautifulSoup(response.text, "html.parser").find(id="review").find("form")
        assert form.find("input", attrs={"name": "next"})["value"] == f"/staff/items/{item.id}"
        response = await client.post(
            f"/staff/customers/{customer.id}/review/clear",
            data={
                "csrf_token": csrf_from(response.text),
                "note": "Called Jo: courier issue, now fixed. Relationship fine.",
                "next": f"/staff/items/{item.id}",
            },
        )
        assert response.status_code == 303
        assert response.headers["location"] == f"/staff/items/{item.id}#review"
        customer = await Customer.get()
        assert (customer.needs_review, customer.review_reason) == (False, "")
        event = await Event.get(action="review_cleared")
        assert (event.item_id, event.actor_id, event.detail) == (
            item.id,
            manager.id,
            "Called Jo: courier issue, now fixed. Relationship fine.",
        )
        page = BeautifulSoup(
            (await client.get(f"/staff/customers/{customer.id}")).text, "html.parser"
        )
    assert page.find(id="review") is None
    assert page.find(id="last-review").text.endswith(
        "by Mia Chen: Called Jo: courier issue, now fixed. Relationship fine."
    )


@pytest.mark.parametrize(
    ("note", "error"),
    [
        ("   ", "Write a note: what you found and what was agreed."),
        ("n" * 501, "Keep the note to 500 characters."),
    ],
)
async def test_it_needs_a_note_to_clear_the_flag(client, manager, note, error) -> None:
    for days_ago in (20, 10, 0):
        await _send(client, days_ago)
    customer = await Customer.get()
    with time_machine.travel(NOW, tick=False):
        await sign_in(client, manager)
        token = csrf_from((await client.get(f"/staff/customers/{customer.id}")).text)
        response = await client.post(
            f"/staff/customers/{customer.id}/review/clear", data={"csrf_token": token, "note": note}
        )
    assert response.status_code == 422
    banner = BeautifulSoup(response.text, "html.parser").find(id="review")
    assert banner.find(id="review-note-error").text == error
    assert banner.find(id="review-note").text == note
    assert banner.find(id="review-note")["aria-invalid"] == "true"
    assert (await Customer.get()).needs_review is True


async def test_it_counts_again_only_after_the_review(client, manager) -> None:
    for days_ago in (20, 10, 5):
        await _send(client, days_ago)
    customer = await Customer.get()
    await at_risk.clear_review(customer, manager, "Talked it through.", now=NOW - timedelta(days=4))
    await _send(client, 3)
    await _send(client, 2)
    assert (await Customer.get()).needs_review is False  # two since the review
    await _send(client, 1)
    customer = await Customer.get()
    assert customer.needs_review is True
    assert customer.review_reason.startswith("3 complaints in 90 days")


async def test_a_failing_check_never_blocks_the_customer(client, monkeypatch) -> None:
    async def broken(item, now):
        raise RuntimeError("database hiccup")

    monkeypatch.setattr(at_risk, "_flag", broken)
    for days_ago in (20, 10, 0):
        await _send(client, days_ago)
    assert await FeedbackItem.all().count() == 3
    assert (await Customer.get()).needs_review is False
