"""Intake: validate a submission, find or create the customer, create the item, score it.

The web form and staff logging feedback on a customer's behalf both come through
`submit_feedback`, so scoring, auditing, priority, routing and targets happen the same way
for all.
"""

from __future__ import annotations

import asyncio
import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise.exceptions import IntegrityError, OperationalError
from tortoise.transactions import in_transaction

from feedback import audit, model_store
from feedback.addresses import is_mail_address, normalise_email
from feedback.at_risk import flag_repeat_complainant
from feedback.attachments import CheckedFile, attach, audit_note
from feedback.customer_mail import CustomerLinks, queue_confirmation
from feedback.customer_merge import current_customer
from feedback.label_review import CATEGORY_CONFIDENCE, GENERIC_CATEGORY
from feedback.models import AuthorKind, Channel, Customer, FeedbackItem, Kind, Message, Status
from feedback.sentiment import Sentiment, score_text
from feedback.text_limits import too_long
from portal.i18n import N_
from triage.pipeline import triage_new_item

LIMITS = {
    "name": 120,
    "email": 254,
    "phone": 40,
    "company": 120,
    "order_reference": 60,
    "touchpoint": 60,
    "subject": 200,
    "message": 10_000,
}
_PHONE = re.compile(r"^[0-9+()./\- ]{5,40}$")
_REFERENCE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone


@dataclass(frozen=True)
class Submission:
    """A validated piece of feedback, from the public form or logged by staff."""

    kind: Kind
    category: str
    name: str
    email: str
    subject: str
    message: str
    phone: str = ""
    order_reference: str = ""
    touchpoint: str = ""
    submission_token: str | None = None


def _clean(value: Any) -> str:
    # Normalise line endings and strip NULs, which some databases refuse.
    return str(value or "").replace("\r\n", "\n").replace("\x00", "").strip()


def validate_submission(
    data: Mapping[str, Any], *, categories: Sequence[str], touchpoints: Sequence[str]
) -> tuple[Submission | None, dict[str, str]]:
    """Check a submitted form; returns (submission, {}) or (None, {field: message})."""
    values = {name: _clean(data.get(name)) for name in (*LIMITS, "kind", "category")}
    errors: dict[str, str] = {}
    if values["kind"] not in {k.value for k in Kind}:
        errors["kind"] = N_("Choose what kind of feedback this is.")
    if values["category"] not in categories:
        errors["category"] = N_("Choose a topic from the list.")
    if not values["name"]:
        errors["name"] = N_("Tell us your name so we know who to answer.")
    if not values["email"]:
        errors["email"] = N_("Enter your e-mail address so we can answer you.")
    elif not is_mail_address(values["email"]):
        errors["email"] = N_("Enter an e-mail address like name@example.com.")
    if values["phone"] and not _PHONE.match(values["phone"]):
        errors["phone"] = N_("Use digits, spaces and + ( ) - only, or leave it empty.")
    if values["touchpoint"] and values["touchpoint"] not in touchpoints:
        errors["touchpoint"] = N_("Choose a place from the list, or leave it empty.")
    if not values["subject"]:
        errors["subject"] = N_("Give your message a short subject.")
    if not values["message"]:
        errors["message"] = N_("Write your message.")
    for name, limit in LIMITS.items():
        if name not in errors and len(values[name]) > limit:
            errors[name] = too_long(limit)
    token = _clean(data.get("submission_token"))[:64] or None
    if errors:
        return None, errors
    return (
        Submission(
            kind=Kind(values["kind"]),
            category=values["category"],
            name=values["name"],
            email=normalise_email(values["email"]),
            subject=values["subject"],
            message=values["message"],
            phone=values["phone"],
            order_reference=values["order_reference"],
            touchpoint=values["touchpoint"],
            submission_token=token,
        ),
        {},
    )


def new_reference() -> str:
    """A short reference customers can read out on the phone, e.g. FB-7K3Q9A."""
    return "FB-" + "".join(secrets.choice(_REFERENCE_ALPHABET) for _ in range(6))


def is_sqlite_lock_conflict(error: OperationalError) -> bool:
    """SQLite refused a write because another process wrote first ("database is locked").

    The busy timeout covers a writer waiting for another; this is the case it cannot cover:
    a transaction that had already read (on its first statement SQLite reads the schema)
    cannot take the write lock after another process committed, and fails at once. The
    whole transaction is rolled back, so writing it again is safe.
    """
    return "database is locked" in str(error)


def new_submission_token() -> str:
    """Put in the form once; a double click or resubmit reuses it and creates one item."""
    return secrets.token_urlsafe(24)


async def find_or_create_customer(
    email: str, name: str, phone: str = "", *, segment: str = "new"
) -> Customer:
    """The customer with this normalised e-mail, created on first contact.

    An address whose record was merged into another customer's belongs to that customer.
    """
    email = normalise_email(email)
    customer = await Customer.get_or_none(email=email)
    if customer is not None and customer.merged_into_id is not None:
        customer = await current_customer(customer)
    if customer is None:
        customer = await Customer.create(email=email, name=name, phone=phone, segment=segment)
    elif phone and not customer.phone:
        customer.phone = phone
        await customer.save(update_fields=["phone"])
    return customer


