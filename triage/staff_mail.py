"""E-mail to staff: the sweeper's warnings, breaches and quiet-channel alerts, by mail too.

A manager who is not signed in never sees an in-app notification, so each one the sweeper
makes is also written to the customer-mail outbox (`feedback.outbox` sends it: same claims,
retries and /manage/mail). :func:`queue_staff_mail` is called in the transaction that makes
the notification, so a mail exists exactly when its notification does, and the sweeper's
claims (one warning, one escalation, one alert per quiet spell) make it once.

Staff mails are in English (the staff pages are) and say no more than the notification:
no customer address, no message text, just the notification's words and a link.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from feedback.customer_mail import NAME_LIMIT, header_text, is_mail_address
from feedback.models import FeedbackItem, OutboxMail
from portal.models import StaffUser

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

#: Outbox kinds of staff mail (/manage/mail counts and lists them with the customer mail).
WARNING = "staff_warning"
ESCALATION = "staff_escalation"
CHANNEL = "staff_channel"
KINDS = (WARNING, ESCALATION, CHANNEL)

_env = Environment(
    loader=FileSystemLoader(TEMPLATES_DIR),
    autoescape=select_autoescape(["html"], default=False, default_for_string=False),
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


@dataclass(frozen=True)
class StaffMail:
    """Absolute links for staff mails; the web layer knows its routes and base URL.

    The sweeper gets one when `PORTAL_STAFF_MAIL` is on, None when staff are told in-app only.
    """

    item_url: Callable[[FeedbackItem], str]
    dashboard_url: str


async def queue_staff_mail(
    recipient_ids: Iterable[int],
    kind: str,
    subject: str,
    text: str,
    link: str,
    *,
    now: datetime,
    item: FeedbackItem | None = None,
) -> int:
    """Write one outbox mail per active recipient with a usable address; how many were written."""
    staff = await StaffUser.filter(id__in=sorted(set(recipient_ids)), is_active=True).order_by("id")
    title = header_text(subject)
    mails = []
    for member in staff:
        address = member.email.strip()
        if not is_mail_address(address):
            continue
        values = {
            "name": member.first_name,
            "subject": title,
            "text": text,
            "link": link,
            "item": item,
        }
        mails.append(
            OutboxMail(
                kind=kind,
                item=item,
                to_address=address,
                to_name=header_text(member.name, NAME_LIMIT),
                subject=title,
                body_text=_env.get_template("mail/staff_notification.txt").render(values),
                body_html=_env.get_template("mail/staff_notification.html").render(values),
                language="en",
                next_attempt_at=now,
                created_at=now,
            )
        )
    if mails:
        await OutboxMail.bulk_create(mails)
    return len(mails)
