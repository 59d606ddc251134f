"""In a real browser: a customer attaches a photo and a receipt on the form; staff see them
on the item (the photo as a preview) and download the receipt; the customer sees them too."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import sign_in
from tests.feedback.attachment_helpers import PDF, PNG

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def test_a_customer_s_photo_reaches_staff(live_server, make_page) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    base = live_server.url
    customer = make_page()
    customer.goto(f"{base}/feedback/new")
    customer.check("input[name=kind][value=complaint]")
    customer.select_option("#category", "Product")
    customer.fill("#name", "Lena Berg")
    customer.fill("#email", "lena.berg@example.com")
    customer.fill("#subject", "Mug arrived broken")
    customer.fill("#message", "The handle was off when I opened the box. Photo attached.")
    customer.set_input_files(
        "#files",
        files=[
            {"name": "broken mug.png", "mimeType": "image/png", "buffer": PNG},
            {"name": "receipt.pdf", "mimeType": "application/pdf", "buffer": PDF},
        ],
    )
    customer.click("button[type=submit].primary")
    customer.wait_for_url(re.compile(r"/feedback/thanks/"))
    reference = customer.inner_text("#reference")
    tracking = customer.get_attribute("#tracking-link", "href") or ""

    staff = make_page()
    sign_in(staff, base, live_server.email)
    staff.goto(f"{base}/staff/items")
    staff.click(f"text={reference}")
    staff.wait_for_url(re.compile(r"/staff/items/\d+$"))
    files = staff.locator("ol.conversation .attachment")
    expect(files).to_have_count(2)
    expect(files.nth(0).locator(".file-name")).to_have_text("broken mug.png")
    expect(files.nth(0).locator(".file-meta")).to_contain_text("PNG")
    preview = files.nth(0).locator("img")
    expect(preview).to_be_visible()
    assert preview.evaluate("img => img.complete && img.naturalWidth") == 1  # the CSP allows it
    with staff.expect_download() as download_info:
        files.nth(1).locator(".file-name").click()
    download = download_info.value
    assert download.suggested_filename == "receipt.pdf"
    with open(download.path(), "rb") as saved:
        assert saved.read() == PDF
    assert staff.console_errors == []  # type: ignore[attr-defined]

    customer.goto(tracking)
    expect(customer.locator("#conversation .attachment .file-name")).to_have_text(
        ["broken mug.png", "receipt.pdf"]
    )
    assert customer.console_errors == []  # type: ignore[attr-defined]
