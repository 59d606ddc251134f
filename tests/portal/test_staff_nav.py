"""The staff menu: on every staff page, Settings for managers, the current section marked."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from tests.conftest import sign_in


def _menu(response) -> dict[str, str | None]:
    nav = BeautifulSoup(response.text, "html.parser").find("nav", attrs={"aria-label": "Main"})
    return {
        " ".join(a.get_text().split()): a.get("aria-current") for a in nav.find_all("a", href=True)
    }


@pytest.mark.parametrize("path", ["/staff/board", "/manager", "/manage", "/staff/at-risk"])
async def test_it_offers_settings_to_a_manager_on_every_page(client, manager, path) -> None:
    await sign_in(client, manager)
    menu = _menu(await client.get(path))
    assert {"Board", "Dashboard", "At risk", "Settings"} <= set(menu)
    # One menu: the settings pages no longer add a second Settings link of their own.
    nav = BeautifulSoup((await client.get(path)).text, "html.parser").find(
        "nav", attrs={"aria-label": "Main"}
    )
    assert [a.get_text() for a in nav.find_all("a")].count("Settings") == 1


async def test_it_shows_an_agent_no_manager_links(client, agent) -> None:
    await sign_in(client, agent)
    menu = _menu(await client.get("/staff/board"))
    assert "Board" in menu and "Search" in menu
    assert not {"Dashboard", "At risk", "Settings"} & set(menu)


@pytest.mark.parametrize(
    ("path", "link", "current"),
    [
        ("/staff/board", "Board", "page"),
        ("/staff/search", "Search", "page"),
        ("/manage", "Settings", "page"),
        ("/manage/teams", "Settings", "true"),
        ("/manager", "Dashboard", "page"),
    ],
)
async def test_it_marks_the_section_being_viewed(client, manager, path, link, current) -> None:
    await sign_in(client, manager)
    menu = _menu(await client.get(path))
    assert menu[link] == current
    assert [name for name, mark in menu.items() if mark] == [link]
