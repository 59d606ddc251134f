"""In a real browser: the customer follows their feedback on the private tracking link,
replies there, and reads the staff answer — but never an internal note."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import send_feedback, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]

STATUS_WORDS = {
    "new": "Received — waiting for a team member",
    "assigned": "Assigned to a team member",
    "in_progress": "We are working on it",
    "waiting_on_customer": "Waiting for your reply",
}


def test_it_shows_the_conversation_and_public_answers_only(live_server, make_page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    customer, base = make_page(), live_server.url
    tracking = send_feedback(
        customer,
        base,
        "Wrong size in my parcel",
        "I ordered the shoes in 42 and got 44.",
        category="Product",
        name="Sam Okafor",
        email="sam.okafor@example.com",
    )
    reference = customer.inner_text("#reference")

    # The status in plain words, and nobody on it yet.
    customer.goto(tracking)
    expect(customer.locator("#status")).to_have_text(STATUS_WORDS["new"])
    expect(customer.locator("#handler")).to_have_text(
        "Not assigned yet — a team member will take it soon."
    )

    # The customer adds something; it is the latest message, shown as theirs.
    customer.fill("#body", "The box says 44 but the invoice says 42.")
    customer.click("form.reply button[type=submit]")
    customer.wait_for_url(re.compile(r"/t/[\w.-]+#latest$"))
    latest = customer.locator("#conversation #latest")
    expect(latest.locator(".body")).to_have_text("The box says 44 but the invoice says 42.")
    expect(latest.locator(".meta")).to_contain_text("You")
    expect(customer.locator("#conversation .message")).to_have_count(2)
    expect(customer.locator("#body")).to_have_value("")

    # An agent sees the reply, leaves an internal note, then answers publicly.
    staff = make_page()
    sign_in(staff, base, live_server.email)
    staff.goto(f"{base}/staff/items")
    staff.click(f"text={reference}")
    expect(staff.locator("ol.conversation .message").last).to_contain_text(
        "The box says 44 but the invoice says 42."
    )
    staff.fill("#body", "Warehouse mixed up two orders again, check the packing list.")
    staff.check("input[name=internal]")
    staff.click("form#reply button.primary")
    expect(staff.locator("ol.conversation .message.internal")).to_have_count(1)
    staff.fill("#body", "Sorry about that, Sam. A pair in size 42 is on its way today.")
    staff.click("form#reply button.primary")
    expect(staff.locator("ol.conversation .message.from-staff:not(.internal)")).to_have_count(1)

    # On reload the customer reads the answer, from a named person, and never the note.
    customer.reload()
    messages = customer.locator("#conversation .message")
    expect(messages).to_have_count(3)
    answer = messages.last
    expect(answer).to_have_class(re.compile(r"\bfrom-staff\b"))
    expect(answer.locator(".body")).to_have_text(
        "Sorry about that, Sam. A pair in size 42 is on its way today."
    )
    expect(answer.locator(".meta")).to_contain_text("Ana")
    assert "Warehouse" not in customer.content()
    status = customer.get_attribute("#status", "data-status") or ""
    expect(customer.locator("#status")).to_have_text(STATUS_WORDS[status])
    expect(customer.locator("#handler")).to_have_text("Ana")
    assert customer.console_errors == [] and staff.console_errors == []
