"""In a real browser: the board's bulk bar says what is missing instead of doing nothing, and
its status picker offers no Resolved."""

from __future__ import annotations

import pytest

from tests.browser.conftest import send_feedback, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_it_asks_for_a_selection_before_a_bulk_change(live_server, browser_page) -> None:
    from playwright.sync_api import expect

    page = browser_page
    base = live_server.url
    send_feedback(
        page,
        base,
        "Bulk bar check",
        "Nothing ticked yet, so nothing may change.",
        name="Sam Bulk",
        email="sam.bulk@example.com",
    )
    sign_in(page, base, live_server.email)
    page.goto(f"{base}/staff/board")
    card = page.locator("article.board-card", has_text="Bulk bar check")
    expect(card).to_have_count(1)
    before = card.locator("select[name=status]").input_value()
    assert "resolved" not in page.locator("#bulk-status option").evaluate_all(
        "options => options.map(o => o.value)"
    )

    bulk_posts: list[str] = []
    page.on("request", lambda r: bulk_posts.append(r.method) if "/board/bulk" in r.url else None)
    page.select_option("#bulk-status", "in_progress")
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator("#board-notice")).to_have_text("Select at least one card first.")
    assert bulk_posts == ["POST"]  # the server answered, and said why
    expect(card.locator("select[name=status]")).to_have_value(before)
    expect(page.locator("#bulk-status")).to_have_value("in_progress")  # kept to try again

    # With the card ticked the same choice applies.
    card.locator("input[name=item_ids]").check()
    page.get_by_role("button", name="Apply to selected").click()
    expect(page.locator("#board-notice")).to_have_text("1 changed.")
    moved = page.locator("article.board-card", has_text="Bulk bar check")
    expect(moved.locator("select[name=status]")).to_have_value("in_progress")

    status_422 = "the server responded with a status of 422"
    assert [e for e in page.console_errors if status_422 not in e] == []
