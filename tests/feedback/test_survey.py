"""The satisfaction survey on the tracking page: one answer per item, changeable for a week."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest
import time_machine
from bs4 import BeautifulSoup

from feedback.models import Event, FeedbackItem, SurveyResponse
from feedback.resolution import resolve_item, validate_resolution
from tests.conftest import csrf_from, submit

RESOLVED_AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
MESSAGE = (
    "Hi Jo, I refunded the delivery fee of 4.99 today and a new parcel leaves tomorrow "
    "morning with tracking."
)
FORM = {
    "outcome": "partly_resolved",
    "outcome_detail": "Refunded; the new parcel is still on its way",
    "root_cause": "Delivery",
    "remedy": "Refunded the delivery fee",
    "remedy_amount": "4.99",
    "effort_minutes": "20",
    "message": MESSAGE,
}


def soup(response: httpx.Response) -> BeautifulSoup:
    return BeautifulSoup(response.text, "html.parser")


async def _tracking_path(client) -> str:
    with time_machine.travel(RESOLVED_AT - timedelta(hours=2), tick=False):
        response = await submit(client)
    return "/t/" + response.headers["location"].rsplit("/", 1)[1]


async def _resolve(agent) -> FeedbackItem:
    item = await FeedbackItem.get()
    data, errors = validate_resolution(FORM, ("Delivery",))
    assert not errors
    await resolve_item(item, agent, data, RESOLVED_AT)
    return await FeedbackItem.get(id=item.id)


async def _answer(client, path: str, headers: dict | None = None, **answer: str):
    token = csrf_from((await client.get(path)).text)
    return await client.post(
        f"{path}/survey", data={"csrf_token": token, **answer}, headers=headers or {}
    )


async def test_it_asks_nothing_before_the_item_is_resolved(client, agent) -> None:
    path = await _tracking_path(client)
    page = soup(await client.get(path))
    assert page.find(id="survey") is None and page.find(id="resolution") is None
    response = await _answer(client, path, satisfaction="5", recommend="10")
    assert response.status_code == 409
    survey = soup(response).find(id="survey")
    assert survey.find(id="survey-form-error").text == (
        "You can rate our answer once we have resolved this."
    )
    assert survey.find("form") is None
    assert await SurveyResponse.all().count() == 0


async def test_it_shows_the_resolution_and_an_accessible_survey(client, agent) -> None:
    path = await _tracking_path(client)
    await _resolve(agent)
    with time_machine.travel(RESOLVED_AT + timedelta(hours=1), tick=False):
        page = soup(await client.get(path))
    resolution = page.find(id="resolution")
    assert resolution.find(id="outcome").text.strip() == "We have partly resolved this."
    assert resolution.find(id="resolution-message").text == MESSAGE
    assert resolution.find(id="remedy").text == "Refunded the delivery fee (amount: $4.99)"
    assert "still on its way" not in resolution.text  # the internal detail stays internal
    survey = page.find(id="survey")
    groups = survey.find_all("fieldset")
    assert [g.find("legend").text for g in groups] == [
        "How satisfied are you with how we handled this?",
        "How likely are you to recommend us to a friend or colleague?",
    ]
    assert [len(g.find_all("input", type="radio")) for g in groups] == [5, 11]
    assert [i["value"] for i in groups[1].find_all("input")] == [str(n) for n in range(11)]
    assert all(label.find("input") for g in groups for label in g.find_all("label"))
    assert survey.find("textarea", id="survey-comment")["maxlength"] == "2000"


async def test_it_stores_one_answer_with_owner_team_and_category(client, agent) -> None:
    path = await _tracking_path(client)
    item = await _resolve(agent)
    with time_machine.travel(RESOLVED_AT + timedelta(days=1), tick=False):
        response = await _answer(
            client, path, satisfaction="2", recommend="6", comment="Slow, but sorted."
        )
    assert response.status_code == 303 and response.headers["location"].endswith("#survey")
    survey = await SurveyResponse.get(item_id=item.id)
    assert (
        survey.satisfaction,
        survey.recommend,
        survey.comment,
        survey.owner_id_at_answer,
        survey.team_id_at_answer,
        survey.category,
        survey.created_at,
    ) == (
        2,
        6,
        "Slow, but sorted.",
        agent.id,
        item.team_id,
        "Delivery",
        RESOLVED_AT + timedelta(days=1),
    )
    event = await Event.filter(item_id=item.id).order_by("-id").first()
    assert (event.action, event.actor_kind, event.new_value) == (
        "survey",
        "customer",
        "satisfaction 2/5, recommend 6/10",
    )


async def test_it_lets_the_customer_change_the_answer_for_a_week(client, agent) -> None:
    path = await _tracking_path(client)
    item = await _resolve(agent)
    first = RESOLVED_AT + timedelta(days=1)
    with time_machine.travel(first, tick=False):
        await _answer(client, path, satisfaction="2", recommend="3")
    with time_machine.travel(first + timedelta(days=6), tick=False):
        page = soup(await client.get(path))
        assert page.find(id="survey-changeable") is not None
        assert page.find("input", attrs={"name": "satisfaction", "checked": True})["value"] == "2"
        assert page.find("input", attrs={"name": "recommend", "checked": True})["value"] == "3"
        response = await _answer(client, path, satisfaction="4", recommend="9", comment="Better")
    assert response.status_code == 303
    assert await SurveyResponse.all().count() == 1
    survey = await SurveyResponse.get(item_id=item.id)
    assert (survey.satisfaction, survey.recommend, survey.comment) == (4, 9, "Better")
    assert (survey.created_at, survey.updated_at) == (first, first + timedelta(days=6))
    assert await Event.filter(item_id=item.id, action="survey_changed").count() == 1

    with time_machine.travel(first + timedelta(days=7, minutes=1), tick=False):
        page = soup(await client.get(path))
        assert page.find(id="survey").find("form") is None
        answer = [dd.text for dd in page.find(id="survey-answer").find_all("dd")]
        assert answer == ["4 out of 5", "9 out of 10", "Better"]
        response = await _answer(client, path, satisfaction="1", recommend="0")
    assert response.status_code == 409
    assert soup(response).find(id="survey-form-error").text == (
        "Your answer can no longer be changed. Thank you for it."
    )
    assert (await SurveyResponse.get(item_id=item.id)).satisfaction == 4


@pytest.mark.parametrize(
    ("answer", "errors"),
    [
        ({"recommend": "8"}, {"satisfaction-error": "Choose how satisfied you are, from 1 to 5."}),
        (
            {"satisfaction": "6", "recommend": "8"},
            {"satisfaction-error": "Choose how satisfied you are, from 1 to 5."},
        ),
        (
            {"satisfaction": "3"},
            {"recommend-error": "Choose how likely you are to recommend us, from 0 to 10."},
        ),
        (
            {"satisfaction": "3", "recommend": "11"},
            {"recommend-error": "Choose how likely you are to recommend us, from 0 to 10."},
        ),
        (
            {"satisfaction": "3", "recommend": "-1"},
            {"recommend-error": "Choose how likely you are to recommend us, from 0 to 10."},
        ),
        (
            {"satisfaction": "3", "recommend": "7", "comment": "x" * 2001},
            {"comment-error": "This is too long (2,000 characters at most)."},
        ),
    ],
)
async def test_it_keeps_the_answer_when_it_is_incomplete(client, agent, answer, errors) -> None:
    path = await _tracking_path(client)
    await _resolve(agent)
    response = await _answer(client, path, **answer)
    assert response.status_code == 422
    survey = soup(response).find(id="survey")
    assert {p["id"]: p.text for p in survey.select("p.error")} == errors
    for name in ("satisfaction", "recommend"):
        checked = survey.find("input", attrs={"name": name, "checked": True})
        kept = answer.get(name)
        if kept is not None and survey.find("input", attrs={"name": name, "value": kept}):
            assert checked["value"] == kept
        else:
            assert checked is None
    assert survey.find(id="survey-comment").text == answer.get("comment", "")
    assert await SurveyResponse.all().count() == 0


async def test_it_answers_htmx_with_the_survey_fragment(client, agent) -> None:
    path = await _tracking_path(client)
    await _resolve(agent)
    headers = {"HX-Request": "true"}
    bad = await _answer(client, path, headers=headers, satisfaction="5")
    assert bad.status_code == 422 and "<html" not in bad.text
    assert "HX-Request" in bad.headers["vary"]
    assert soup(bad).find(id="survey").find(id="recommend-error") is not None
    assert soup(bad).find("input", attrs={"name": "satisfaction", "checked": True})["value"] == "5"

    good = await _answer(client, path, headers=headers, satisfaction="5", recommend="10")
    assert good.status_code == 200 and "<html" not in good.text
    fragment = soup(good)
    assert fragment.find(id="survey-notice").text == "Thank you! We have your answer."
    assert fragment.find(id="survey-changeable") is not None
    assert (await SurveyResponse.get()).recommend == 10


async def test_it_refuses_an_answer_without_a_csrf_token_but_keeps_it(client, agent) -> None:
    path = await _tracking_path(client)
    await _resolve(agent)
    await client.get(path)
    response = await client.post(
        f"{path}/survey", data={"satisfaction": "1", "recommend": "2", "comment": "keep me"}
    )
    assert response.status_code == 403
    survey = soup(response).find(id="survey")
    assert survey.find(id="survey-form-error") is not None
    assert survey.find(id="survey-comment").text == "keep me"
    assert await SurveyResponse.all().count() == 0
    bad = await client.post(path[:-3] + "xyz/survey", data={"satisfaction": "1"})
    assert bad.status_code == 404


async def test_it_explains_a_refused_token_even_before_the_survey_opens(client) -> None:
    path = await _tracking_path(client)
    await client.get(path)
    response = await client.post(f"{path}/survey", data={"satisfaction": "4"})
    assert response.status_code == 403
    error = soup(response).find(id="survey-form-error")
    assert error.text == "Your session expired. Please send your answer again."
    assert await SurveyResponse.all().count() == 0


async def test_it_asks_in_the_customers_language(client, agent) -> None:
    path = await _tracking_path(client)
    await _resolve(agent)
    page = soup(await client.get(path, headers={"Accept-Language": "zh-CN"}))
    legends = [legend.text for legend in page.find(id="survey").find_all("legend")]
    assert legends == ["您对我们的处理满意吗？", "您有多大可能向朋友或同事推荐我们？"]
    assert page.find(id="outcome").text.strip() == "这个问题我们已部分解决。"
