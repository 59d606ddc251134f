"""Customer privacy: export everything held about a customer, erase it, purge after retention.

- `export_customer` gathers the customer record, their items with every message (internal
  notes included and marked: a data-access request covers what staff wrote about the
  person), resolutions as told to them, survey answers, follow-ups and the mails sent and
  received, in a fixed number of queries however many items there are.
- `erase_customer` replaces every personal field and text with a placeholder or the
  redaction marker in one transaction, and keeps what the managers' figures are made of
  (timestamps, kind, category, channel, sentiment scores, targets, resolution outcomes and
  root causes), so reports stay true after an erasure.
- `purge_personal_data` erases, with the same function, customers whose last activity is
  older than the retention limit and who have no open item (`portal purge-personal-data`,
  and the sweeper when `PORTAL_RETENTION_DAYS` is set).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from feedback.addresses import normalise_email
from feedback.attachments import AttachmentStore, remove_unused
from feedback.customer_mail import CUSTOMER_KINDS
from feedback.models import (
    OPEN_STATUSES,
    Attachment,
    AuthorKind,
    Customer,
    Event,
    FeedbackItem,
    FollowUp,
    InboundMail,
    MailStatus,
    Message,
    OutboxMail,
    Resolution,
    SurveyResponse,
    TrainingExample,
)
from triage.models import Notification

#: What replaces every erased text (messages, subjects, mail bodies, comments).
REDACTED = "[erased]"
#: The reserved top-level domain (RFC 2606): nothing is ever delivered there.
ERASED_DOMAIN = "erased.invalid"
#: Audit-trail actions whose detail may quote the customer (a sender's address, a note).
ACTIONS_WITH_CUSTOMER_TEXT = (
    "mail_received",
    "follow_up",
    "review_flagged",
    "review_cleared",
    "customer_merged",  # old and new values are the two records' addresses
)
#: A retention limit shorter than this is refused: a typo must not erase last month's customers.
MIN_RETENTION_DAYS = 30
EXPORT_FORMAT = "feedback-portal customer export"
EXPORT_VERSION = 1


def placeholder_name(customer_id: int) -> str:
    return f"erased customer #{customer_id}"


def placeholder_email(customer_id: int) -> str:
    """Unique per customer, so the e-mail stays unique and the address is free for a new record."""
    return f"erased-{customer_id}@{ERASED_DOMAIN}"


def _their_items(customer_id: int) -> Subquery:
    """The customer's item ids as a subquery (a list could pass the drivers' parameter limits)."""
    return Subquery(FeedbackItem.filter(customer_id=customer_id).values("id"))


# -- export ---------------------------------------------------------------------------------------


def _when(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None


async def export_customer(customer: Customer, *, now: datetime) -> dict[str, Any]:
    """Everything held about `customer`, as plain JSON-ready data (nine queries in all).

    Staff are named by role only ("staff"): their names are their own personal data, and
    the customer saw the replies they were sent. Internal notes are included and marked
    `internal`, and so are the staff's notes on the customer: the right of access covers
    what was written about the person; whoever sends the file may withhold what would harm
    others' rights. Attachments are listed (name, type, size) but their files are not in it.
    """
    items = await FeedbackItem.filter(customer_id=customer.id).order_by("created_at", "id")
    item_ids = [item.id for item in items]
    theirs = customer.id
    messages = await Message.filter(item_id__in=_their_items(theirs)).order_by("created_at", "id")
    resolutions = await Resolution.filter(item_id__in=_their_items(theirs)).order_by(
        "created_at", "id"
    )
    surveys = await SurveyResponse.filter(item_id__in=_their_items(theirs))
    other_addresses = list(
        await Customer.filter(merged_into_id=customer.id).values_list("email", flat=True)
    )
    emails = [customer.email, *other_addresses]
    sent = await OutboxMail.filter(
        Q(item_id__in=_their_items(theirs), kind__in=CUSTOMER_KINDS) | Q(to_address__in=emails)
    ).order_by("created_at", "id")
    received = await InboundMail.filter(
        Q(item_id__in=_their_items(theirs)) | Q(from_address__in=emails)
    ).order_by("received_at", "id")
    files = await Attachment.filter(item_id__in=_their_items(theirs)).order_by("id")
    follow_ups = await FollowUp.filter(customer_id=customer.id).order_by("due_at", "id")
    references = {item.id: item.reference for item in items}

    by_item: dict[int, dict[str, list[dict[str, Any]]]] = {
        item_id: {"messages": [], "resolutions": []} for item_id in item_ids
    }
    files_by_message: dict[int, list[dict[str, Any]]] = {}
    for file in files:
        files_by_message.setdefault(file.message_id, []).append(  # type: ignore[attr-defined]
            {"filename": file.filename, "type": file.content_type, "bytes": file.size_bytes}
        )
    for message in messages:
        by_item[message.item_id]["messages"].append(  # type: ignore[attr-defined]
            {
                "from": AuthorKind(message.author_kind).value,
                "internal_note": message.is_internal,
                "text": message.body,
                "attachments": files_by_message.get(message.id, []),
                "written_at": _when(message.created_at),
            }
        )
    for resolution in resolutions:
        by_item[resolution.item_id]["resolutions"].append(  # type: ignore[attr-defined]
            {
                "outcome": resolution.outcome.value,
                "message_to_customer": resolution.message_to_customer,
                "resolved_at": _when(resolution.created_at),
            }
        )
    survey_by_item = {
        survey.item_id: {  # type: ignore[attr-defined]
            "satisfaction_1_to_5": survey.satisfaction,
            "recommend_0_to_10": survey.recommend,
            "comment": survey.comment,
            "answered_at": _when(survey.created_at),
            "changed_at": _when(survey.updated_at),
        }
        for survey in surveys
    }
    return {
        "format": EXPORT_FORMAT,
        "version": EXPORT_VERSION,
        "exported_at": _when(now),
        "customer": {
            "id": customer.id,
            "name": customer.name,
            "email": customer.email,
            "other_addresses": other_addresses,  # records merged into this one
            "phone": customer.phone,
            "company": customer.company,
            "segment": customer.segment,
            "customer_since": _when(customer.created_at),
            "staff_notes": customer.notes,
            "erased_at": _when(customer.erased_at),
        },
        "items": [
            {
                "reference": item.reference,
                "kind": item.kind.value,
                "category": item.category,
                "channel": item.channel.value,
                "touchpoint": item.touchpoint,
                "order_reference": item.order_reference,
                "subject": item.subject,
                "status": item.status.value,
                "language": item.language,
                "received_at": _when(item.created_at),
                "first_response_at": _when(item.first_response_at),
                "resolved_at": _when(item.resolved_at),
                "sentiment": item.sentiment_label,
                "messages": by_item[item.id]["messages"],
                "resolutions": by_item[item.id]["resolutions"],
                "survey": survey_by_item.get(item.id),
            }
            for item in items
        ],
        "follow_ups": [
            {
                "item": references.get(follow_up.item_id),  # type: ignore[attr-defined]
                "due_at": _when(follow_up.due_at),
                "note": follow_up.note,
                "done_at": _when(follow_up.done_at),
            }
            for follow_up in follow_ups
        ],
        "mails_sent": [
            {
                "kind": mail.kind,
                "item": references.get(mail.item_id),  # type: ignore[attr-defined]
                "to": mail.to_address,
                "subject": mail.subject,
                "text": mail.body_text,
                "status": MailStatus(mail.status).value,
                "written_at": _when(mail.created_at),
                "sent_at": _when(mail.sent_at),
            }
            for mail in sent
        ],
        "mails_received": [
            {
                "item": references.get(mail.item_id),  # type: ignore[attr-defined]
                "from": mail.from_address,
                "subject": mail.subject,
                "outcome": mail.outcome.value,
                "attachments_not_kept": mail.attachment_names,
                "received_at": _when(mail.received_at),
            }
            for mail in received
        ],
    }


def export_filename(customer: Customer, now: datetime) -> str:
    """A file name without personal data: the id and the day."""
    return f"customer-{customer.id}-{now.date().isoformat()}.json"


async def record_export(customer: Customer, *, actor: Any, now: datetime) -> None:
    """Put "exported by X" on the audit trail of each of the customer's items (one insert)."""
    await _record_on_items(
        customer.id, "exported", f"personal data exported by {actor.name}", actor, now
    )


