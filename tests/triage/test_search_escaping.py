"""What customers wrote is shown as text: only the highlight is markup."""

from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.triage.search_helpers import (
    both_strategies,  # noqa: F401 - a fixture
    hit_rows,
    make_item,
    search_page,
    soup,
)

pytestmark = pytest.mark.usefixtures("both_strategies")


async def test_it_shows_html_in_a_message_as_text_and_marks_the_match(client, db, agent) -> None:
    body = 'Your site said <script>alert("owned")</script> and <b>broke</b> my basket.'
    item = await make_item("Basket broken", body)
    await sign_in(client, agent)

    response = await search_page(client, q="owned")

    page = soup(response.text)
    assert page.select("#main script") == []
    assert page.select("p.snippet b") == []
    [row] = hit_rows(response.text)
    assert row["id"] == f"hit-{item.id}"
    snippet = row.select_one("p.snippet")
    assert [m.get_text() for m in snippet.select("mark")] == ["owned"]
    assert '<script>alert("' in snippet.get_text()


async def test_it_escapes_the_query_when_echoing_it(client, db, agent) -> None:
    await sign_in(client, agent)

    response = await search_page(client, q="<img src=x onerror=alert(1)>")

    page = soup(response.text)
    assert page.select("#main img") == []
    assert page.select_one("#search-q")["value"] == "<img src=x onerror=alert(1)>"
    assert "<img src=x onerror=alert(1)>" in page.select_one("#search-none").get_text()
