"""A reopened item is open again everywhere: the item page, the customer's history and the
tracking page stop calling it resolved, its pending follow-up is cancelled, and it all comes
back once it is resolved again."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import time_machine
from bs4 import BeautifulSoup

from feedback.conversation import change_status
from feedback.models import Event, FeedbackItem, FollowUp, Resolution, Status, SurveyResponse
from feedback.resolution import (
    SurveyInput,
    resolve_item,
    resolved_state,
    save_survey,
    survey_state,
    validate_resolution,
)
from tests.conftest import csrf_from, sign_in, submit

RESOLVED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
REOPENED_AT = RESOLVED_AT + timedelta(days=2)
FORM = {
    "outcome": "resolved",
    "root_cause": "Delivery",
    "remedy": "Refunded the delivery fee",
    "effort_minutes": "20",
    "message": "Hi Jo, I refunded the delivery fee today and a new parcel leaves tomorrow "
    "morning with tracking.",
    "follow_up": "on",
    "follow_up_days": "7",
}


def soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def _resolve(agent, at: datetime) -> FeedbackItem:
    item = await FeedbackItem.get()
    data, errors = validate_resolution(FORM, ("Delivery",))
    assert not errors
    await resolve_item(item, agent, data, at)
    return await FeedbackItem.get(id=item.id)


async def _reopened(client, agent) -> tuple[FeedbackItem, str]:
    """Resolved with a follow-up and a survey answer, then reopened by the customer's reply."""
    with time_machine.travel(RESOLVED_AT - timedelta(hours=2), tick=False):
        response = await submit(client)
    path = "/t/" + response.headers["location"].rsplit("/", 1)[1]
    item = await _resolve(agent, RESOLVED_AT)
    await save_survey(
        item, SurveyInput(2, 3, "meh"), now=RESOLVED_AT + timedelta(hours=1), change_days=7
    )
    assert await FollowUp.filter(item_id=item.id, done_at__isnull=True).count() == 1
    with time_machine.travel(REOPENED_AT, tick=False):
        token = csrf_from((await client.get(path)).text)
        reply = await client.post(
            f"{path}/reply", data={"csrf_token": token, "body": "The new parcel never came."}
        )
    assert reply.status_code == 303
    return await FeedbackItem.get(id=item.id), path


async def test_it_clears_the_current_resolution_but_keeps_the_record(client, agent) -> None:
    item, _ = await _reopened(client, agent)
    assert (item.status, item.reopen_count, item.resolved_at) == (Status.IN_PROGRESS, 1, None)
    resolution = await Resolution.get(item_id=item.id)
    assert resolution.created_at == RESOLVED_AT
    # The resolution clock runs again, so the dashboard has no resolution time for it yet.
    assert item.resolution_business_seconds is None and item.resolution_due is not None


async def test_it_cancels_the_follow_up_of_the_resolution_that_did_not_hold(client, agent) -> None:
    item, _ = await _reopened(client, agent)
    assert await FollowUp.filter(item_id=item.id).count() == 0
    event = await Event.get(item_id=item.id, action="follow_up_cancelled")
    assert event.created_at == REOPENED_AT
    assert event.old_value == (RESOLVED_AT + timedelta(days=7)).date().isoformat()
    assert "reopened" in event.detail
    # Resolved again: the new resolution schedules its own follow-up.
    again = await _resolve(agent, REOPENED_AT + timedelta(days=1))
    pending = await FollowUp.filter(item_id=item.id, done_at__isnull=True)
    assert [f.due_at for f in pending] == [REOPENED_AT + timedelta(days=8)]
    assert again.resolved_at == REOPENED_AT + timedelta(days=1)


async def test_it_keeps_a_follow_up_already_done(client, agent) -> None:
    with time_machine.travel(RESOLVED_AT - timedelta(hours=2), tick=False):
        await submit(client)
    item = await _resolve(agent, RESOLVED_AT)
    await FollowUp.filter(item_id=item.id).update(done_at=RESOLVED_AT + timedelta(days=1))
    await change_status(item, Status.IN_PROGRESS, now=REOPENED_AT, actor=agent)
    assert await FollowUp.filter(item_id=item.id).count() == 1
    assert not await Event.exists(item_id=item.id, action="follow_up_cancelled")