async def _record_on_items(
    customer_id: int, action: str, detail: str, actor: Any, now: datetime
) -> None:
    item_ids = await FeedbackItem.filter(customer_id=customer_id).values_list("id", flat=True)
    await Event.bulk_create(
        [
            Event(
                item_id=item_id,
                actor=actor,
                actor_kind=AuthorKind.STAFF if actor is not None else AuthorKind.SYSTEM,
                action=action,
                detail=detail[:500],
                created_at=now,
            )
            for item_id in item_ids
        ],
        batch_size=1000,
    )


# -- erasure ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Erasure:
    """What one erasure changed (counts only: no personal data)."""

    customer_id: int
    items: int
    messages: int
    mails: int
    training_examples: int
    files: int  # attachments deleted (their bytes too, unless another customer's row uses them)


async def open_item_count(customer_id: int) -> int:
    """Items of the customer still open: erasing leaves them on the board, texts erased."""
    return await FeedbackItem.filter(
        customer_id=customer_id, status__in=list(OPEN_STATUSES)
    ).count()


def erasure_confirmed(customer: Customer, typed: str) -> bool:
    """The person erasing typed the customer's e-mail address (case and spaces ignored)."""
    return bool(typed.strip()) and normalise_email(typed) == normalise_email(customer.email)


