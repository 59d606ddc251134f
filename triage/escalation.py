"""The sweeper: refresh clocks that may have changed state, warn before a breach, escalate on
one, and tell managers when a feedback channel has gone quiet. Safe when several app
processes run it at once: every warning and escalation is claimed with a conditional UPDATE
on the item (a claim column), so exactly one process acts. The claim, the notifications,
their staff mails (`triage.staff_mail`, when on) and the audit event are one transaction: a
failure undoes the claim, and the next pass tries again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from feedback import audit
from feedback.attachments import AttachmentStore
from feedback.models import FeedbackItem, Status
from feedback.privacy import purge_personal_data
from portal.models import Role, StaffUser
from triage.channel_watch import warn_managers
from triage.digest import send_weekly_digest
from triage.models import Notification, Team
from triage.routing import is_available
from triage.sla import refresh_targets
from triage.staff_mail import ESCALATION, WARNING, StaffMail, queue_staff_mail

log = logging.getLogger("portal.sweeper")
RUNNING = [Status.NEW, Status.ASSIGNED, Status.IN_PROGRESS]
KIND_WORDS = {"first_response": "first response", "resolution": "resolution"}
SUBJECT_WORDS = {"first_response": "first-response", "resolution": "resolution"}


@dataclass
class SweepReport:
    refreshed: int = 0
    warned: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)
    quiet_channels: list[str] = field(default_factory=list)  # newly told to managers
    digest_sent: bool = False  # this pass sent the weekly digest
    purged: list[int] = field(default_factory=list)  # customers erased for retention


async def notify(
    recipient_id: int, item: FeedbackItem, kind: str, text: str, now: datetime
) -> None:
    await Notification.create(
        recipient_id=recipient_id, item=item, kind=kind, text=text[:500], created_at=now
    )


async def _tell(
    recipients: list[int],
    item: FeedbackItem,
    kind: str,
    text: str,
    *,
    mail_kind: str,
    mail_subject: str,
    now: datetime,
    staff_mail: StaffMail | None,
) -> None:
    """Notify `recipients` in-app and, with `staff_mail`, by e-mail (caller's transaction)."""
    for recipient in recipients:
        await notify(recipient, item, kind, text, now)
    if staff_mail is not None:
        await queue_staff_mail(
            recipients, mail_kind, mail_subject, text, staff_mail.item_url(item), now=now, item=item
        )


async def _managers_for(item: FeedbackItem) -> list[int]:
    team = await Team.get_or_none(id=item.team_id) if item.team_id else None  # type: ignore[attr-defined]
    if team is not None and team.manager_id is not None:  # type: ignore[attr-defined]
        return [team.manager_id]  # type: ignore[attr-defined]
    return list(
        await StaffUser.filter(role__in=[Role.MANAGER, Role.ADMIN], is_active=True).values_list(
            "id", flat=True
        )
    )


async def _claim(item: FeedbackItem, column: str, kind: str) -> bool:
    """Set item.<column> = kind unless someone already did; True if this call won."""
    current = getattr(item, column)
    won = await FeedbackItem.filter(id=item.id, **{column: current}).update(**{column: kind})
    return won == 1


async def escalate(item: FeedbackItem, now: datetime, staff_mail: StaffMail | None = None) -> None:
    """Flag (the stored breach state), notify the team's manager, apply the escalation rule.

    With `staff_mail`, the managers are mailed the notification too (in the caller's
    transaction).
    """
    kind = KIND_WORDS.get(item.next_due_kind, item.next_due_kind)
    words = SUBJECT_WORDS.get(item.next_due_kind, item.next_due_kind)
    await _tell(
        await _managers_for(item),
        item,
        "breach",
        f"{item.reference} breached its {kind} target: “{item.subject}”",
        mail_kind=ESCALATION,
        mail_subject=f"{item.reference} breached its {words} target",
        now=now,
        staff_mail=staff_mail,
    )
    await audit.record(item, "escalated", now=now, detail=f"{kind} target breached")
    team = await Team.get_or_none(id=item.team_id) if item.team_id else None  # type: ignore[attr-defined]
    if team is None or team.escalate_to_id is None:  # type: ignore[attr-defined]
        return
    target = await StaffUser.get_or_none(id=team.escalate_to_id)  # type: ignore[attr-defined]
    if is_available(target) and target is not None and target.id != item.owner_id:  # type: ignore[attr-defined]
        old_owner = await StaffUser.get_or_none(id=item.owner_id) if item.owner_id else None  # type: ignore[attr-defined]
        await FeedbackItem.filter(id=item.id).update(owner_id=target.id, updated_at=now)
        await audit.record(
            item,
            "owner",
            now=now,
            field="owner",
            old=old_owner.name if old_owner else "",
            new=target.name,
            detail=f"escalation rule of {team.name}",
        )
        # The new owner hears it where they hear breaches: in the app and (if they want
        # breach mail) by e-mail; the rep it was taken from sees why it left their board.
        await _tell(
            [target.id],
            item,
            "assigned",
            f"{item.reference} escalated to you: “{item.subject}”",
            mail_kind=ESCALATION,
            mail_subject=f"{item.reference} escalated to you",
            now=now,
            staff_mail=staff_mail,
        )
        if old_owner is not None:
            await notify(
                old_owner.id,
                item,
                "assigned",
                f"{item.reference} was escalated to {target.name} by the {team.name} rule",
                now,
            )


async def _warn(item: FeedbackItem, now: datetime, staff_mail: StaffMail | None) -> bool:
    """Warn the owner (or the managers) once that the item is close to its target."""
    async with in_transaction():
        if not await _claim(item, "warned_for", item.next_due_kind):
            return False
        kind = KIND_WORDS.get(item.next_due_kind, item.next_due_kind)
        words = SUBJECT_WORDS.get(item.next_due_kind, item.next_due_kind)
        await _tell(
            [item.owner_id] if item.owner_id else await _managers_for(item),  # type: ignore[attr-defined]
            item,
            "warning",
            f"{item.reference} is close to its {kind} target",
            mail_kind=WARNING,
            mail_subject=f"{item.reference} is close to its {words} target",
            now=now,
            staff_mail=staff_mail,
        )
        await audit.record(item, "warning", now=now, detail=f"{kind} target at risk")
    return True


async def _escalate_once(item: FeedbackItem, now: datetime, staff_mail: StaffMail | None) -> bool:
    async with in_transaction():
        if not await _claim(item, "escalated_for", item.next_due_kind):
            return False
        await escalate(item, now, staff_mail)
    return True


#: Customers one sweep pass erases at most for retention (the next pass takes the rest).
PURGE_PER_PASS = 100


async def sweep(
    now: datetime,
    fallback_timezone: str = "UTC",
    *,
    staff_mail: StaffMail | None = None,
    no_contact_days: int = 90,
    retention_days: int | None = None,
    attachment_store: AttachmentStore | None = None,
) -> SweepReport:
    """One pass; call it periodically (the app does every `sweep_interval_seconds`).

    `staff_mail` (None: in-app only) mails each warning, breach and quiet-channel
    notification to its recipients as well, and the managers' weekly digest when due
    (`no_contact_days` is the at-risk setting it reports with). With `retention_days`
    (PORTAL_RETENTION_DAYS), customers inactive for longer, with no open item, are erased
    (feedback.privacy), their attachments' bytes from `attachment_store` (required then).
    """
    report = SweepReport()
    due_for_refresh = await FeedbackItem.filter(status__in=RUNNING).filter(
        Q(sla_state="ok", warn_at__lte=now) | Q(sla_state__in=["ok", "at_risk"], next_due__lt=now)
    )
    for item in due_for_refresh:
        await refresh_targets(item, now, fallback_timezone)
        report.refreshed += 1

    for item in await FeedbackItem.filter(status__in=RUNNING, sla_state="at_risk"):
        if item.warned_for != item.next_due_kind and await _warn(item, now, staff_mail):
            report.warned.append(item.id)

    for item in await FeedbackItem.filter(status__in=RUNNING, sla_state="breached"):
        if item.escalated_for != item.next_due_kind and await _escalate_once(item, now, staff_mail):
            report.escalated.append(item.id)

    # A channel that went quiet is an incident too (triage/channel_watch.py).
    report.quiet_channels = [quiet.channel for quiet in await warn_managers(now, staff_mail)]
    if staff_mail is not None:
        report.digest_sent = await send_weekly_digest(
            now, fallback_timezone, staff_mail, no_contact_days
        )
    if retention_days is not None:
        if attachment_store is None:
            raise ValueError("erasing needs the attachment store, to delete the files too")
        purge = await purge_personal_data(
            now=now, older_than_days=retention_days, store=attachment_store, limit=PURGE_PER_PASS
        )
        report.purged = purge.customer_ids
    return report
