"""In a real browser: an admin downloads a customer's data, then erases it from the customer
page (a mistyped confirmation is shown in place by htmx first); the customer's tracking link
then says the conversation was erased."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import (
    CHROMIUM,
    STAFF_PASSWORD,
    send_feedback,
    serve_portal,
    sign_in,
)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ADMIN_EMAIL = "sam@example.test"


@pytest.fixture(scope="module")
def admin_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A portal of its own with one admin (the shared live server has none)."""
    if not CHROMIUM.exists():
        pytest.skip("browser tests need Debian's chromium at /usr/bin/chromium")

    def setup(portal) -> None:  # noqa: ANN001
        portal(
            "create-user", ADMIN_EMAIL, "Sam Admin", "--role", "admin", "--password", STAFF_PASSWORD
        )

    with serve_portal(tmp_path_factory.mktemp("privacy-var"), setup) as url:
        yield url


def test_an_admin_erases_a_customer_from_the_customer_page(
    admin_site: str, make_page, tmp_path: Path
) -> None:  # noqa: ANN001
    from playwright.sync_api import expect

    base = admin_site
    customer = make_page()
    tracking = send_feedback(
        customer,
        base,
        "Kettle leaks",
        "The kettle from order K-7781 leaks from the bottom.",
        name="Lena Fischer",
        email="lena.fischer@example.com",
    )
    reference = customer.inner_text("#reference")

    admin = make_page(accept_downloads=True)
    sign_in(admin, base, ADMIN_EMAIL)
    admin.goto(f"{base}/staff/items")
    admin.click(f"text={reference}")
    admin.wait_for_url(re.compile(r"/staff/items/\d+$"))
    admin.click("main a[href*='/staff/customers/']")
    admin.wait_for_url(re.compile(r"/staff/customers/\d+$"))
    customer_url = admin.url

    # The data-access request: one JSON file.
    with admin.expect_download() as download_info:
        admin.click("#export-form button[type=submit]")
    download = download_info.value
    assert re.fullmatch(r"customer-\d+-\d{4}-\d\d-\d\d\.json", download.suggested_filename)
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    data = json.loads(saved.read_text())
    assert data["customer"]["email"] == "lena.fischer@example.com"
    assert data["items"][0]["messages"][0]["text"].startswith("The kettle from order K-7781")

    # The erasure: a wrong address is refused in place, the right one erases.
    admin.click("#erase-link")
    admin.wait_for_url(re.compile(r"/erase$"))
    expect(admin.locator("#erase-effects")).to_contain_text("erased customer #")
    admin.fill("#confirm_email", "lena@example.com")
    admin.click("#erase-form button[type=submit]")
    expect(admin.locator("#confirm-error")).to_have_text(
        "That is not this customer's e-mail address."
    )
    expect(admin.locator("#confirm_email")).to_have_value("lena@example.com")
    assert admin.url.endswith("/erase")  # swapped in place, no page load
    admin.fill("#confirm_email", "Lena.Fischer@example.com")
    admin.click("#erase-form button[type=submit]")
    admin.wait_for_url(customer_url + "#personal-data")
    expect(admin.locator("#erased-notice")).to_contain_text("by Sam Admin")
    expect(admin.locator("h1")).to_have_text(re.compile(r"^erased customer #\d+$"))
    expect(admin.locator("#history")).not_to_contain_text("Kettle leaks")
    expect(admin.locator("#erase-link")).to_have_count(0)

    # The customer's private link now says what happened instead of failing.
    customer.goto(tracking)
    expect(customer.locator("h1")).to_have_text("This conversation was erased")
    expect(customer.locator("#erased")).to_be_visible()

    assert admin.console_errors == [  # type: ignore[attr-defined]
        "Failed to load resource: the server responded with a status of 422 "
        f"(Unprocessable Entity) ({customer_url}/erase)"  # the refused confirmation
    ]
    assert customer.console_errors == [  # type: ignore[attr-defined]
        f"Failed to load resource: the server responded with a status of 410 (Gone) ({tracking})"
    ]