def _erased_record(customer_id: int, actor: Any, now: datetime) -> dict[str, Any]:
    """A customer row's new values: every personal field replaced, who erased it and when."""
    return {
        "erased_at": now,
        "erased_by_id": getattr(actor, "id", None),
        "name": placeholder_name(customer_id),
        "email": placeholder_email(customer_id),
        "phone": "",
        "company": "",
        "notes": "",
        "needs_review": False,
        "review_reason": "",
    }


async def erase_customer(
    customer_id: int,
    *,
    actor: Any,
    now: datetime,
    store: AttachmentStore,
    inactive_since: datetime | None = None,
) -> Erasure | None:
    """Erase the customer's personal data in one transaction; None when there was nothing to do.

    The first statement claims the customer with a conditional UPDATE (not yet erased, and,
    for the retention purge, `inactive_since`: still without an open item or later activity),
    so two processes never erase twice and a customer who wrote meanwhile is kept. The
    audit-trail details that may quote the customer are blanked: the trail is append-only
    for the application, but the law's erasure comes first. Staff names stay (not theirs).
    Records merged into this one (feedback.customer_merge: the same person's other
    addresses) are erased with it, so mail from those addresses starts a new customer too.
    Their attachments' rows go in the transaction; the bytes in `store` go after it commits,
    unless a row of someone else's uses the same content.
    """
    found = await Customer.filter(id=customer_id, erased_at__isnull=True).values_list(
        "email", flat=True
    )
    if not found:
        return None
    email = str(found[0])
    aliases = dict(
        await Customer.filter(merged_into_id=customer_id, erased_at__isnull=True).values_list(
            "id", "email"
        )
    )
    emails = [email, *aliases.values()]
    claim = Customer.filter(id=customer_id, erased_at__isnull=True, email=email)
    if inactive_since is not None:
        claim = claim.exclude(id__in=_active_customers(inactive_since))
    async with in_transaction():
        claimed = await claim.update(**_erased_record(customer_id, actor, now))
        if not claimed:
            return None
        for alias_id in aliases:
            await Customer.filter(id=alias_id).update(**_erased_record(alias_id, actor, now))
        items = await FeedbackItem.filter(customer_id=customer_id).update(subject=REDACTED)
        await (
            FeedbackItem.filter(customer_id=customer_id)
            .exclude(order_reference="")
            .update(order_reference=REDACTED)
        )
        their_files = Attachment.filter(item_id__in=_their_items(customer_id))
        file_hashes = set(await their_files.values_list("sha256", flat=True))
        files = await their_files.delete()
        messages = await Message.filter(item_id__in=_their_items(customer_id)).update(body=REDACTED)
        await Resolution.filter(item_id__in=_their_items(customer_id)).update(
            message_to_customer=REDACTED
        )
        await (
            Resolution.filter(item_id__in=_their_items(customer_id))
            .exclude(outcome_detail="")
            .update(outcome_detail=REDACTED)
        )
        await (
            Resolution.filter(item_id__in=_their_items(customer_id))
            .exclude(remedy="")
            .update(remedy=REDACTED)
        )
        await (
            SurveyResponse.filter(item_id__in=_their_items(customer_id))
            .exclude(comment="")
            .update(comment=REDACTED)
        )
        await FollowUp.filter(customer_id=customer_id).exclude(note="").update(note=REDACTED)
        mails = await _erase_mails(customer_id, emails)
        examples = await TrainingExample.filter(
            Q(item_id__in=_their_items(customer_id)) | Q(customer_key__in=emails)
        ).update(text=REDACTED, sentiment=None, category=None, customer_key=None)
        await Notification.filter(item_id__in=_their_items(customer_id)).update(text=REDACTED)
        await Event.filter(
            item_id__in=_their_items(customer_id), action__in=ACTIONS_WITH_CUSTOMER_TEXT
        ).update(detail=REDACTED, old_value=REDACTED, new_value=REDACTED)
        if actor is not None:
            detail = f"personal data erased by {actor.name}"
        else:
            detail = "personal data erased: retention period passed"
        await _record_on_items(customer_id, "erased", detail, actor, now)
    await remove_unused(store, file_hashes)
    return Erasure(customer_id, items, messages, mails, examples, files)


