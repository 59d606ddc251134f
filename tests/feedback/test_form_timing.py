"""The public form holds back a submission sent faster than a person types, keeping the text.

The real handler and template with the shipped limit (3 s); the clock is frozen and moved.
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine
from bs4 import BeautifulSoup

from feedback.bot_check import STARTED_FIELD
from feedback.models import FeedbackItem
from portal.app import create_app
from tests.conftest import form_data

SHOWN = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)


@pytest.fixture
async def timed_client(db) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(dataclasses.replace(db, form_min_seconds=3), manage_database=False)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


async def _fill_and_send(
    client, seconds_later: float, headers: dict[str, str] | None = None, **fields: str
) -> httpx.Response:
    with time_machine.travel(SHOWN, tick=False):
        page = BeautifulSoup((await client.get("/feedback/new")).text, "html.parser")
    hidden = {i["name"]: i.get("value", "") for i in page.find_all("input", type="hidden")}
    with time_machine.travel(SHOWN + timedelta(seconds=seconds_later), tick=False):
        return await client.post(
            "/feedback", data={**form_data(**fields), **hidden}, headers=headers or {}
        )


async def test_it_takes_a_form_sent_at_a_human_pace(timed_client) -> None:
    response = await _fill_and_send(timed_client, 40)
    assert response.status_code == 303
    assert await FeedbackItem.all().count() == 1


async def test_it_holds_back_a_form_sent_too_fast_and_keeps_the_text(timed_client) -> None:
    response = await _fill_and_send(timed_client, 1, message="Typed by autofill, keep me.")
    assert response.status_code == 422
    assert await FeedbackItem.all().count() == 0
    page = BeautifulSoup(response.text, "html.parser")
    assert "press Send again" in page.find(class_="notice").text
    assert page.find(id="message").text == "Typed by autofill, keep me."
    # The second press, a few seconds later, goes through with the form's new time.
    hidden = {i["name"]: i.get("value", "") for i in page.find_all("input", type="hidden")}
    with time_machine.travel(SHOWN + timedelta(seconds=10), tick=False):
        again = await timed_client.post(
            "/feedback", data={**form_data(message="Typed by autofill, keep me."), **hidden}
        )
    assert again.status_code == 303
    assert await FeedbackItem.all().count() == 1


async def test_it_holds_back_a_post_without_the_form_time(timed_client) -> None:
    with time_machine.travel(SHOWN, tick=False):
        page = BeautifulSoup((await timed_client.get("/feedback/new")).text, "html.parser")
        hidden = {i["name"]: i.get("value", "") for i in page.find_all("input", type="hidden")}
        del hidden[STARTED_FIELD]
    with time_machine.travel(SHOWN + timedelta(minutes=5), tick=False):
        response = await timed_client.post("/feedback", data={**form_data(), **hidden})
    assert response.status_code == 422
    assert await FeedbackItem.all().count() == 0


async def test_it_says_it_in_chinese(timed_client) -> None:
    response = await _fill_and_send(timed_client, 0.5, headers={"Accept-Language": "zh-CN"})
    notice = BeautifulSoup(response.text, "html.parser").find(class_="notice").text
    assert response.status_code == 422 and "发送" in notice


async def test_a_second_press_right_after_the_notice_goes_through(timed_client) -> None:
    first = await _fill_and_send(timed_client, 1)
    assert first.status_code == 422
    page = BeautifulSoup(first.text, "html.parser")
    hidden = {i["name"]: i.get("value", "") for i in page.find_all("input", type="hidden")}
    # Pressed again at once: 3.5 s after the form was first shown, whatever the notice took.
    with time_machine.travel(SHOWN + timedelta(seconds=3.5), tick=False):
        again = await timed_client.post("/feedback", data={**form_data(), **hidden})
    assert again.status_code == 303


async def test_a_tampered_form_time_is_replaced_not_carried(timed_client) -> None:
    with time_machine.travel(SHOWN, tick=False):
        page = BeautifulSoup((await timed_client.get("/feedback/new")).text, "html.parser")
    hidden = {i["name"]: i.get("value", "") for i in page.find_all("input", type="hidden")}
    hidden[STARTED_FIELD] = "forged"
    with time_machine.travel(SHOWN + timedelta(minutes=1), tick=False):
        response = await timed_client.post("/feedback", data={**form_data(), **hidden})
    assert response.status_code == 422
    shown = BeautifulSoup(response.text, "html.parser").find("input", attrs={"name": STARTED_FIELD})
    assert shown["value"] != "forged"
    with time_machine.travel(SHOWN + timedelta(minutes=2), tick=False):
        again = await timed_client.post(
            "/feedback", data={**form_data(), **hidden, STARTED_FIELD: shown["value"]}
        )
    assert again.status_code == 303
