"""E-mail to staff: the sweeper's warnings, breaches and quiet-channel alerts, by mail too.

A manager who is not signed in never sees an in-app notification, so each one the sweeper
makes is also written to the customer-mail outbox (`feedback.outbox` sends it: same claims,
retries and /manage/mail). :func:`queue_staff_mail` is called in the transaction that makes
the notification, so a mail exists exactly when its notification does, and the sweeper's
claims (one warning, one escalation, one alert per quiet spell) make it once.

Staff mails are in English (the staff pages are) and say no more than the notification:
no customer address, no message text, just the notification's words and a link.

Each person chooses which kinds also come by e-mail (:data:`PREFERENCES`, one `StaffUser`
column per kind, all on by default); the recipients' query leaves out whoever said no. The
install-wide `PORTAL_STAFF_MAIL=false` still wins: the sweeper then queues no staff mail.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from feedback.addresses import is_mail_address
from feedback.customer_mail import NAME_LIMIT, header_text
from feedback.models import FeedbackItem, OutboxMail
from portal.models import Role, StaffUser

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

#: Outbox kinds of staff mail (/manage/mail counts and lists them with the customer mail).
WARNING = "staff_warning"
ESCALATION = "staff_escalation"
CHANNEL = "staff_channel"
DIGEST = "staff_digest"
KINDS = (WARNING, ESCALATION, CHANNEL, DIGEST)

#: Form values of a preference: e-mail as well as in-app, or in-app only.
EMAIL, IN_APP = "1", "0"


@dataclass(frozen=True)
class MailPreference:
    """One kind of staff mail a person can turn off: its outbox kind and `StaffUser` column."""

    kind: str
    field: str
    label: str
    hint: str
    # Roles that can receive it at all; the page offers it only to them.
    roles: tuple[Role, ...] = tuple(Role)
    # The two choices as the page words them.
    on_label: str = "E-mail and in-app"
    off_label: str = "In-app only"

    def applies_to(self, role: str) -> bool:
        return role in self.roles


PREFERENCES = (
    MailPreference(
        WARNING,
        "mail_warnings",
        "Target warnings",
        "An item I own is close to its first-response or resolution target "
        "(for an item nobody owns, its team's manager is warned).",
    ),
    MailPreference(
        ESCALATION,
        "mail_escalations",
        "Breaches and escalations",
        "An item of a team I manage missed its target (every manager and admin, when the "
        "team has no manager), or a team's escalation rule gave a late item to me.",
    ),
    MailPreference(
        CHANNEL,
        "mail_quiet_channels",
        "Quiet channels",
        "Nothing has come through the web form, e-mail, phone or in person for unusually long.",
        roles=(Role.MANAGER, Role.ADMIN),
    ),
    MailPreference(
        DIGEST,
        "mail_weekly_digest",
        "Weekly digest",
        "On Monday morning: last week's response times, promises kept, complaints by topic "
        "and customers at risk.",
        roles=(Role.MANAGER, Role.ADMIN),
        on_label="Send it",
        off_label="Don't send it",
    ),
)
_FIELD_FOR_KIND = {preference.kind: preference.field for preference in PREFERENCES}


def preferences_for(role: str) -> tuple[MailPreference, ...]:
    """The kinds someone with `role` can receive, so the ones their page offers."""
    return tuple(preference for preference in PREFERENCES if preference.applies_to(role))


def validate_mail_preferences(
    form: Mapping[str, object], offered: Iterable[MailPreference]
) -> tuple[dict[str, bool] | None, dict[str, str]]:
    """`StaffUser` column -> wants e-mail, for each offered kind; or None and the messages.

    Each kind is a required choice (`EMAIL` or `IN_APP`), so a missing or mangled field is
    an error rather than a silent "off". Kinds not offered are not changed.
    """
    values: dict[str, bool] = {}
    errors: dict[str, str] = {}
    for preference in offered:
        value = form.get(preference.field)
        if value not in (EMAIL, IN_APP):
            errors[preference.field] = (
                f"{preference.label}: choose {preference.on_label.lower()}, or "
                f"{preference.off_label.lower()}."
            )
            continue
        values[preference.field] = value == EMAIL
    return (None, errors) if errors else (values, {})


async def save_mail_preferences(staff_id: int, values: Mapping[str, bool]) -> None:
    """Store one person's choices (columns from :func:`validate_mail_preferences`)."""
    allowed = set(_FIELD_FOR_KIND.values())
    if not values or not set(values) <= allowed:
        raise ValueError(f"mail preferences are {sorted(allowed)}, got {sorted(values)}")
    await StaffUser.filter(id=staff_id).update(**values)


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
    template: str = "mail/staff_notification",
) -> int:
    """Write one outbox mail per active recipient who wants this `kind` by e-mail and has a
    usable address; how many were written. `template` names the `.txt` and `.html` pair.
    """
    staff = await StaffUser.filter(
        id__in=sorted(set(recipient_ids)), is_active=True, **{_FIELD_FOR_KIND[kind]: True}
    ).order_by("id")
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
                body_text=_env.get_template(f"{template}.txt").render(values),
                body_html=_env.get_template(f"{template}.html").render(values),
                language="en",
                next_attempt_at=now,
                created_at=now,
            )
        )
    if mails:
        await OutboxMail.bulk_create(mails)
    return len(mails)