async def test_the_item_page_says_reopened_not_resolved(client, agent) -> None:
    item, _ = await _reopened(client, agent)
    await sign_in(client, agent)
    page = soup(await client.get(f"/staff/items/{item.id}"))
    assert page.find(id="resolved-at") is None
    reopened = page.find(id="reopened").get_text(" ", strip=True)
    assert reopened.startswith("Reopened ") and "previously resolved" in reopened
    assert page.find(id=f"resolution-{(await Resolution.get(item_id=item.id)).id}") is not None

    board = soup(await client.get("/staff/board"))
    assert board.select_one(f"#column-in_progress #card-{item.id}-reopened").text == "reopened"

    await _resolve(agent, REOPENED_AT + timedelta(days=1))
    page = soup(await client.get(f"/staff/items/{item.id}"))
    assert page.find(id="reopened") is None
    assert page.find(id="resolved-at").text.startswith("Resolved: ")
    assert "not yet" not in page.find(id="resolved-at").text


async def test_the_customer_history_shows_the_current_state(client, agent) -> None:
    item, _ = await _reopened(client, agent)
    await sign_in(client, agent)
    page = soup(await client.get(f"/staff/customers/{item.customer_id}"))
    row = page.find(id=f"history-item-{item.id}")
    assert row.select_one(".resolved") is None
    assert (
        row.select_one(".reopened")
        .get_text(" ", strip=True)
        .startswith("· reopened, previously resolved")
    )
    record = row.find(id=f"history-resolution-{item.id}")  # it happened: still shown
    assert record.find("dt").text == "Earlier outcome"
    assert record.select_one(".root-cause").text == "Delivery"

    await _resolve(agent, REOPENED_AT + timedelta(days=1))
    page = soup(await client.get(f"/staff/customers/{item.customer_id}"))
    row = page.find(id=f"history-item-{item.id}")
    assert row.select_one(".reopened") is None
    assert row.select_one(".resolved").text.startswith("· resolved ")
    assert row.find(id=f"history-resolution-{item.id}").find("dt").text == "Outcome"


async def test_the_tracking_page_hides_the_survey_while_open_again(client, agent) -> None:
    item, path = await _reopened(client, agent)
    with time_machine.travel(REOPENED_AT + timedelta(hours=1), tick=False):
        response = await client.get(path)
        page = soup(response)
        assert page.find(id="status")["data-status"] == "in_progress"
        assert page.find(id="survey") is None and page.find(id="resolution") is None
        token = csrf_from(response.text)
        refused = await client.post(
            f"{path}/survey",
            data={"csrf_token": token, "satisfaction": "5", "recommend": "10"},
        )
    assert refused.status_code == 409
    answer = await SurveyResponse.get(item_id=item.id)
    assert (answer.satisfaction, answer.recommend) == (2, 3)  # the earlier answer is kept

    await _resolve(agent, REOPENED_AT + timedelta(days=1))
    with time_machine.travel(REOPENED_AT + timedelta(days=1, hours=1), tick=False):
        page = soup(await client.get(path))
    survey = page.find(id="survey")  # back, still within the week to change the answer
    assert survey.find(id="survey-changeable") is not None
    assert survey.find("button").text == "Change my answer"


def test_a_survey_is_hidden_while_the_item_is_open_even_when_answered() -> None:
    answered = object()
    for status in (Status.IN_PROGRESS, Status.WAITING_ON_CUSTOMER, Status.NEW):
        item = FeedbackItem(status=status, resolved_at=RESOLVED_AT)  # a stale value too
        assert survey_state(item, answered, RESOLVED_AT, 7) == "hidden"  # type: ignore[arg-type]


def test_an_open_item_with_a_stale_resolved_at_does_not_read_as_resolved() -> None:
    """Rows reopened before resolved_at was cleared on reopening still hold the old value."""
    item = FeedbackItem(status=Status.IN_PROGRESS, resolved_at=RESOLVED_AT)
    state = resolved_state(item, None)
    assert (state.resolved_at, state.reopened) == (None, False)
    resolution = Resolution(created_at=RESOLVED_AT)
    state = resolved_state(item, resolution)
    assert (state.resolved_at, state.previously_resolved_at) == (None, RESOLVED_AT)
    done = FeedbackItem(status=Status.CLOSED, resolved_at=RESOLVED_AT)
    assert resolved_state(done, resolution).resolved_at == RESOLVED_AT
