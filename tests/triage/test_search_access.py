"""Who may search: every staff role; anonymous visitors are sent to sign in."""

from __future__ import annotations

from tests.conftest import sign_in
from tests.triage.search_helpers import hit_references, make_item, search_page, soup


async def test_it_asks_anonymous_visitors_to_sign_in(client, db) -> None:
    await make_item("Parcel late", "Secret words here.")

    response = await search_page(client, q="secret")

    assert response.status_code == 303
    assert response.headers["location"].startswith("http://testserver/staff/sign-in")


async def test_it_lets_every_staff_role_search_every_item(
    client, db, agent, manager, admin
) -> None:
    item = await make_item("Parcel late", "The courier threw it over the fence.")

    for persona in (agent, manager, admin):
        await sign_in(client, persona)
        response = await search_page(client, q="fence")
        assert response.status_code == 200, persona.role
        assert hit_references(response.text) == [item.reference], persona.role


async def test_it_lists_the_search_page_in_the_staff_navigation(client, db, agent) -> None:
    await sign_in(client, agent)

    for path in ("/staff/board", "/staff/items", "/staff/search"):
        page = (await client.get(path)).text
        link = soup(page).select_one("header nav a#nav-search")
        assert link is not None and link["href"].endswith("/staff/search"), path
