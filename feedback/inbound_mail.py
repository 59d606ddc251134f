"""Inbound e-mail: a customer's mail becomes a reply on its item, or a new item.

Both ways in — `portal receive-mail` (an MTA pipe) and `portal mail-server` (an SMTP
listener an MTA relays to) — call :func:`receive_mail`, which

* refuses a mail that is too large or has no usable sender (:class:`MailRefused`: the
  sending server bounces it, so the customer learns it did not arrive);
* ignores auto-replies and bounces (accepted, counted, dropped: no loop with an
  out-of-office);
* threads a reply onto its item, by the signed token in the address it was sent to, else by
  In-Reply-To/References against the Message-IDs of the mails we sent — the reply goes
  through `feedback.conversation.add_customer_reply`, exactly as on the tracking page
  (scored, resumes a waiting item, reopens a resolved one within the window);
* otherwise makes a new item through `feedback.intake.submit_feedback`, exactly like the
  form: channel e-mail, customer found or created by the sender's address, scored, routed,
  targets set, a confirmation mail with the tracking link.
* but past `new_items_per_hour` new items from one sender within the hour, adds the mail to
  that sender's newest item instead (loop protection against a mail program that answers
  without auto-reply headers; nothing is lost, no confirmation goes out for it).

Each mail is handled in one transaction that starts by inserting its row in
`inbound_mail`, whose Message-ID is unique: a second delivery of the same mail fails there
and is acknowledged without a second message. Any database failure raises
:class:`TemporaryFailure`, so the sending server keeps the mail and tries again.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from feedback import audit
from feedback.addresses import normalise_email
from feedback.attachments import (
    AttachmentError,
    AttachmentLimits,
    AttachmentStore,
    CheckedFile,
    refusal_note,
    screen_uploads,
    staged,
)
from feedback.conversation import add_customer_reply, reply_refusal
from feedback.customer_mail import CUSTOMER_KINDS, CustomerLinks, header_text
from feedback.intake import LIMITS, Submission, submit_feedback
from feedback.label_review import GENERIC_CATEGORY
from feedback.mail_parsing import ParsedMail, parse_mail
from feedback.models import (
    AuthorKind,
    Channel,
    Customer,
    FeedbackItem,
    InboundMail,
    InboundOutcome,
    Kind,
    Message,
    OutboxMail,
)
from feedback.reply_address import ReplyAddress
from feedback.sentiment import score_text
from portal.i18n import LANGUAGES

log = logging.getLogger("portal.inbound_mail")

#: The text kept from one mail: the form's message limit.
MAX_TEXT = LIMITS["message"]
DEFAULT_MAX_BYTES = 10 * 1024 * 1024
NO_SUBJECT = "E-mail without a subject"
NO_TEXT = "(The e-mail had no text.)"


class MailRefused(ValueError):
    """Refused for good (the sending server bounces it): `too_large` or `malformed`."""

    def __init__(self, code: str, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class TemporaryFailure(RuntimeError):
    """Not stored now (the database is unreachable): the sending server should retry."""


@dataclass(frozen=True)
class InboundConfig:
    """What receiving needs from the installation's settings (built by the portal layer)."""

    reply_address: ReplyAddress | None  # None: PORTAL_MAIL_IN_ADDRESS is not set
    max_bytes: int = DEFAULT_MAX_BYTES
    reopen_window_days: int = 14
    categories: tuple[str, ...] = (GENERIC_CATEGORY,)
    new_customer_segment: str = "new"
    language: str = "en"
    links: CustomerLinks | None = None  # the confirmation mail for a new item
    # New items one sender may open by mail in an hour; later mails join the newest one.
    new_items_per_hour: int = 10
    # Where attachments are kept, and within which limits; None: only named on the trail.
    attachment_store: AttachmentStore | None = None
    attachment_limits: AttachmentLimits = field(default_factory=AttachmentLimits)

    @property
    def category(self) -> str:
        """New items from mail: the generic category (the learned model may suggest better)."""
        if GENERIC_CATEGORY in self.categories or not self.categories:
            return GENERIC_CATEGORY
        return self.categories[-1]


@dataclass(frozen=True)
class Receipt:
    """What became of one mail."""

    outcome: InboundOutcome | None  # None: a duplicate delivery, already stored
    reason: str = ""
    item_id: int | None = None
    reference: str = ""

    @property
    def duplicate(self) -> bool:
        return self.outcome is None

    def describe(self) -> str:
        if self.outcome is None:
            return "duplicate: already received"
        words = {
            InboundOutcome.THREADED: f"added to {self.reference}",
            InboundOutcome.NEW: f"new item {self.reference}",
            InboundOutcome.IGNORED: f"ignored ({self.reason})",
            InboundOutcome.REFUSED: f"refused ({self.reason})",
        }
        return words[self.outcome]


