"""Every error summary lists the mistakes in the order the form shows its fields.

The validators check fields in whatever order suits them; the summary (one mechanism: the
`in_field_order` filter, used by `manager/_macros.html:error_summary` and the public and
log-feedback forms) puts them back in page order. Each form is sent empty (or with a
mistake the validator finds last) and the summary's links are compared with where their
targets sit in the page.
"""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from portal.templating import in_field_order
from tests.conftest import csrf_from, form_data, get_csrf, sign_in
from triage.models import Team


def _summary_and_page_order(html: str, summary_id: str = "error-summary") -> tuple[list, list]:
    page = BeautifulSoup(html, "html.parser")
    summary = page.find(id=summary_id)
    assert summary is not None, "no error summary"
    linked = [a["href"].removeprefix("#") for a in summary.select("a[href^='#']")]
    in_page = [element["id"] for element in page.find_all(id=True) if element["id"] in set(linked)]
    return linked, in_page


def test_it_sorts_by_the_given_fields_and_keeps_the_rest_last() -> None:
    errors = {"form": "x", "email": "e", "name": "n", "other": "o"}
    assert [key for key, _ in in_field_order(errors, ("name", "email"))] == [
        "name",
        "email",
        "form",
        "other",
    ]


async def test_the_public_form_summary_follows_the_fields(client) -> None:
    # The length check runs after the others: "name" too long came after "message".
    data = form_data(name="x" * 121, subject="", message="", email="nope")
    data["csrf_token"] = await get_csrf(client)
    response = await client.post("/feedback", data=data)
    assert response.status_code == 422
    linked, in_page = _summary_and_page_order(response.text)
    assert linked == ["name", "email", "subject", "message"]
    assert linked == in_page


async def test_the_log_feedback_summary_follows_the_fields(client, agent) -> None:
    await sign_in(client, agent)
    token = csrf_from((await client.get("/staff/feedback/new")).text)
    data = form_data(name="x" * 121, subject="", email="")
    response = await client.post("/staff/feedback/new", data={**data, "csrf_token": token})
    assert response.status_code == 422
    linked, in_page = _summary_and_page_order(response.text)
    assert linked[0] == "channel" and linked == in_page


@pytest.mark.parametrize(
    ("page", "post", "expected_first"),
    [
        ("/manage/staff", "/manage/staff", ["name", "email", "role", "password"]),
        ("/manage/teams", "/manage/teams", ["name"]),
        ("/manage/rules", "/manage/rules", ["name", "team"]),
        ("/manage/calendars", "/manage/calendars", ["name", "timezone", "spec"]),
        ("/manage/replies", "/manage/replies", ["title", "body"]),
    ],
)
async def test_the_settings_form_summaries_follow_the_fields(
    client, manager, page, post, expected_first
) -> None:
    await Team.create(name="Billing", is_default=False)  # the rule form needs a team
    await sign_in(client, manager)
    token = csrf_from((await client.get(page)).text)
    for headers in ({}, {"HX-Request": "true"}):
        response = await client.post(post, data={"csrf_token": token}, headers=headers)
        assert response.status_code == 422
        linked, in_page = _summary_and_page_order(response.text)
        assert linked[: len(expected_first)] == expected_first
        assert linked == in_page


async def test_the_rule_form_lists_a_bad_topic_after_the_team(client, manager) -> None:
    await Team.create(name="Billing", is_default=False)
    await sign_in(client, manager)
    token = csrf_from((await client.get("/manage/rules")).text)
    response = await client.post(
        "/manage/rules", data={"csrf_token": token, "name": "R", "categories": "Nonsense"}
    )
    assert response.status_code == 422
    linked, in_page = _summary_and_page_order(response.text)
    assert linked == ["team", "categories"] == in_page
