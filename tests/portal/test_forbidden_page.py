"""A page someone's role does not open: staff keep their menu and a way back to the board."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.conftest import sign_in


@pytest.mark.parametrize("path", ["/manager", "/manage/staff", "/staff/at-risk"])
async def test_it_keeps_an_agent_inside_the_staff_pages(client, agent, path) -> None:
    await sign_in(client, agent)
    response = await client.get(path)
    assert response.status_code == 403
    page = BeautifulSoup(response.text, "html.parser")
    assert page.find("h1").get_text() == "You are not allowed to do that"
    nav = page.find("nav", attrs={"aria-label": "Main"})
    assert nav.find("a", string="Board") is not None
    assert page.find(id="back-to-work")["href"].endswith("/staff/board")
    # Not the customers' way out.
    assert page.find("a", string="Go to the feedback form") is None


async def test_it_tells_staff_of_a_missing_item_without_the_tracking_link_advice(
    client, agent
) -> None:
    await sign_in(client, agent)
    response = await client.get("/staff/items/987654")
    assert response.status_code == 404
    assert "tracking link" not in response.text
    assert BeautifulSoup(response.text, "html.parser").find(id="back-to-work") is not None


async def test_it_still_sends_a_customer_to_the_form(client) -> None:
    response = await client.get("/t/not-a-real-token")
    assert response.status_code == 404
    page = BeautifulSoup(response.text, "html.parser")
    assert page.find("a", string="Go to the feedback form") is not None
    assert page.find(id="back-to-work") is None