async def _erase_mails(customer_id: int, emails: list[str]) -> int:
    """Mails to and from the customer: texts and addresses replaced, unsent ones never sent.

    Message-IDs are dropped too, so a later reply in an old thread cannot find the erased
    item and starts a new one instead.
    """
    theirs = Q(item_id__in=_their_items(customer_id), kind__in=CUSTOMER_KINDS) | Q(
        to_address__in=emails
    )
    await OutboxMail.filter(theirs, status=MailStatus.PENDING).update(
        status=MailStatus.FAILED, last_error="not sent: the customer's personal data was erased"
    )
    await OutboxMail.filter(theirs).update(
        to_address=placeholder_email(customer_id), to_name=placeholder_name(customer_id)
    )
    # Staff mails about the items (warnings, breaches) quote subjects: their texts go too.
    about = Q(item_id__in=_their_items(customer_id)) | Q(to_address__in=emails)
    mails = await OutboxMail.filter(about).update(
        subject=REDACTED, body_text=REDACTED, body_html=None, message_id=None
    )
    inbound = Q(item_id__in=_their_items(customer_id)) | Q(from_address__in=emails)
    await InboundMail.filter(inbound).exclude(subject="").update(subject=REDACTED)
    await InboundMail.filter(inbound).exclude(attachment_names="").update(attachment_names=REDACTED)
    mails += await InboundMail.filter(inbound).update(
        from_address=placeholder_email(customer_id), message_id=None
    )
    return mails


# -- retention -------------------------------------------------------------------------------------


def _active_customers(since: datetime) -> Subquery:
    """Customers with an open item, or an item that changed (any message, status, resolution
    or survey answer) at or after `since`."""
    return Subquery(
        FeedbackItem.filter(
            Q(status__in=list(OPEN_STATUSES))
            | Q(updated_at__gte=since)
            | Q(survey__updated_at__gte=since)
        ).values("customer_id")
    )


def _open_customers() -> Subquery:
    return Subquery(FeedbackItem.filter(status__in=list(OPEN_STATUSES)).values("customer_id"))


@dataclass
class PurgeReport:
    """What a purge did, or would do with `dry_run`."""

    older_than_days: int
    dry_run: bool
    customer_ids: list[int] = field(default_factory=list)  # erased, or to be erased
    kept_open: int = 0  # inactive for long enough, but with an open item

    def describe(self) -> str:
        verb = "would erase" if self.dry_run else "erased"
        return (
            f"{verb} {len(self.customer_ids)} customer(s) inactive for more than "
            f"{self.older_than_days} days; kept {self.kept_open} with an open item"
        )


def check_retention_days(days: int) -> int:
    """A retention limit in days, refused below `MIN_RETENTION_DAYS` (ValueError)."""
    if days < MIN_RETENTION_DAYS:
        raise ValueError(f"the retention limit must be at least {MIN_RETENTION_DAYS} days")
    return days


async def purge_personal_data(
    *,
    now: datetime,
    older_than_days: int,
    store: AttachmentStore,
    dry_run: bool = False,
    limit: int | None = None,
) -> PurgeReport:
    """Erase customers last active more than `older_than_days` ago who have no open item.

    Last activity is the latest change to any of their items (a message, a status change,
    a resolution, a survey answer), or when they were created. A customer active exactly
    `older_than_days` ago is kept. `limit` caps one pass (the sweeper's).
    """
    check_retention_days(older_than_days)
    cutoff = now - timedelta(days=older_than_days)
    report = PurgeReport(older_than_days, dry_run)
    # A record merged into another is an alias: erased with the customer it belongs to.
    stale = Customer.filter(
        erased_at__isnull=True, merged_into_id__isnull=True, created_at__lt=cutoff
    ).exclude(
        id__in=Subquery(
            FeedbackItem.filter(
                Q(updated_at__gte=cutoff) | Q(survey__updated_at__gte=cutoff)
            ).values("customer_id")
        )
    )
    report.kept_open = await stale.filter(id__in=_open_customers()).count()
    candidates = stale.exclude(id__in=_open_customers()).order_by("id")
    if limit is not None:
        candidates = candidates.limit(limit)
    ids = list(await candidates.values_list("id", flat=True))
    if dry_run:
        report.customer_ids = ids
        return report
    for customer_id in ids:
        if await erase_customer(
            customer_id, actor=None, now=now, store=store, inactive_since=cutoff
        ):
            report.customer_ids.append(customer_id)
    return report
