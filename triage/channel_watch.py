"""Channel watch: notice when a feedback channel that is usually busy has gone quiet.

A broken form, a mail gateway that stopped forwarding or a team that stopped logging calls
looks, from inside the portal, exactly like happy customers: nothing arrives. So for each
channel (the web form, e-mail, phone, in person) the watch compares the time since its last
item with the same hours of the week in the previous :data:`WEEKS_COMPARED` weeks. Comparing
like with like (Monday morning with Monday mornings) keeps nights and weekends from raising
alarms. A channel counts as quiet when

* nothing has arrived for at least :data:`MIN_QUIET`, and
* every one of those earlier weeks brought something in the same hours, at least
  :data:`MIN_USUAL_MEAN` items on average: were arrivals random at that rate, an empty stretch
  would happen by chance less than one time in a hundred (e^-5 ≈ 0.7 %).

:func:`warn_managers` (run by the sweeper) tells active managers and admins once per quiet
spell, in-app and (with `PORTAL_STAFF_MAIL`) by e-mail; the dashboard and the board show
the same finding to managers while it lasts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.expressions import F, Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from feedback.models import Channel, FeedbackItem
from portal.models import Role, StaffUser
from triage.metrics import one_row
from triage.models import Notification, Team
from triage.staff_mail import CHANNEL, StaffMail, queue_staff_mail

WEEKS_COMPARED = 4
MIN_QUIET = timedelta(hours=1)
MIN_USUAL_MEAN = 5.0
#: A channel whose last item is older than this is not in use: no finding, no alarm.
LOOK_BACK = timedelta(weeks=WEEKS_COMPARED + 1)


CHANNEL_WORDS = {
    Channel.WEB: "the web form",
    Channel.EMAIL: "e-mail",
    Channel.PHONE: "phone calls",
    Channel.IN_PERSON: "in-person visits",
}


@dataclass(frozen=True)
class QuietChannel:
    """A channel that has gone quiet: since when, and what the same hours usually bring."""

    channel: str
    last_received_at: datetime
    quiet_for: timedelta
    usual_counts: tuple[int, ...]  # items in the same hours, 1, 2, … weeks earlier

    @property
    def name(self) -> str:
        """The channel in words ("the web form")."""
        return CHANNEL_WORDS.get(Channel(self.channel), self.channel)

    @property
    def usual_mean(self) -> float:
        """Average number of items the same hours brought in the earlier weeks."""
        return sum(self.usual_counts) / len(self.usual_counts)

    def describe(self) -> str:
        """One sentence for a notification or a banner."""
        low, high = min(self.usual_counts), max(self.usual_counts)
        usual = f"{low}" if low == high else f"{low}–{high}"
        return (
            f"Nothing has arrived through {self.name} for {_duration(self.quiet_for)} "
            f"(last at {self.last_received_at:%Y-%m-%d %H:%M} UTC); the same hours of the "
            f"last {len(self.usual_counts)} weeks brought {usual} items. Check that it works."
        )

    def headline(self) -> str:
        """A short title for a mail ("Nothing through the web form for 4 hours")."""
        return f"Nothing through {self.name} for {_duration(self.quiet_for)}"


def is_quiet(quiet_for: timedelta, usual_counts: tuple[int, ...]) -> bool:
    """The rule above, on numbers already counted (see the module docstring)."""
    if quiet_for < MIN_QUIET or not usual_counts:
        return False
    if min(usual_counts) < 1:
        return False
    return sum(usual_counts) / len(usual_counts) >= MIN_USUAL_MEAN


async def quiet_channels(now: datetime) -> list[QuietChannel]:
    """The channels that are quiet at ``now``, busiest usual traffic first.

    Per channel at most two queries: an indexed lookup of the last item, and one pass over
    the earlier weeks' ``created_at`` range counting each week's window.
    """
    found: list[QuietChannel] = []
    for channel in Channel:
        last = (
            await FeedbackItem.filter(channel=channel, created_at__gte=now - LOOK_BACK)
            .order_by("-created_at")
            .first()
            .values_list("created_at", flat=True)
        )
        if last is None or now - last < MIN_QUIET:
            continue
        weeks = range(1, WEEKS_COMPARED + 1)
        windows = {
            f"week_{week}": Count(
                "id",
                _filter=Q(
                    created_at__gt=last - timedelta(weeks=week),
                    created_at__lte=now - timedelta(weeks=week),
                ),
            )
            for week in weeks
        }
        counts = await one_row(
            FeedbackItem.filter(
                channel=channel,
                created_at__gt=last - timedelta(weeks=WEEKS_COMPARED),
                created_at__lte=now - timedelta(weeks=1),
            ),
            **windows,
        )
        usual = tuple(int(counts[f"week_{week}"] or 0) for week in weeks)
        if is_quiet(now - last, usual):
            found.append(QuietChannel(channel.value, last, now - last, usual))
    found.sort(key=lambda quiet: -quiet.usual_mean)
    return found


async def warn_managers(now: datetime, staff_mail: StaffMail | None = None) -> list[QuietChannel]:
    """Notify active managers and admins of each quiet channel, once per quiet spell.

    With `staff_mail` they are mailed too, in the same transaction as the notifications.

    A spell is known by its channel and its last item: a ``quiet_<channel>`` notification
    made after that item means the spell was already told. Several app processes may sweep at once:
    the check and the notifications happen in one transaction that first takes the write
    lock on the default team's row, so only one of them notifies.
    """
    quiet = await quiet_channels(now)
    if not quiet:
        return []
    recipients = list(
        await StaffUser.filter(role__in=[Role.MANAGER, Role.ADMIN], is_active=True)
        .order_by("id")
        .values_list("id", flat=True)
    )
    warned = []
    for finding in quiet:
        kind = notification_kind(finding.channel)
        async with in_transaction():
            await Team.filter(is_default=True).update(routing_seq=F("routing_seq"))
            already = await Notification.filter(
                kind=kind, created_at__gt=finding.last_received_at
            ).exists()
            if already:
                continue
            await Notification.bulk_create(
                [
                    Notification(
                        recipient_id=recipient,
                        kind=kind,
                        text=finding.describe()[:500],
                        created_at=now,
                    )
                    for recipient in recipients
                ]
            )
            if staff_mail is not None:
                await queue_staff_mail(
                    recipients,
                    CHANNEL,
                    finding.headline(),
                    finding.describe()[:500],
                    staff_mail.dashboard_url,
                    now=now,
                )
        warned.append(finding)
    return warned


def notification_kind(channel: str) -> str:
    """The notification kind for a quiet spell of ``channel`` ("quiet_web")."""
    return f"quiet_{channel}"


def _duration(span: timedelta) -> str:
    hours = span.total_seconds() / 3600
    if hours < 48:
        return f"{hours:.0f} hours" if hours >= 2 else f"{span.total_seconds() / 60:.0f} minutes"
    return f"{hours / 24:.0f} days"
