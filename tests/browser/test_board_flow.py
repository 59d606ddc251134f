"""In a real browser: feedback from the public form reaches the board, where an agent takes
it, moves it to "in progress" and sees its live countdown."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_it_takes_and_moves_a_card_on_the_board(live_server, browser_page) -> None:
    from playwright.sync_api import expect

    page = browser_page
    base = live_server.url

    # A customer sends a complaint.
    page.goto(f"{base}/feedback/new")
    page.check("input[name=kind][value=complaint]")
    page.select_option("#category", "Delivery")
    page.fill("#name", "Jo Park")
    page.fill("#email", "jo.park@example.com")
    page.fill("#subject", "Parcel arrived crushed")
    page.fill("#message", "The box was crushed and the vase inside is broken. Please help.")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/feedback/thanks/"))

    # An agent signs in and opens the board.
    page.goto(f"{base}/staff/sign-in")
    page.fill("#email", live_server.email)
    page.fill("#password", live_server.password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/board"))
    page.goto(f"{base}/staff/board")

    card = page.locator("article.board-card", has_text="Parcel arrived crushed")
    expect(card).to_have_count(1)
    card_id = card.get_attribute("id")
    assert card_id and card_id.startswith("card-")
    expect(page.locator(f"#column-new #{card_id}")).to_be_visible()
    expect(card.locator("time.due")).to_have_text(re.compile(r"^in (\d+d )?(\d+h )?\d+m$"))

    # Take it: the card comes back from htmx and the board moves it to "Assigned".
    card.get_by_role("button", name=re.compile(r"^Take")).click()
    expect(page.locator(f"#column-assigned #{card_id} .owner-name")).to_have_text(live_server.name)
    expect(page.locator(f"#column-new #{card_id}")).to_have_count(0)
    expect(page.locator("#column-assigned-title")).to_contain_text("(1)")

    # Move it to "In progress" with the card's own form.
    card = page.locator(f"#{card_id}")
    card.locator("summary").click()
    card.locator("select[name=status]").select_option("in_progress")
    card.get_by_role("button", name="Move").click()
    expect(page.locator(f"#column-in_progress #{card_id}")).to_be_visible()
    expect(page.locator("#board-notice")).to_contain_text("is now in progress")

    # The countdown is on the card, coloured by state, and counted down by board.js.
    due = page.locator(f"#{card_id} time.due")
    expect(due).to_have_text(re.compile(r"^in (\d+d )?(\d+h )?\d+m$"))
    assert re.fullmatch(r"due due-(ok|at_risk|breached)", due.get_attribute("class") or "")
    page.evaluate(
        "id => { const t = document.querySelector('#' + id + ' time.due');"
        " t.setAttribute('datetime', new Date(Date.now() - 25 * 60000 - 5000).toISOString()); }",
        card_id,
    )
    page.evaluate("() => document.dispatchEvent(new Event('htmx:afterSettle'))")
    expect(due).to_have_text("breached 25m ago")
    expect(due).to_have_class("due due-breached")

    assert page.console_errors == []  # no CSP violations, no script errors
