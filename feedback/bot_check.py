"""Keep automated junk off the board without ever losing a person's feedback.

The public form needs no account, so scripts find it. Two cheap signs of a script, neither of
which a person meets in practice:

* a **honeypot** field (:data:`HONEYPOT_FIELD`) that people never see or reach — it sits off
  screen, hidden from screen readers and out of the tab order — but form-filling scripts do;
* a form sent back **faster than a person types** (:data:`DEFAULT_MIN_SECONDS`), measured from
  a signed time the form carries (:data:`STARTED_FIELD`), so a script cannot fake it.

Neither submission is stored, and each is logged. A filled honeypot gets the usual thank-you
page, so the script believes it worked. A form sent back too fast might be a person with
autofill, so it comes back with everything typed still in it and a plain request to check and
send again (:data:`HELD_BACK`); the second press is slower than the limit and goes through.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Protocol

from portal.i18n import N_

log = logging.getLogger("portal.bot_check")

HONEYPOT_FIELD = "website"
STARTED_FIELD = "form_started"
STARTED_PURPOSE = "form-started"
DEFAULT_MIN_SECONDS = 3
HELD_BACK = N_("Please check your message and press Send again.")


class _Signer(Protocol):
    def sign(self, value: Any, purpose: str) -> str: ...

    def unsign(self, token: str, purpose: str) -> Any: ...


def form_started(signer: _Signer, now: datetime) -> str:
    """The signed time a form was shown, for its :data:`STARTED_FIELD`."""
    return signer.sign(int(now.timestamp()), purpose=STARTED_PURPOSE)


def carried_form_started(signer: _Signer, token: str, now: datetime) -> str:
    """The form time for a form shown again: the first showing's, when the form sent a valid
    one, so a person pressing Send again at once is not held back twice; else a new one.
    """
    if _seconds_since_shown(signer, token[:200], now) is not None:
        return token
    return form_started(signer, now)


def _seconds_since_shown(signer: _Signer, token: str, now: datetime) -> float | None:
    try:
        shown = signer.unsign(token, purpose=STARTED_PURPOSE)
    except Exception:  # noqa: BLE001 - any tampering or garbage means "no valid time"
        return None
    if not isinstance(shown, int):
        return None
    return now.timestamp() - shown


def automated_sign(
    form: Mapping[str, Any], signer: _Signer, now: datetime, min_seconds: int
) -> str | None:
    """Why this submission looks automated ("honeypot", "too fast", "no form time"), or None.

    `min_seconds` 0 turns the timing check off (the honeypot still applies).
    """
    if str(form.get(HONEYPOT_FIELD) or "").strip():
        return "honeypot"
    if min_seconds <= 0:
        return None
    elapsed = _seconds_since_shown(signer, str(form.get(STARTED_FIELD) or "")[:200], now)
    if elapsed is None:
        return "no form time"
    if elapsed < min_seconds:
        return "too fast"
    return None


def log_held_back(reason: str, client: str) -> None:
    """Say in the log that a submission was held back, and why (never silently)."""
    log.info("held back a likely automated submission from %s: %s", client or "?", reason)
