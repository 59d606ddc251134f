"""In a real browser: an agent finds that two customer records are one person, checks what a
merge would do, confirms, and sees one timeline; new feedback from the other address joins it."""

from __future__ import annotations

import pytest

from tests.browser.conftest import send_feedback, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.slow]


@pytest.mark.parametrize("javascript", [True, False], ids=["htmx", "no-js"])
def test_it_merges_two_records_into_one_timeline(live_server, make_page, javascript) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    base, suffix = live_server.url, "js" if javascript else "nojs"
    home, work = f"noor.{suffix}@home.example", f"noor.{suffix}@work.example"
    customer = make_page()
    send_feedback(customer, base, "Broken kettle", "The kettle leaks.", email=home, name="Noor Ali")
    reference = customer.inner_text("#reference")
    send_feedback(customer, base, "Invoice wrong", "Billed twice.", email=work, name="N. Ali")

    staff = make_page(java_script_enabled=javascript)
    sign_in(staff, base, live_server.email)
    staff.goto(f"{base}/staff/items")
    staff.click(f"text={reference}")
    staff.click("a[href*='/staff/customers/']")
    expect(staff.locator("#history > li")).to_have_count(1)

    staff.fill("#merge-email", work)
    staff.click("#merge button[type=submit]")
    preview = staff.locator("#merge-preview")
    expect(preview).to_contain_text("Merge N. Ali")
    expect(preview).to_contain_text("1 item moves")
    staff.click("#merge-preview button[type=submit]")
    expect(staff.locator("#history > li")).to_have_count(2)
    expect(staff.locator("#history")).to_contain_text("Invoice wrong")

    send_feedback(customer, base, "Still billed twice", "Again.", email=work, name="N. Ali")
    staff.reload()
    expect(staff.locator("#history > li")).to_have_count(3)
