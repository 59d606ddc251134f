"""In a real browser: a manager resolves an item, the customer rates the answer on the
tracking page, and the satisfaction figure on the dashboard changes."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def _sign_in(page, base: str, email: str, password: str) -> None:  # noqa: ANN001
    page.goto(f"{base}/staff/sign-in")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r"/staff/board"))


def test_it_resolves_rates_and_updates_the_dashboard(live_server, browser_page) -> None:  # noqa: ANN001
    page, base = browser_page, live_server.url

    # The customer complains on the public form and keeps the tracking link.
    page.goto(f"{base}/")
    page.check("input[name=kind][value=complaint]")
    page.select_option("#category", "Billing")
    page.fill("#name", "Rosa Diaz")
    page.fill("#email", "rosa@example.com")
    page.fill("#subject", "Charged twice for one order")
    page.fill("#message", "My card was charged twice for order 4411. Please refund one charge.")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/feedback/thanks/"))
    tracking = page.get_attribute("#tracking-link", "href")
    reference = page.inner_text("#reference")

    # The manager sees no satisfaction figure yet.
    _sign_in(page, base, live_server.manager_email, live_server.password)
    page.goto(f"{base}/manager")
    assert page.inner_text("#tile-satisfaction .tile-value").strip() == "—"

    # ... opens the item and resolves it with a real message.
    page.goto(f"{base}/staff/items")
    page.click(f"text={reference}")
    page.click("#resolve summary")
    page.check("#resolve-outcome-resolved")
    page.select_option("#resolve-root_cause", "Our own policy or process")
    page.fill("#resolve-remedy", "Refunded the second charge")
    page.fill("#resolve-remedy_amount", "49.90")
    page.fill("#resolve-effort_minutes", "15")
    page.fill(
        "#resolve-message",
        "Our payment system retried your order and charged you twice. I have refunded the "
        "second charge of 49.90; it shows on your statement within three working days.",
    )
    page.click("#resolve-form button[type=submit]")
    page.wait_for_selector("#resolutions")

    # The customer reads the answer and rates it, without an account.
    customer = page.context.browser.new_context(locale="en-GB", timezone_id="UTC").new_page()
    customer.goto(tracking)
    assert customer.inner_text("#status") == "Resolved"
    assert "refunded the second charge" in customer.inner_text("#conversation")
    customer.check("#satisfaction input[value='5']")
    customer.check("#recommend input[value='9']")
    customer.fill("#survey-comment", "Quick and clear, thank you.")
    customer.click("#survey button[type=submit]")
    customer.wait_for_selector("#survey-notice")
    assert customer.is_checked("#satisfaction input[value='5']")  # still changeable
    customer.context.close()

    # The figure on the dashboard has changed.
    page.goto(f"{base}/manager")
    assert page.inner_text("#tile-satisfaction .tile-value").strip() == "5.0 / 5"
    assert page.inner_text("#tile-nps .tile-value").strip() == "+100"
    assert page.console_errors == []  # type: ignore[attr-defined]