async def submit_feedback(
    submission: Submission,
    *,
    now: datetime,
    channel: Channel = Channel.WEB,
    language: str = "en",
    logged_by: Any = None,
    new_customer_segment: str = "new",
    links: CustomerLinks | None = None,
    files: Sequence[CheckedFile] = (),
) -> tuple[FeedbackItem, bool]:
    """Create the item (or return the one this submission token already made).

    With `links` (the public form), a confirmation mail with the tracking link is written to
    the outbox in the same transaction as the item; `files` (their bytes already stored,
    see `feedback.attachments.staged`) are attached to its first message there too.
    Returns (item, created). Safe under concurrency: the unique submission token and the
    unique customer e-mail make a racing duplicate fail and be retried as a lookup.
    """
    if submission.submission_token:
        existing = await FeedbackItem.get_or_none(submission_token=submission.submission_token)
        if existing is not None:
            return existing, False
    sentiment = score_text(f"{submission.subject}\n{submission.message}")
    labels = suggest_labels(submission.category, sentiment)
    last_error: OperationalError | None = None
    for attempt in range(4):
        try:
            item = await _create_item(
                submission,
                labels,
                now,
                channel,
                language,
                logged_by,
                new_customer_segment,
                links,
                files,
            )
            break
        except OperationalError as exc:
            if not isinstance(exc, IntegrityError):
                if not is_sqlite_lock_conflict(exc):
                    raise
                # The transaction was rolled back whole: wait a moment and write it again.
                last_error = exc
                await asyncio.sleep(0.05 * 2**attempt)
                continue
            last_error = exc
            if submission.submission_token:
                existing = await FeedbackItem.get_or_none(
                    submission_token=submission.submission_token
                )
                if existing is not None:
                    return existing, False
    else:
        raise RuntimeError("could not store the feedback item") from last_error
    await triage_new_item(item, now=now, text=f"{submission.subject}\n{submission.message}")
    await flag_repeat_complainant(item, now=now)  # a review for the relationship, never a block
    return item, True


@dataclass(frozen=True)
class IntakeLabels:
    """The scorer's result and what it means for the new item's category."""

    sentiment: Sentiment
    category: str  # the item's category: the submitter's, or the suggestion instead of "Other"
    suggested_category: str  # the learned model's confident suggestion, or ""
    category_confidence: float | None  # the model's probability for its best category

    @property
    def replaced(self) -> bool:
        return bool(self.suggested_category) and self.category == self.suggested_category


def suggest_labels(category: str, sentiment: Sentiment) -> IntakeLabels:
    """Keep the learned model's category suggestion when it is confident enough.

    A submission filed under the generic category ("Other") takes the suggestion instead, if
    it is one of the installation's categories, so routing rules can send it to the right
    team. The submitter's own choice of a specific category is never overridden.
    """
    suggested = ""
    if sentiment.category and (sentiment.category_confidence or 0.0) >= CATEGORY_CONFIDENCE:
        suggested = sentiment.category
    installed = model_store.installation()
    if (
        suggested
        and category == GENERIC_CATEGORY
        and installed is not None
        and suggested in installed.categories
    ):
        category = suggested
    return IntakeLabels(sentiment, category, suggested, sentiment.category_confidence)


async def _create_item(
    submission: Submission,
    labels: IntakeLabels,
    now: datetime,
    channel: Channel,
    language: str,
    logged_by: Any,
    new_customer_segment: str,
    links: CustomerLinks | None = None,
    files: Sequence[CheckedFile] = (),
) -> FeedbackItem:
    # Outside the transaction: every transaction below starts with a write, which on SQLite
    # takes the write lock up front instead of failing when another process wrote between
    # our read and our write.
    customer = await find_or_create_customer(
        submission.email, submission.name, submission.phone, segment=new_customer_segment
    )
    sentiment = labels.sentiment
    scorer = f"{sentiment.scorer}/{sentiment.version}"
    async with in_transaction():
        item = await FeedbackItem.create(
            reference=new_reference(),
            customer=customer,
            kind=submission.kind,
            category=labels.category,
            suggested_category=labels.suggested_category[:100],
            category_confidence=labels.category_confidence,
            channel=channel,
            touchpoint=submission.touchpoint,
            order_reference=submission.order_reference,
            subject=submission.subject,
            status=Status.NEW,
            sentiment_score=sentiment.score,
            sentiment_label=sentiment.label,
            sentiment_confidence=sentiment.confidence,
            sentiment_scorer=scorer,
            language=language,
            submission_token=submission.submission_token,
            created_week=(now - timedelta(days=now.weekday())).date(),
            created_at=now,
            updated_at=now,
        )
        message = await Message.create(
            item=item,
            author_kind=AuthorKind.CUSTOMER,
            body=submission.message,
            sentiment_score=sentiment.score,
            sentiment_label=sentiment.label,
            sentiment_confidence=sentiment.confidence,
            sentiment_scorer=scorer,
            created_at=now,
        )
        await attach(message, files, now=now)
        if links is not None:
            await queue_confirmation(item, customer, links, now=now)
        detail = f"received via {channel.value.replace('_', ' ')}"  # "in person", not in_person
        if logged_by is not None:
            detail += f", logged by {logged_by.name}"
        if files:
            detail += f", {audit_note(files)}"
        await audit.record(
            item,
            "created",
            now=now,
            actor=logged_by,
            actor_kind=AuthorKind.STAFF if logged_by else AuthorKind.CUSTOMER,
            detail=detail,
        )
        await audit.record(
            item,
            "scored",
            now=now,
            field="sentiment",
            new=f"{sentiment.label} {sentiment.score:+.2f}",
            detail=f"by {scorer}, confidence {sentiment.confidence:.2f}"
            + (
                f", suggests category {sentiment.category} ({labels.category_confidence:.2f})"
                if sentiment.category and labels.category_confidence is not None
                else ""
            ),
        )
        if labels.replaced:
            await audit.record(
                item,
                "category",
                now=now,
                field="category",
                old=submission.category,
                new=labels.category,
                detail=f"category suggested by {scorer}, "
                f"confidence {labels.category_confidence or 0:.2f}",
            )
    return item
