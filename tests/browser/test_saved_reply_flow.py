"""In a real browser: a manager writes a saved reply; a rep inserts it on an item (htmx),
edits it and sends it; the customer's tracking page shows it and the use is counted. Without
JavaScript the picker reloads the page with the reply box filled in."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import send_feedback, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

BODY = (
    "Hi {customer_first_name}, I have asked for the refund on {order_reference}. "
    "It reaches your card within 5 working days. {my_first_name}"
)


def test_it_inserts_edits_and_sends_a_saved_reply(live_server, make_page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    base = live_server.url
    customer = make_page()
    tracking = send_feedback(
        customer,
        base,
        "Refund for my returned kettle",
        "I sent the kettle back a week ago. When do I get my money?",
        name="Rosa Diaz",
        email="rosa.diaz@example.com",
    )
    reference = customer.inner_text("#reference")

    # The manager writes the saved reply; a mistake is shown next to the field first (htmx).
    manager = make_page()
    sign_in(manager, base, live_server.manager_email)
    manager.goto(f"{base}/manage/replies")
    expect(manager.locator("#no-replies")).to_be_visible()
    manager.fill("#title", "Browser refund timing")
    manager.fill("#body", "Hi {customer.name}")
    manager.click("#saved-reply-form button[type=submit]")
    expect(manager.locator("#body-error")).to_contain_text("{customer.name}")
    expect(manager.locator("#title")).to_have_value("Browser refund timing")
    manager.fill("#body", BODY)
    manager.click("#saved-reply-form button[type=submit]")
    expect(manager.locator("#notice")).to_contain_text("created")
    row = manager.locator("#saved-replies tbody tr").first
    expect(row.locator(".use-count")).to_have_text("0")

    # The rep inserts it: the reply box is filled in and has the cursor.
    staff = make_page()
    sign_in(staff, base, live_server.email)
    staff.goto(f"{base}/staff/items")
    staff.click(f"text={reference}")
    staff.wait_for_url(re.compile(r"/staff/items/\d+$"))
    staff_reply_url = staff.url.split("#")[0] + "/reply"
    staff.select_option("#saved-reply", label="Browser refund timing")
    staff.click("#saved-reply-insert")
    box = staff.locator("#body")
    expect(box).to_have_value(
        "Hi Rosa, I have asked for the refund on [order reference]. "
        "It reaches your card within 5 working days. Ana"
    )
    expect(box).to_be_focused()
    assert "/saved-reply" not in staff.url  # swapped in place, no page load

    # The gap must be filled before it can be sent.
    staff.click("form#reply button.primary")
    expect(staff.locator("#body-error")).to_contain_text("[order reference]")
    text = box.input_value().replace("[order reference]", "the kettle")
    box.fill(text + " Sorry it took so long.")
    staff.click("form#reply button.primary")
    expect(staff.locator("ol.conversation .message.from-staff")).to_have_count(1)

    sent = (
        "Hi Rosa, I have asked for the refund on the kettle. It reaches your card within 5 "
        "working days. Ana Sorry it took so long."
    )
    customer.goto(tracking)
    answer = customer.locator("#conversation .message.from-staff")
    expect(answer.locator(".body")).to_have_text(sent)

    manager.goto(f"{base}/manage/replies")
    expect(manager.locator("#saved-replies tbody tr").first.locator(".use-count")).to_have_text("1")
    # The only console errors are the two answers that were meant to be 422s.
    refused = "Failed to load resource: the server responded with a status of 422 "
    assert customer.console_errors == []
    assert staff.console_errors == [f"{refused}(Unprocessable Entity) ({staff_reply_url})"]
    assert manager.console_errors == [f"{refused}(Unprocessable Entity) ({base}/manage/replies)"]


def test_it_prefills_the_reply_without_javascript(live_server, make_page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    base = live_server.url
    customer = make_page()
    send_feedback(customer, base, "Where is my parcel", "Ordered ten days ago, still nothing.")
    reference = customer.inner_text("#reference")
    manager = make_page()
    sign_in(manager, base, live_server.manager_email)
    manager.goto(f"{base}/manage/replies")
    manager.fill("#title", "No-JS parcel answer")
    manager.fill("#body", "Hi {customer_first_name}, your parcel for {reference} is on its way.")
    manager.click("#saved-reply-form button[type=submit]")
    expect(manager.locator("#notice")).to_contain_text("created")

    staff = make_page(java_script_enabled=False)
    staff.goto(f"{base}/staff/sign-in")
    staff.fill("#email", live_server.email)
    staff.fill("#password", live_server.password)
    staff.click("main button[type=submit]")
    staff.goto(f"{base}/staff/items")
    staff.click(f"text={reference}")
    staff.fill("#body", "Thanks for your patience.")
    staff.select_option("#saved-reply", label="No-JS parcel answer")
    staff.click("#saved-reply-insert")
    # The draft stays above the inserted text, and nothing was sent yet.
    expect(staff.locator("#body")).to_have_value(
        f"Thanks for your patience.\n\nHi Jo, your parcel for {reference} is on its way."
    )
    expect(staff.locator("ol.conversation").first.locator(".message.from-staff")).to_have_count(0)
    staff.click("form#reply button.primary")
    expect(staff.locator("ol.conversation").first.locator(".message.from-staff")).to_have_count(1)


def _axe_violations(page) -> list[str]:  # noqa: ANN001
    """axe-core's WCAG 2.0/2.1 A and AA violations and best-practice findings on the page."""
    from axe_playwright_python.sync_playwright import Axe

    tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
    options = {"runOnly": {"type": "tag", "values": tags}, "resultTypes": ["violations"]}
    results = Axe().run(page, options=options).response
    return [
        f"{v['id']}: {v['help']} — " + "; ".join(" ".join(n["target"]) for n in v["nodes"][:4])
        for v in results["violations"]
    ]


def test_it_keeps_the_manage_pages_accessible(live_server, make_page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    pytest.importorskip("axe_playwright_python")  # the dev dependency of the axe audits
    base = live_server.url
    manager = make_page()
    sign_in(manager, base, live_server.manager_email)
    manager.goto(f"{base}/manage/replies?team=everyone")
    assert _axe_violations(manager) == [], "list (empty or filtered)"
    manager.fill("#title", "x" * 5)
    manager.fill("#body", "{0}")
    manager.click("#saved-reply-form button[type=submit]")
    expect(manager.locator("#body-error")).to_be_visible()
    assert _axe_violations(manager) == [], "form with a mistake"
    manager.fill("#title", "Axe checked reply")
    manager.fill("#body", "Hello {customer_first_name}")
    manager.click("#saved-reply-form button[type=submit]")
    expect(manager.locator("#notice")).to_contain_text("created")
    assert _axe_violations(manager) == [], "list with rows"
    manager.click("#saved-replies tbody tr >> text=Axe checked reply")
    expect(manager.locator("h1")).to_have_text("Axe checked reply")
    assert _axe_violations(manager) == [], "one reply"
