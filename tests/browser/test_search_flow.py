"""In a real browser: an agent finds what a customer wrote, live as they type (htmx) and with
the plain form when JavaScript is off; the results page passes an axe-core audit."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

MESSAGE = "The blender caught fire on day two. Your manual says <b>never</b> leave it running."


def _send_feedback(page, base: str) -> None:  # type: ignore[no-untyped-def]
    page.goto(f"{base}/feedback/new")
    page.check("input[name=kind][value=complaint]")
    page.select_option("#category", "Product")
    page.fill("#name", "Dana Whitfield")
    page.fill("#email", "dana.whitfield@example.com")
    page.fill("#subject", "Blender incident")
    page.fill("#message", MESSAGE)
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/feedback/thanks/"))


def test_it_shows_results_while_the_agent_types(live_server, make_page) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    customer = make_page()
    _send_feedback(customer, base)

    page = make_page()
    sign_in(page, base, live_server.email)
    page.wait_for_url(re.compile(r"/staff/"))
    page.get_by_role("link", name="Search", exact=True).click()
    page.wait_for_url(re.compile(r"/staff/search"))
    expect(page.locator("#search-empty")).to_be_visible()

    page.locator("#search-q").press_sequentially("caught fire", delay=30)

    hit = page.locator("li.search-hit", has_text="Blender incident")
    expect(hit).to_have_count(1)
    expect(hit.locator("p.snippet mark")).to_have_text(["caught", "fire"])
    expect(hit.locator("p.snippet")).to_contain_text("<b>never</b>")  # shown as text
    expect(page).to_have_url(re.compile(r"q=caught(\+|%20)fire"))
    assert page.console_errors == []  # type: ignore[attr-defined]

    # A filter change searches again: nothing like it among closed items.
    page.select_option("#search-status", "closed")
    expect(page.locator("#search-none")).to_be_visible()
    expect(page.locator("li.search-hit")).to_have_count(0)


def test_it_searches_with_the_plain_form_without_javascript(live_server, make_page) -> None:
    from playwright.sync_api import expect

    base = live_server.url
    customer = make_page()
    _send_feedback(customer, base)
    page = make_page(java_script_enabled=False)
    sign_in(page, base, live_server.email)
    page.wait_for_url(re.compile(r"/staff/"))
    page.goto(f"{base}/staff/search")

    page.fill("#search-q", "dana.whitfield@example.com")
    page.click("#search-form button[type=submit]")

    page.wait_for_url(re.compile(r"/staff/search\?q=dana"))
    expect(page.locator("li.search-hit").first).to_contain_text("Dana Whitfield")
    expect(page.locator("li.search-hit .source").first).to_have_text("in the customer's details:")


def test_it_has_no_wcag_violations_on_the_results(live_server, make_page) -> None:
    from axe_playwright_python.sync_playwright import Axe

    base = live_server.url
    customer = make_page()
    _send_feedback(customer, base)
    page = make_page()
    sign_in(page, base, live_server.email)
    page.wait_for_url(re.compile(r"/staff/"))
    page.goto(f"{base}/staff/search?q=blender")
    page.wait_for_load_state("load")

    options = {
        "runOnly": {
            "type": "tag",
            "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"],
        },
        "resultTypes": ["violations"],
    }
    violations = Axe().run(page, options=options).response["violations"]

    assert [f"{v['id']}: {' '.join(v['nodes'][0]['target'])}" for v in violations] == []
