"""Telling a script from a person on the public form: the honeypot and the signed form time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from feedback.bot_check import HONEYPOT_FIELD, STARTED_FIELD, automated_sign, form_started
from portal.security import Signer

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SIGNER = Signer("a-test-secret-key-that-is-long-enough")


def _form(shown_seconds_ago: float | None = 30, **fields: str) -> dict[str, str]:
    form = {"subject": "Parcel late"}
    if shown_seconds_ago is not None:
        form[STARTED_FIELD] = form_started(SIGNER, NOW - timedelta(seconds=shown_seconds_ago))
    return {**form, **fields}


@pytest.mark.parametrize(
    ("form", "expected"),
    [
        (_form(), None),
        (_form(3), None),  # exactly the limit is a person
        (_form(2), "too fast"),
        (_form(None), "no form time"),
        (_form(30, **{STARTED_FIELD: "garbage"}), "no form time"),
        (_form(30, **{HONEYPOT_FIELD: "http://spam.example"}), "honeypot"),
        (_form(30, **{HONEYPOT_FIELD: "   "}), None),
    ],
    ids=["person", "at the limit", "too fast", "no time", "tampered", "honeypot", "blank pot"],
)
def test_it_tells_scripts_from_people(form, expected) -> None:
    assert automated_sign(form, SIGNER, NOW, min_seconds=3) == expected


def test_it_refuses_a_time_signed_for_something_else() -> None:
    forged = SIGNER.sign(int(NOW.timestamp()) - 60, purpose="tracking-link")
    assert automated_sign({STARTED_FIELD: forged}, SIGNER, NOW, 3) == "no form time"


def test_it_refuses_a_time_signed_with_another_key() -> None:
    other = Signer("another-secret-key-that-is-long-enough")
    token = form_started(other, NOW - timedelta(minutes=5))
    assert automated_sign({STARTED_FIELD: token}, SIGNER, NOW, 3) == "no form time"


def test_zero_seconds_turns_the_timing_off_but_not_the_honeypot() -> None:
    assert automated_sign({}, SIGNER, NOW, min_seconds=0) is None
    assert automated_sign({HONEYPOT_FIELD: "x"}, SIGNER, NOW, min_seconds=0) == "honeypot"
