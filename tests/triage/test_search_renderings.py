"""Same URL, two renderings: the results fragment for htmx, the whole page otherwise."""

from __future__ import annotations

from tests.conftest import sign_in
from tests.triage.search_helpers import hit_references, make_item, search_page, soup


async def test_it_sends_htmx_the_results_fragment_and_browsers_the_page(client, db, agent) -> None:
    item = await make_item("Parcel late", "The van broke down.")
    await sign_in(client, agent)

    full = await search_page(client, q="van")
    fragment = await client.get(
        "/staff/search", params={"q": "van"}, headers={"HX-Request": "true"}
    )

    assert full.status_code == fragment.status_code == 200
    assert "HX-Request" in full.headers["vary"] and "HX-Request" in fragment.headers["vary"]
    page, part = soup(full.text), soup(fragment.text)
    assert part.find("html") is None and page.find("html") is not None
    assert part.select_one("#search-summary") is not None
    assert hit_references(fragment.text) == hit_references(full.text) == [item.reference]
    # The page holds the fragment inside the region htmx swaps.
    assert page.select_one("#search-results #search-hits") is not None


async def test_it_wires_live_search_and_a_plain_form(client, db, agent) -> None:
    await sign_in(client, agent)

    page = soup((await search_page(client)).text)

    form = page.select_one("form#search-form")
    assert form["method"] == "get" and form["action"].endswith("/staff/search")
    field = form.select_one("input#search-q")
    assert field["name"] == "q" and field["type"] == "search"
    assert field["hx-trigger"] == "input changed delay:300ms, search"
    assert field["hx-target"] == "#search-results"
    assert page.select_one("body")["hx-history"] == "false"
    assert {s["name"] for s in form.select("select")} == {"in", "status", "kind"}


async def test_it_explains_what_search_looks_in_before_anything_is_typed(client, db, agent) -> None:
    await sign_in(client, agent)

    page = soup((await search_page(client)).text)

    assert "order numbers" in page.select_one("#search-empty").get_text()
    assert page.select("li.search-hit") == []


async def test_it_helps_when_nothing_matches(client, db, agent) -> None:
    await make_item("Parcel late", "The van broke down.")
    await sign_in(client, agent)

    page = soup((await search_page(client, q="zeppelin", status="open")).text)

    none = page.select_one("#search-none")
    assert none is not None and "zeppelin" in none.get_text()
    widen = none.select_one("a")
    assert widen is not None and "status=all" in widen["href"]
