"""The customer is told when to expect us: the first answer, then the resolution.

A response-time target is a promise only if the customer hears it, and a late one is owned up
to on the page rather than hidden.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from bs4 import BeautifulSoup

from feedback.conversation import add_staff_reply, change_status, customer_promise
from feedback.models import FeedbackItem, Status
from portal.clock import utcnow
from tests.conftest import submit

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


def _item(**fields) -> FeedbackItem:
    values = {
        "status": Status.ASSIGNED,
        "first_response_at": None,
        "first_response_due": NOW + timedelta(hours=4),
        "resolution_due": NOW + timedelta(days=3),
        **fields,
    }
    merged_into_id = values.pop("merged_into_id", None)
    item = FeedbackItem(**values)
    item.merged_into_id = merged_into_id  # as loaded from the database
    return item


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({}, ("answer", NOW + timedelta(hours=4), False)),
        ({"status": Status.NEW}, ("answer", NOW + timedelta(hours=4), False)),
        (
            {"first_response_due": NOW - timedelta(minutes=1)},
            ("answer", NOW - timedelta(minutes=1), True),
        ),
        (
            {"first_response_at": NOW, "status": Status.IN_PROGRESS},
            ("resolve", NOW + timedelta(days=3), False),
        ),
        ({"status": Status.WAITING_ON_CUSTOMER}, None),
        ({"status": Status.RESOLVED}, None),
        ({"status": Status.CLOSED}, None),
        ({"merged_into_id": 7}, None),
        ({"first_response_due": None}, None),
    ],
    ids=[
        "answer due",
        "new",
        "answer late",
        "resolution due",
        "waiting on customer",
        "resolved",
        "closed",
        "merged",
        "no target",
    ],
)
def test_it_promises_the_next_step(fields, expected) -> None:
    promise = customer_promise(_item(**fields), NOW)
    assert (promise and (promise.kind, promise.due, promise.late)) == expected


async def _thanks_and_tracking(client) -> tuple[BeautifulSoup, str]:
    response = await submit(client)
    thanks = BeautifulSoup((await client.get(response.headers["location"])).text, "html.parser")
    href = thanks.find(id="tracking-link")["href"]
    return thanks, "/" + href.split("://", 1)[1].split("/", 1)[1]


async def test_it_tells_the_customer_when_to_expect_an_answer(client) -> None:
    thanks, path = await _thanks_and_tracking(client)
    item = await FeedbackItem.get()
    assert item.first_response_due is not None
    for page in (thanks, BeautifulSoup((await client.get(path)).text, "html.parser")):
        promise = page.find(id="promise")
        assert promise["data-kind"] == "answer" and promise["data-late"] == "no"
        assert promise.text.startswith("by ")
        assert promise.find_previous_sibling("dt").text == "Answer expected"


async def test_it_owns_up_to_a_late_answer(client) -> None:
    _, path = await _thanks_and_tracking(client)
    item = await FeedbackItem.get()
    with time_machine.travel(item.first_response_due + timedelta(minutes=5), tick=False):
        page = BeautifulSoup((await client.get(path)).text, "html.parser")
    promise = page.find(id="promise")
    assert promise["data-late"] == "yes" and "running late — sorry" in promise.text


async def test_it_moves_on_to_the_resolution_then_stops(client, agent) -> None:
    _, path = await _thanks_and_tracking(client)
    item = await FeedbackItem.get()
    await add_staff_reply(item, agent, "We are looking into it.", now=utcnow())
    promise = BeautifulSoup((await client.get(path)).text, "html.parser").find(id="promise")
    assert promise["data-kind"] == "resolve"
    assert promise.find_previous_sibling("dt").text == "Resolution expected"

    await change_status(item, Status.WAITING_ON_CUSTOMER, now=utcnow(), actor=agent)
    page = BeautifulSoup((await client.get(path)).text, "html.parser")
    assert page.find(id="promise") is None


async def test_it_says_it_in_chinese(client) -> None:
    _, path = await _thanks_and_tracking(client)
    page = BeautifulSoup((await client.get(path + "?lang=zh-CN")).text, "html.parser")
    promise = page.find(id="promise")
    assert promise.find_previous_sibling("dt").text == "预计答复时间"
    assert promise.text.endswith("之前")
