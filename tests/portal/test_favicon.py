"""Every page links a small SVG icon, and `/favicon.ico` (asked for anyway) finds it."""

from __future__ import annotations

from xml.etree import ElementTree

from bs4 import BeautifulSoup


async def test_it_links_the_icon_from_every_page(client) -> None:
    page = BeautifulSoup((await client.get("/")).text, "html.parser")
    icon = page.find("link", rel="icon")
    assert icon is not None and icon["type"] == "image/svg+xml"
    assert icon["href"].endswith("/static/favicon.svg")
    served = await client.get(icon["href"])
    assert served.status_code == 200
    assert served.headers["content-type"].startswith("image/svg+xml")
    assert ElementTree.fromstring(served.text).tag == "{http://www.w3.org/2000/svg}svg"  # noqa: S314 (our own file)


async def test_it_redirects_favicon_ico_to_the_svg(client) -> None:
    response = await client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["location"].endswith("/static/favicon.svg")
    assert (await client.get("/favicon.ico", follow_redirects=True)).status_code == 200
