"""The weekly digest: last week's figures by e-mail to managers and admins on Monday morning.

A manager who does not open the dashboard still learns each week how fast the team answered,
how many promises were kept, what customers complained about and how many are at risk. The
sweeper calls :func:`send_weekly_digest` on every pass; from :data:`SEND_AT` on Monday (the
installation's time zone) the first pass that finds no `DigestRun` row for that Monday claims
it (unique week) and writes one outbox mail per manager and admin who wants it, in the same
transaction, so several app processes send it once. A week the portal was down for is sent
when it comes back, the same week; an older missed week is not sent late.

The figures are the dashboard's own (`triage.metrics.dashboard`) for the seven days before
that Monday, so the mail and the dashboard never disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from feedback.at_risk import customers_at_risk
from feedback.models import FeedbackItem
from portal.models import Role, StaffUser
from triage import metrics
from triage.models import DigestRun
from triage.staff_mail import DIGEST, StaffMail, queue_staff_mail

SEND_AT = time(8, 0)  # Monday morning, local time
TOP_TOPICS = 3


def due_week(now: datetime, timezone: str) -> date | None:
    """The Monday whose digest is due at `now` (local), or None before Monday's send time."""
    local = now.astimezone(ZoneInfo(timezone))
    monday = local.date() - timedelta(days=local.weekday())
    if local.weekday() == 0 and local.time() < SEND_AT:
        return None
    return monday


def digest_view(week: date) -> metrics.MetricFilters:
    """The dashboard view the digest reports: the seven days before `week`'s Monday."""
    return metrics.MetricFilters(
        start=week - timedelta(days=7), end=week - timedelta(days=1), period="custom"
    )


@dataclass(frozen=True)
class Digest:
    """What the mail says."""

    subject: str
    text: str
    query: str  # the dashboard's URL query for the same week


def _hours(value: float | None) -> str:
    return "none yet" if value is None else f"{value:.1f} business hours"


def _count(n: int, word: str, plural: str = "") -> str:
    return f"{n} {word}" if n == 1 else f"{n} {plural or word + 's'}"


def _kept(share: float | None, met: int, total: int) -> str:
    return "no targets due" if share is None else f"{100 * share:.0f}% kept ({met} of {total})"


async def build_digest(week: date, now: datetime, no_contact_days: int) -> Digest:
    """Last week's figures in plain lines (the mail is plain text first)."""
    view = digest_view(week)
    board = await metrics.dashboard(view, now)
    at_risk = await customers_at_risk(now, no_contact_days)
    promises = board.promises
    lines = [
        f"Last week, {view.start:%a %d %b} to {view.end:%a %d %b %Y}:",
        "",
        f"- Received: {board.received}",
        f"- First response: median {_hours(board.first_response.median_hours)}; "
        + _kept(
            promises.first_response_share,
            promises.first_response_met,
            promises.first_response_known,
        ),
        f"- Resolution: median {_hours(board.resolution.median_hours)}; "
        + _kept(promises.resolution_share, promises.resolution_met, promises.resolution_known),
        f"- Breaches: {board.breaches.total}",
        f"- Open now: {board.backlog_total}",
    ]
    satisfaction = board.satisfaction
    if satisfaction.average is not None:
        lines.append(
            f"- Satisfaction: {satisfaction.average:.1f} / 5 from "
            + _count(satisfaction.answers, "answer")
        )
    else:
        lines.append("- Satisfaction: no survey answers")
    topics = [t for t in board.complaint_topics if t.items][:TOP_TOPICS]
    if topics:
        lines.append(
            "- Complaints by topic: "
            + ", ".join(
                f"{t.category} {t.items} ({t.change:+d} on the week before)" for t in topics
            )
        )
    else:
        lines.append("- Complaints: none")
    lines.append(f"- Customers at risk now: {len(at_risk)}")
    subject = (
        f"Customer feedback, week of {view.start:%d %b}: {board.received} received, "
        + _count(board.breaches.total, "breach", "breaches")
    )
    return Digest(subject=subject, text="\n".join(lines), query=urlencode(view.query_params()))


async def send_weekly_digest(
    now: datetime, timezone: str, staff_mail: StaffMail, no_contact_days: int
) -> bool:
    """Send this week's digest if it is due and nobody has sent it; True when this call did."""
    week = due_week(now, timezone)
    if week is None or await DigestRun.exists(week=week):
        return False
    week_start = datetime.combine(week, time(0), tzinfo=ZoneInfo(timezone))
    if not await FeedbackItem.filter(created_at__lt=week_start).exists():
        return False  # a new installation: nothing to report on yet
    digest = await build_digest(week, now, no_contact_days)
    recipients = await StaffUser.filter(
        is_active=True, role__in=[Role.MANAGER, Role.ADMIN]
    ).values_list("id", flat=True)
    try:
        async with in_transaction():
            await DigestRun.create(week=week, created_at=now)
            await queue_staff_mail(
                recipients,
                DIGEST,
                digest.subject,
                digest.text,
                f"{staff_mail.dashboard_url}?{digest.query}",
                now=now,
                template="mail/staff_digest",
            )
    except IntegrityError:  # another process claimed this week first
        return False
    return True
