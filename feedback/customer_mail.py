"""E-mail to customers: what they are told, written to the outbox with the action behind it.

`queue_*` are called inside the transaction of the submission, public reply or resolution,
so the mail exists exactly when the action does (`feedback.outbox` sends it afterwards).
Each mail is written in the item's language (the one the customer used on the form), with
a plain-text part and an HTML part from autoescaped templates under `templates/mail/`.
Only customers with an e-mail address get mail; internal notes never make one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from feedback.addresses import is_mail_address
from feedback.models import Customer, FeedbackItem, OutboxMail
from portal import i18n
from portal.i18n import N_

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
#: Outbox kinds a customer gets (and may answer by mail); staff mails never thread.
CUSTOMER_KINDS = ("confirmation", "staff_reply", "resolution")
SUBJECT_LIMIT = 255
NAME_LIMIT = 120
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u2028\u2029]+")

_env = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    # HTML bodies are escaped; the text part is plain text (nothing there is markup).
    autoescape=select_autoescape(["html"], default=False, default_for_string=False),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)
_env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]


@dataclass(frozen=True)
class CustomerLinks:
    """Absolute links for mails; the web layer knows its routes, base URL and signing key."""

    tracking: Callable[[FeedbackItem], str]

    def survey(self, item: FeedbackItem) -> str:
        return f"{self.tracking(item)}#survey"


def header_text(value: str, limit: int = SUBJECT_LIMIT) -> str:
    """One line for a mail header: line breaks and control characters become spaces."""
    return " ".join(_CONTROL.sub(" ", value).split())[:limit]


async def _queue(
    kind: str,
    item: FeedbackItem,
    customer: Customer,
    subject: str,
    subject_values: dict[str, Any],
    context: dict[str, Any],
    now: datetime,
) -> OutboxMail | None:
    address = customer.email.strip()
    if not address or not is_mail_address(address):
        return None
    with i18n.use_language(item.language) as language:
        values = {
            "item": item,
            "name": header_text(customer.name, NAME_LIMIT),
            "language": language,
            **context,
        }
        text = _env.get_template(f"mail/{kind}.txt").render(values)
        html = _env.get_template(f"mail/{kind}.html").render(values)
        title = header_text(i18n.gettext(subject) % subject_values)
    return await OutboxMail.create(
        kind=kind,
        item=item,
        to_address=address,
        to_name=header_text(customer.name, NAME_LIMIT),
        subject=title,
        body_text=text,
        body_html=html,
        language=language,
        next_attempt_at=now,
        created_at=now,
    )


async def queue_confirmation(
    item: FeedbackItem, customer: Customer, links: CustomerLinks, *, now: datetime
) -> OutboxMail | None:
    """After a submission: the reference and the private tracking link."""
    return await _queue(
        "confirmation",
        item,
        customer,
        N_("We received your message %(reference)s: %(subject)s"),
        {"reference": item.reference, "subject": item.subject},
        {"tracking_url": links.tracking(item)},
        now,
    )


async def queue_staff_reply(
    item: FeedbackItem,
    customer: Customer,
    staff_name: str,
    body: str,
    links: CustomerLinks,
    *,
    now: datetime,
    files: Sequence[tuple[int, str]] = (),
) -> OutboxMail | None:
    """A public staff reply (never an internal note): the reply and the tracking link.

    Attached `files` (id, name) are listed as links to the tracking page's download, never
    sent as mail attachments.
    """
    tracking_url = links.tracking(item)
    return await _queue(
        "staff_reply",
        item,
        customer,
        N_("You have a reply on %(reference)s"),
        {"reference": item.reference},
        {
            "staff_name": staff_name.split()[0] if staff_name.strip() else "",
            "body": body,
            "tracking_url": tracking_url,
            "files": [(name, f"{tracking_url}/files/{file_id}") for file_id, name in files],
        },
        now,
    )


async def queue_resolution(
    item: FeedbackItem,
    customer: Customer,
    outcome_words: str,
    message: str,
    links: CustomerLinks,
    *,
    now: datetime,
) -> OutboxMail | None:
    """On resolving: the outcome, the rep's message and the link to rate the answer."""
    return await _queue(
        "resolution",
        item,
        customer,
        N_("Our answer on %(reference)s"),
        {"reference": item.reference},
        {
            "outcome_words": outcome_words,
            "message": message,
            "tracking_url": links.tracking(item),
            "survey_url": links.survey(item),
        },
        now,
    )
