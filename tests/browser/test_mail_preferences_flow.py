"""In a real browser: an agent opens "E-mail me" from the navigation, turns target-warning
e-mails off (htmx swaps the form, no page load), and a choice left empty is refused in place.
"""

from __future__ import annotations

import pytest

from tests.browser.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_it_saves_a_choice_in_place_and_refuses_an_empty_one(live_server, browser_page) -> None:
    from playwright.sync_api import expect

    page = browser_page
    base = live_server.url
    sign_in(page, base, live_server.email, live_server.password)
    page.locator("header nav").get_by_role("link", name="E-mail me").click()
    page.wait_for_url(f"{base}/staff/notifications/e-mail")

    warnings = page.locator("fieldset#mail_warnings")
    expect(warnings.locator("input[value='1']")).to_be_checked()
    expect(page.locator("fieldset#mail_quiet_channels")).to_have_count(0)  # agents: none
    page.evaluate("() => { window.notReloaded = true; }")

    warnings.get_by_label("In-app only").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#notice")).to_contain_text("Saved")
    assert page.evaluate("() => window.notReloaded") is True  # swapped by htmx, not a new page

    page.reload()
    expect(page.locator("fieldset#mail_warnings input[value='0']")).to_be_checked()
    expect(page.locator("#notice")).to_have_count(0)

    # A choice left empty (no radio checked) comes back as a 422 that htmx swaps in.
    page.evaluate(
        "() => document.querySelectorAll('#mail_escalations input')"
        ".forEach(input => { input.checked = false; })"
    )
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#mail_escalations-error")).to_have_text(
        "Breaches and escalations: choose e-mail and in-app, or in-app only."
    )
    expect(page.locator("#error-summary")).to_be_visible()

    # Back as it was, for the other tests on this server.
    page.locator("fieldset#mail_warnings").get_by_label("E-mail and in-app").check()
    page.locator("fieldset#mail_escalations").get_by_label("E-mail and in-app").check()
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#notice")).to_contain_text("Saved")
    # The browser logs the refused save; nothing else (no CSP violation, no script error).
    assert page.console_errors == [
        "Failed to load resource: the server responded with a status of 422 "
        f"(Unprocessable Entity) ({base}/staff/notifications/e-mail)"
    ]