def guess_kind(text: str, sentiment_label: str) -> Kind:
    """A mail has no kind field: unhappy -> complaint, happy -> praise, a question, else comment.

    Erring towards "complaint" gives an unhappy customer the complaint's response targets.
    """
    if sentiment_label == "negative":
        return Kind.COMPLAINT
    if sentiment_label == "positive":
        return Kind.PRAISE
    if "?" in text or "？" in text:
        return Kind.QUESTION
    return Kind.COMMENT


def mail_language(parsed: ParsedMail, default: str, languages: Iterable[str]) -> str:
    """The language to answer in: Content-Language, else Chinese text, else the default."""
    available = set(languages)
    if parsed.content_language.startswith("zh") or _mostly_chinese(parsed.text):
        return "zh_CN" if "zh_CN" in available else default
    if parsed.content_language.startswith("en") and "en" in available:
        return "en"
    return default


def _mostly_chinese(text: str) -> bool:
    letters = [ch for ch in text if ch.isalpha()]
    han = sum(1 for ch in letters if "\u4e00" <= ch <= "\u9fff")
    return bool(letters) and han / len(letters) >= 0.3


def _recipients(parsed: ParsedMail, envelope: Iterable[str]) -> list[str]:
    return list(dict.fromkeys([*(r.strip() for r in envelope), *parsed.recipients]))


async def _item_by_token(recipients: Sequence[str], config: InboundConfig) -> FeedbackItem | None:
    if config.reply_address is None:
        return None
    for recipient in recipients:
        item_id = config.reply_address.item_id(recipient)
        if item_id is not None:
            # An erased customer's item takes no replies: the mail starts a new item.
            item = await FeedbackItem.get_or_none(id=item_id, customer__erased_at__isnull=True)
            if item is not None:
                return item
    return None


async def _item_by_reference(parsed: ParsedMail) -> FeedbackItem | None:
    """The item of the newest mail this one answers: one we sent, or the sender's own."""
    if not parsed.references:
        return None
    found = (
        await OutboxMail.filter(
            message_id__in=list(parsed.references),
            kind__in=CUSTOMER_KINDS,
            item_id__isnull=False,
        )
        .order_by("-id")
        .limit(1)
        .values_list("item_id", flat=True)
    )
    if not found and parsed.from_address:
        # A follow-up in the thread the customer started by mail (their own Message-ID).
        found = (
            await InboundMail.filter(
                message_id__in=list(parsed.references),
                from_address=parsed.from_address,
                item_id__isnull=False,
            )
            .order_by("-id")
            .limit(1)
            .values_list("item_id", flat=True)
        )
    return await FeedbackItem.get_or_none(id=found[0]) if found else None


async def _follow_merge(item: FeedbackItem) -> FeedbackItem:
    """A reply to an item merged into another belongs on the one it was merged into."""
    merged_into = item.merged_into_id  # type: ignore[attr-defined]
    if merged_into is None:
        return item
    return await FeedbackItem.get_or_none(id=merged_into) or item


@dataclass(frozen=True)
class _Files:
    """A mail's attachments: the ones kept (within the limits) and the ones skipped."""

    kept: tuple[CheckedFile, ...] = ()
    skipped: tuple[AttachmentError, ...] = ()


def _screen(parsed: ParsedMail, config: InboundConfig) -> _Files:
    if config.attachment_store is None:
        return _Files()
    kept, skipped = screen_uploads(parsed.files, config.attachment_limits)
    return _Files(tuple(kept), tuple(skipped))


def _attachment_note(parsed: ParsedMail, config: InboundConfig, files: _Files) -> str:
    if not parsed.attachments:
        return ""
    if config.attachment_store is None:
        count = len(parsed.attachments)
        return (
            f"; {count} attachment{'' if count == 1 else 's'} not kept: {parsed.attachment_summary}"
        )
    return f"; {refusal_note(files.skipped)}" if files.skipped else ""


async def _sender_note(item: FeedbackItem, parsed: ParsedMail) -> str:
    customer_email = await Customer.filter(id=item.customer_id).values_list(  # type: ignore[attr-defined]
        "email", flat=True
    )
    if customer_email and normalise_email(str(customer_email[0])) == parsed.from_address:
        return ""
    return f" (sent from {parsed.from_address}, not the customer's address)"


@dataclass(frozen=True)
class _Handled:
    outcome: InboundOutcome
    item: FeedbackItem
    message_id: int | None
    reason: str = ""


