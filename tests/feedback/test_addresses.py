"""One rule for e-mail addresses: the public form, staff accounts and the outbox agree."""

from __future__ import annotations

import pytest

from feedback.addresses import ADDRESS_LIMIT, is_mail_address, normalise_email
from feedback.intake import validate_submission
from portal.auth import create_staff
from tests.conftest import PASSWORD, form_data
from triage.settings_forms import validate_new_staff

GOOD = [
    "jo@example.com",
    "jo.park+orders@mail.example.co.uk",
    "o'brien@example.ie",
    "李@例子.中国",
    "a" * (ADDRESS_LIMIT - len("@example.com")) + "@example.com",
]
BAD = [
    "",
    "jo",
    "jo@localhost",  # no top-level domain
    "jo@example.c",  # a one-letter one
    "jo@@example.com",
    "jo park@example.com",
    "jo@example.com\n",  # a trailing line break
    "jo@example.com\r\nBcc: x@example.org",
    "Jo <jo@example.com>",  # a display name
    '"jo"@example.com',
    "jo,ann@example.com",  # two recipients in a header
    "jo;ann@example.com",
    "jo(x)@example.com",
    "jo@[127.0.0.1]",
    "jo\\x@example.com",
    "jo@example.",
    "a" * (ADDRESS_LIMIT + 1 - len("@example.com")) + "@example.com",
]


@pytest.mark.parametrize("address", GOOD)
def test_it_accepts_a_plain_address(address: str) -> None:
    assert is_mail_address(address)


@pytest.mark.parametrize("address", BAD)
def test_it_refuses_what_the_outbox_could_not_send(address: str) -> None:
    assert not is_mail_address(address)


@pytest.mark.parametrize("address", GOOD + BAD)
def test_the_form_the_staff_accounts_and_the_outbox_agree(address: str) -> None:
    mailable = is_mail_address(address.strip())
    _submission, form_errors = validate_submission(
        form_data(email=address), categories=["Delivery"], touchpoints=["Website"]
    )
    _values, staff_errors = validate_new_staff(
        {"email": address, "name": "Kim", "role": "agent", "password": "x" * 10},
        allowed_roles=["agent"],
    )
    assert ("email" not in form_errors) is mailable
    assert ("email" not in staff_errors) is mailable


def test_it_normalises_one_way_for_customers_and_staff() -> None:
    assert normalise_email("  Jo.Park@Example.COM ") == "jo.park@example.com"


async def test_a_staff_account_needs_a_mailable_address(db) -> None:
    with pytest.raises(ValueError, match="not an e-mail address"):
        await create_staff("mia@localhost", "Mia", PASSWORD)
    created = await create_staff(" Mia@Example.TEST ", "Mia", PASSWORD)
    assert created.email == "mia@example.test"
