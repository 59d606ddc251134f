"""In a real browser: an agent writing a reply while the customer writes back is shown the
customer's new message before anything is sent, and sends on the second press."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import send_feedback, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_it_holds_the_reply_until_the_agent_has_read_the_new_message(
    live_server,  # noqa: ANN001
    make_page,  # noqa: ANN001
) -> None:
    from playwright.sync_api import expect

    customer, base = make_page(), live_server.url
    tracking = send_feedback(
        customer,
        base,
        "Parcel not here",
        "My parcel was due on Monday and has not come.",
        category="Delivery",
        name="Ines Duarte",
        email="ines.duarte@example.com",
    )
    reference = customer.inner_text("#reference")

    staff = make_page()
    sign_in(staff, base, live_server.email)
    staff.goto(f"{base}/staff/items")
    staff.click(f"text={reference}")
    staff.fill("#body", "Sorry Ines, I have asked the courier and will refund the postage.")

    # Meanwhile the customer writes back from the tracking page.
    customer.goto(tracking)
    customer.fill("#body", "Never mind, it came this morning!")
    customer.click("form.reply button[type=submit]")
    customer.wait_for_url(re.compile(r"#latest$"))

    staff.click("form#reply button.primary")
    expect(staff.locator("#body-error")).to_contain_text("Not sent yet")
    expect(staff.locator("li.message.new .body")).to_have_text("Never mind, it came this morning!")
    expect(staff.locator("#body")).to_have_value(
        "Sorry Ines, I have asked the courier and will refund the postage."
    )
    expect(staff.locator("#body")).to_be_focused()

    # Having read it, the agent rewrites and sends; it goes through.
    staff.fill("#body", "Glad it arrived, Ines!")
    staff.click("form#reply button.primary")
    staff.wait_for_url(re.compile(r"#conversation$"))
    expect(staff.locator("ol.conversation .message").last).to_contain_text("Glad it arrived")
    customer.goto(tracking)
    expect(customer.locator("#conversation")).not_to_contain_text("refund the postage")
    expect(customer.locator("#conversation")).to_contain_text("Glad it arrived, Ines!")