async def _thread(
    item: FeedbackItem,
    parsed: ParsedMail,
    matched_by: str,
    config: InboundConfig,
    now: datetime,
    files: _Files,
) -> _Handled | None:
    """Add the mail to `item`'s conversation; None when the item takes no more replies."""
    if reply_refusal(item, now=now, reopen_window_days=config.reopen_window_days):
        return None
    body = parsed.text or parsed.subject or NO_TEXT
    message = await add_customer_reply(
        item, body, now=now, reopen_window_days=config.reopen_window_days, files=files.kept
    )
    note = await _sender_note(item, parsed)
    await audit.record(
        item,
        "mail_received",
        now=now,
        actor_kind=AuthorKind.CUSTOMER,
        detail=f"reply by e-mail, matched by {matched_by}{note}"
        f"{_attachment_note(parsed, config, files)}",
    )
    return _Handled(
        InboundOutcome.THREADED, item, message.id, f"matched by {matched_by}{note}"[:200]
    )


async def _flooded_item(address: str, config: InboundConfig, now: datetime) -> FeedbackItem | None:
    """The sender's newest mail item when they made `new_items_per_hour` of them this hour.

    Loop protection for a mail program that answers without the auto-reply headers: its
    mails go onto one item (no confirmation mail each, so no ping-pong) and nothing is lost.
    """
    recent = (
        await FeedbackItem.filter(
            customer__email=address, channel=Channel.EMAIL, created_at__gte=now - timedelta(hours=1)
        )
        .order_by("-created_at", "-id")
        .limit(config.new_items_per_hour)
    )
    return recent[0] if len(recent) >= config.new_items_per_hour else None


async def _new_item(
    parsed: ParsedMail, config: InboundConfig, now: datetime, files: _Files, note: str = ""
) -> _Handled:
    subject = parsed.subject or header_text(parsed.text.split("\n", 1)[0], 80) or NO_SUBJECT
    text = parsed.text or NO_TEXT
    sentiment = score_text(f"{subject}\n{text}")
    submission = Submission(
        kind=guess_kind(text, sentiment.label),
        category=config.category,
        name=parsed.from_name or parsed.from_address,
        email=parsed.from_address,
        subject=subject[: LIMITS["subject"]],
        message=text,
    )
    item, _created = await submit_feedback(
        submission,
        now=now,
        channel=Channel.EMAIL,
        language=mail_language(parsed, config.language, LANGUAGES),
        new_customer_segment=config.new_customer_segment,
        links=config.links,
        files=files.kept,
    )
    detail = f"new item from an e-mail{note}{_attachment_note(parsed, config, files)}"
    if parsed.truncated:
        detail += f"; text cut at {MAX_TEXT} characters"
    await audit.record(
        item, "mail_received", now=now, actor_kind=AuthorKind.CUSTOMER, detail=detail
    )
    first = (
        await Message.filter(item_id=item.id).order_by("id").limit(1).values_list("id", flat=True)
    )
    return _Handled(InboundOutcome.NEW, item, first[0] if first else None, note.strip("; ")[:200])


async def record_refusal(reason: str, size: int, now: datetime, parsed: ParsedMail | None) -> None:
    """Count a refused mail on /manage/mail; best effort (the refusal stands either way)."""
    try:
        await InboundMail.create(
            message_id=None,
            outcome=InboundOutcome.REFUSED,
            reason=reason[:200],
            from_address=parsed.from_address if parsed else "",
            subject=parsed.subject if parsed else "",
            size_bytes=size,
            received_at=now,
            received_on=now.date(),
        )
    except Exception:  # noqa: BLE001 - the database may be the very thing that is down
        log.warning("could not count a refused mail (%s)", reason, exc_info=True)


