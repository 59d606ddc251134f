"""Every length error says the limit, in the same words, in the reader's language: the
public form, the staff "log feedback" form (same validation), the tracking-page reply, the
staff reply, the resolve form and the survey all use `feedback.text_limits.too_long`."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from feedback.intake import LIMITS
from feedback.models import FeedbackItem, Message
from feedback.resolution import validate_resolution
from feedback.text_limits import too_long
from portal.i18n import use_language
from tests.conftest import csrf_from, form_data, sign_in, submit
from tests.feedback.test_resolve import ROOT_CAUSES, resolve_form


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


@pytest.mark.parametrize(
    ("language", "limit", "expected"),
    [
        ("en", 10_000, "This is too long (10,000 characters at most)."),
        ("en", 60, "This is too long (60 characters at most)."),
        ("zh_CN", 10_000, "内容过长（最多 10,000 个字符）。"),
    ],
)
def test_it_says_the_limit_in_the_reader_s_language(language, limit, expected) -> None:
    with use_language(language):
        assert too_long(limit) == expected


async def test_the_public_form_says_the_limit_of_a_10050_character_message(client) -> None:
    response = await submit(client, message="x" * 10_050)
    assert response.status_code == 422
    page = soup(response)
    assert page.find(id="message-error").text == "This is too long (10,000 characters at most)."
    summary = [a.text for a in page.select("#error-summary a")]
    assert summary == ["This is too long (10,000 characters at most)."]
    assert await FeedbackItem.all().count() == 0


async def test_the_public_form_says_it_in_chinese(client) -> None:
    await client.get("/?lang=zh_CN")
    response = await submit(client, subject="s" * (LIMITS["subject"] + 1))
    assert response.status_code == 422
    assert soup(response).find(id="subject-error").text == "内容过长（最多 200 个字符）。"


async def test_the_log_feedback_form_shares_the_message(client, agent) -> None:
    await sign_in(client, agent)
    token = csrf_from((await client.get("/staff/feedback/new")).text)
    data = {**form_data(name="n" * 121), "channel": "phone", "csrf_token": token}
    for headers in ({}, {"HX-Request": "true"}):
        response = await client.post("/staff/feedback/new", data=data, headers=headers)
        assert response.status_code == 422
        assert soup(response).find(id="name-error").text == (
            "This is too long (120 characters at most)."
        )
    assert await FeedbackItem.all().count() == 0


async def test_the_tracking_reply_says_it_in_the_same_words(client) -> None:
    response = await submit(client)
    thanks = soup(await client.get(response.headers["location"]))
    path = "/" + thanks.find(id="tracking-link")["href"].split("://", 1)[1].split("/", 1)[1]
    token = csrf_from((await client.get(path)).text)
    response = await client.post(f"{path}/reply", data={"csrf_token": token, "body": "x" * 10_001})
    assert response.status_code == 422
    assert soup(response).find(id="body-error").text == too_long(10_000)
    assert await Message.all().count() == 1


def test_the_resolve_form_says_it_in_the_same_words() -> None:
    _, errors = validate_resolution(
        resolve_form(remedy="r" * 2_001, follow_up_note="n" * 501), ROOT_CAUSES
    )
    assert errors["remedy"] == "This is too long (2,000 characters at most)."
    assert errors["follow_up_note"] == "This is too long (500 characters at most)."
