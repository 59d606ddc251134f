"""In a real browser, with and without JavaScript: a customer sends the public form with
mistakes, sees what to fix next to each field with nothing typed lost, fixes it and gets the
reference and the private tracking link."""

from __future__ import annotations

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_it_explains_mistakes_keeps_the_text_and_then_confirms(
    live_server,  # noqa: ANN001
    make_page,  # noqa: ANN001
    javascript: bool,
) -> None:
    from playwright.sync_api import expect

    page = make_page(java_script_enabled=javascript)
    page.goto(f"{live_server.url}/")
    page.check("input[name=kind][value=question]")
    page.select_option("#category", "Billing")
    page.fill("#name", "Lena Fischer")
    page.fill("#email", "lena.fischer@example")  # no top-level domain
    page.fill("#phone", "+49 30 1234567")
    page.fill("#order_reference", "INV-2211")
    page.select_option("#touchpoint", "Website")
    page.fill("#subject", "Which invoice is the right one?")
    # The message is left empty.
    page.click("button[type=submit].primary")

    # The form comes back: a summary that takes the focus and is announced, and each
    # mistake next to its field, tied to it for screen readers.
    summary = page.locator("#error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_have_attribute("role", "alert")
    expect(summary).to_be_focused()
    links = summary.locator("a")
    assert [links.nth(i).get_attribute("href") for i in range(links.count())] == [
        "#email",
        "#message",
    ]
    expect(page.locator("#email-error")).to_have_text(
        "Enter an e-mail address like name@example.com."
    )
    expect(page.locator("#message-error")).to_have_text("Write your message.")
    expect(page.locator("#email")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#email")).to_have_attribute("aria-describedby", "email-error")
    expect(page.locator("#message")).to_have_attribute(
        "aria-describedby", "message-hint message-error"
    )
    expect(page.locator("#name")).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator(".error")).to_have_count(2)

    # Everything typed is still there.
    expect(page.locator("input[name=kind][value=question]")).to_be_checked()
    expect(page.locator("#category")).to_have_value("Billing")
    expect(page.locator("#name")).to_have_value("Lena Fischer")
    expect(page.locator("#email")).to_have_value("lena.fischer@example")
    expect(page.locator("#phone")).to_have_value("+49 30 1234567")
    expect(page.locator("#order_reference")).to_have_value("INV-2211")
    expect(page.locator("#touchpoint")).to_have_value("Website")
    expect(page.locator("#subject")).to_have_value("Which invoice is the right one?")

    # Fixed, it goes through to the confirmation.
    page.fill("#email", "lena.fischer@example.de")
    page.fill("#message", "I received two invoices for INV-2211 with different totals.")
    page.click("button[type=submit].primary")
    page.wait_for_url(re.compile(r"/feedback/thanks/"))
    reference = page.inner_text("#reference")
    assert re.fullmatch(r"FB-[0-9A-Z]{6}", reference)
    tracking = page.get_attribute("#tracking-link", "href") or ""
    assert re.fullmatch(rf"{re.escape(live_server.url)}/t/[\w.-]+", tracking)
    assert page.inner_text("#tracking-link") == tracking

    # The link is the customer's private page for this message.
    page.goto(tracking)
    expect(page.locator("h1")).to_have_text("Which invoice is the right one?")
    expect(page.locator("#conversation .message")).to_have_count(1)
    assert reference in page.inner_text("main")
    assert page.console_errors == [
        f"Failed to load resource: the server responded with a status of 422 "
        f"(Unprocessable Entity) ({live_server.url}/feedback)"
    ]


def test_it_links_every_mistake_in_the_summary_to_its_field(live_server, browser_page) -> None:  # noqa: ANN001
    page = browser_page
    page.goto(f"{live_server.url}/feedback/new")
    page.click("button[type=submit].primary")  # nothing filled in
    page.wait_for_selector("#error-summary")
    targets = page.eval_on_selector_all(
        "#error-summary a",
        "links => links.map(a => [a.getAttribute('href'),"
        " document.querySelector(a.getAttribute('href'))?.tagName ?? null])",
    )
    assert [href for href, _ in targets] == [
        "#kind",
        "#category",
        "#name",
        "#email",
        "#subject",
        "#message",
    ]
    assert [href for href, tag in targets if tag not in ("INPUT", "SELECT", "TEXTAREA")] == []