async def receive_mail(
    raw: bytes,
    *,
    now: datetime,
    config: InboundConfig,
    envelope_sender: str | None = None,
    envelope_recipients: Iterable[str] = (),
) -> Receipt:
    """Handle one received mail; see the module docstring for the rules.

    Raises MailRefused (bounce it) or TemporaryFailure (try again later).
    """
    if len(raw) > config.max_bytes:
        reason = f"too large: {len(raw)} bytes, at most {config.max_bytes}"
        await record_refusal(reason, len(raw), now, None)
        raise MailRefused("too_large", reason)
    try:
        parsed = parse_mail(raw, max_text=MAX_TEXT, envelope_sender=envelope_sender)
    except Exception as exc:  # noqa: BLE001 - the stdlib parser gave up on this mail
        log.warning("could not read a received mail", exc_info=True)
        reason = f"unreadable: {type(exc).__name__}"
        await record_refusal(reason, len(raw), now, None)
        raise MailRefused("malformed", reason) from exc
    base = {
        "message_id": parsed.message_id,
        "from_address": parsed.from_address,
        "subject": parsed.subject[:200],
        "size_bytes": len(raw),
        "attachment_count": len(parsed.attachments),
        "attachment_names": parsed.attachment_summary,
        "received_at": now,
        "received_on": now.date(),
    }
    if not parsed.automatic and not parsed.from_address:
        reason = "no usable sender address (From)"
        await record_refusal(reason, len(raw), now, parsed)
        raise MailRefused("malformed", reason)
    files = _screen(parsed, config)
    try:
        # The kept files' bytes are written first, and removed again if nothing refers to
        # them (a duplicate delivery, a failed transaction).
        store = config.attachment_store
        guard = staged(store, files.kept) if store and files.kept else contextlib.nullcontext()
        async with guard:
            return await _store(parsed, base, config, now, envelope_recipients, files)
    except IntegrityError as exc:
        try:
            stored = await InboundMail.exists(message_id=parsed.message_id)
        except Exception as lookup_error:
            raise TemporaryFailure(str(lookup_error)) from exc
        if stored:
            log.info("duplicate delivery of %s: already received", parsed.message_id)
            return Receipt(None, "already received")
        raise TemporaryFailure(str(exc)) from exc  # a race elsewhere: the retry settles it
    except (MailRefused, TemporaryFailure):
        raise
    except Exception as exc:
        # The database is down or failed mid-way: nothing was kept (one transaction), so
        # the sending server must keep the mail and try again.
        log.exception("could not store a received mail; the sender will retry")
        raise TemporaryFailure(f"{type(exc).__name__}: {exc}") from exc


async def _store(
    parsed: ParsedMail,
    base: dict[str, object],
    config: InboundConfig,
    now: datetime,
    envelope_recipients: Iterable[str],
    files: _Files,
) -> Receipt:
    async with in_transaction():
        # First a write with the unique Message-ID: a duplicate stops here, and on SQLite
        # the write lock is taken before anything is read.
        row = await InboundMail.create(outcome=InboundOutcome.IGNORED, **base)
        if parsed.automatic:
            await InboundMail.filter(id=row.id).update(reason=parsed.automatic[:200])
            return Receipt(InboundOutcome.IGNORED, parsed.automatic)
        result: _Handled | None = None
        note = ""
        recipients = _recipients(parsed, envelope_recipients)
        matched_by = "address token"
        item = await _item_by_token(recipients, config)
        if item is None:
            matched_by = "In-Reply-To/References"
            item = await _item_by_reference(parsed)
        if item is not None:
            item = await _follow_merge(item)
            result = await _thread(item, parsed, matched_by, config, now, files)
            if result is None:
                note = f"; a reply to {item.reference}, which is closed for replies"
        if result is None:
            flood = await _flooded_item(parsed.from_address, config, now)
            if flood is not None:
                result = await _thread(flood, parsed, "sender's mail rate", config, now, files)
        if result is None:
            result = await _new_item(parsed, config, now, files, note)
        await InboundMail.filter(id=row.id).update(
            outcome=result.outcome,
            reason=result.reason,
            item_id=result.item.id,
            added_message_id=result.message_id,
        )
        return Receipt(result.outcome, result.reason, result.item.id, result.item.reference)


@dataclass(frozen=True)
class InboundSummary:
    """Counts by day and outcome for /manage/mail, newest day first."""

    days: list[tuple[date, dict[str, int]]]
    totals: dict[str, int]
    last_received_at: datetime | None
    outcomes: tuple[str, ...] = field(default=tuple(o.value for o in InboundOutcome))

    @property
    def received(self) -> int:
        return sum(self.totals.values())


async def inbound_summary(now: datetime, days: int = 7) -> InboundSummary:
    """The last `days` days (today included): one grouped query, one MAX."""
    since = now.date() - timedelta(days=days - 1)
    rows = (
        await InboundMail.filter(received_on__gte=since)
        .group_by("received_on", "outcome")
        .annotate(n=Count("id"))
        .values("received_on", "outcome", "n")
    )
    by_day: dict[date, dict[str, int]] = {
        since + timedelta(days=offset): {o.value: 0 for o in InboundOutcome}
        for offset in range(days)
    }
    totals = {o.value: 0 for o in InboundOutcome}
    for row in rows:
        day = row["received_on"]
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        outcome = str(row["outcome"])
        if day in by_day:
            by_day[day][outcome] = int(row["n"])
            totals[outcome] += int(row["n"])
    last = (
        await InboundMail.all()
        .order_by("-received_at")
        .limit(1)
        .values_list("received_at", flat=True)
    )
    return InboundSummary(sorted(by_day.items(), reverse=True), totals, last[0] if last else None)
