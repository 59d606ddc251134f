"""Resolving an item with a resolution record, and the customer's satisfaction survey.

A resolution says what happened (outcome, root cause, remedy, effort) and carries the
message the rep wrote to the customer. Template-only messages are refused: a customer who
complained deserves an answer that says what was done and what happens next.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from feedback import audit
from feedback.conversation import add_staff_reply, change_status
from feedback.customer_mail import CustomerLinks, queue_resolution
from feedback.duplicates import possible_duplicates
from feedback.followups import default_follow_up_days, schedule_follow_up
from feedback.models import (
    DONE_STATUSES,
    OPEN_STATUSES,
    AuthorKind,
    Customer,
    Event,
    FeedbackItem,
    FollowUp,
    Message,
    Outcome,
    Resolution,
    Status,
    SurveyResponse,
)
from feedback.text_limits import too_long
from portal.i18n import N_

MAX_MESSAGE_LENGTH = 10_000
MAX_DETAIL_LENGTH = 2_000
MAX_REMEDY_LENGTH = 2_000
MAX_AMOUNT = Decimal("1000000")
MAX_EFFORT_MINUTES = 10_000
MAX_FOLLOW_UP_DAYS = 365
MAX_FOLLOW_UP_NOTE = 500
# How much real text a message to the customer needs once greetings, sign-offs and canned
# phrases are taken out. A CJK character carries about as much as a short English word, so
# it counts three times.
MIN_REAL_TEXT = 40
CJK_WEIGHT = 3
# Why a short message is refused: mostly stock phrases (a canned reply pasted as it is), or
# simply too little said.
CANNED_REPLY = (
    "This is stock phrases only (like “thank you for your feedback”): write in your own words "
    "what you did and what happens next."
)
TOO_SHORT = (
    f"This is too short: write at least {MIN_REAL_TEXT} characters about what you did and what "
    "happens next (greetings, sign-offs and stock phrases do not count)."
)

# What the customer reads on the tracking page, translated where it is shown.
OUTCOME_WORDS = {
    Outcome.RESOLVED: N_("We have resolved this."),
    Outcome.PARTLY_RESOLVED: N_("We have partly resolved this."),
    Outcome.NOT_RESOLVED: N_("We could not resolve this."),
    Outcome.NOT_A_PROBLEM: N_("We looked into this and found nothing that needed fixing."),
}

# Lines that say nothing on their own. Compared after normalising (lower case, words only),
# so punctuation, curly quotes and spacing do not matter.
CANNED_PHRASES = (
    "thank you for your feedback",
    "thanks for your feedback",
    "thank you for your message",
    "thank you for contacting us",
    "thanks for contacting us",
    "thank you for getting in touch",
    "thank you for reaching out",
    "thanks for reaching out",
    "thank you for your patience",
    "thank you for bringing this to our attention",
    "your issue has been resolved",
    "your issue is resolved",
    "your issue has now been resolved",
    "this issue has been resolved",
    "the issue has been resolved",
    "your complaint has been resolved",
    "your request has been resolved",
    "this has been resolved",
    "we have resolved your issue",
    "we apologise for any inconvenience caused",
    "we apologize for any inconvenience caused",
    "we apologise for any inconvenience",
    "we apologize for any inconvenience",
    "we apologise for the inconvenience",
    "we apologize for the inconvenience",
    "apologies for any inconvenience",
    "sorry for any inconvenience",
    "sorry for the inconvenience",
    "we are sorry for the inconvenience",
    "we value your feedback",
    "your feedback is important to us",
    "your feedback has been passed on to the relevant team",
    "we have passed your feedback on to the relevant team",
    "we will look into it",
    "we will look into this",
    "please do not hesitate to contact us",
    "please dont hesitate to contact us",
    "if you have any further questions",
    "if you have any other questions",
    "please let us know if you need anything else",
    "we hope this helps",
    "have a nice day",
    "have a great day",
    "this ticket is now closed",
    "this case is now closed",
    "kind regards",
    "best regards",
    "warm regards",
    "regards",
    "best wishes",
    "many thanks",
    "thank you",
    "thanks",
    "yours sincerely",
    "sincerely",
    "the customer service team",
    "customer service team",
    "customer services",
    "customer service",
)
_GREETING = re.compile(
    r"^\s*(?:hi|hello|hey|dear|greetings|good (?:morning|afternoon|evening))\b"
    r"(?:(?:[ \t]+[\w.'’-]+){0,4}[ \t]*[,!:\n]|)",
    re.IGNORECASE,
)
_PLACEHOLDER = re.compile(r"\[[A-Za-z _]{2,30}\]|\{\{[^}]*\}\}|<[A-Z][A-Z _]{1,30}>|\bX{3,}\b")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]")
_AMOUNT = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?$")


class ResolutionError(ValueError):
    """The item cannot be resolved now (already resolved, closed, or changed meanwhile)."""


class SurveyError(ValueError):
    """The survey cannot be answered or changed (shown to the customer, translated)."""


def _normalise(text: str) -> str:
    text = text.lower().replace("’", "").replace("'", "")
    return " ".join(re.findall(r"\w+", text))


_CANNED = sorted({_normalise(p) for p in CANNED_PHRASES}, key=len, reverse=True)
_CANNED_RE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in _CANNED) + r")\b")


def real_text(message: str) -> str:
    """What is left of a message once greetings, canned phrases and sign-offs are removed."""
    text = _GREETING.sub("", message, count=1)
    text = _CANNED_RE.sub(" ", _normalise(text))
    return " ".join(text.split())


def _weighted_length(text: str) -> int:
    cjk = len(_CJK.findall(text))
    return len(text) - cjk + cjk * CJK_WEIGHT


def real_length(message: str) -> int:
    return _weighted_length(real_text(message))


def stock_length(message: str) -> int:
    """How much of a message (greeting aside) is canned phrases and sign-offs."""
    text = _normalise(_GREETING.sub("", message, count=1))
    return sum(_weighted_length(found.group()) for found in _CANNED_RE.finditer(text))


def check_customer_message(message: str) -> str | None:
    """Why a message to the customer is not acceptable, or None when it is."""
    if not message.strip():
        return "Write the message to the customer."
    if len(message) > MAX_MESSAGE_LENGTH:
        return too_long(MAX_MESSAGE_LENGTH)
    if _PLACEHOLDER.search(message):
        return "Replace the placeholders (like [name]) with real text."
    real = real_length(message)
    if real < MIN_REAL_TEXT:
        # More stock phrase than own words: a canned reply; else just too little said.
        return CANNED_REPLY if stock_length(message) > real else TOO_SHORT
    return None


@dataclass(frozen=True)
class ResolutionInput:
    """A validated resolution form."""

    outcome: Outcome
    root_cause: str
    remedy: str
    effort_minutes: int
    message: str
    outcome_detail: str = ""
    remedy_amount: Decimal | None = None
    follow_up_days: int | None = None  # None: no follow-up
    follow_up_note: str = ""


def _clean(value: Any) -> str:
    return str(value or "").replace("\r\n", "\n").replace("\x00", "").strip()


def _parse_amount(raw: str) -> tuple[Decimal | None, str | None]:
    text = raw.replace(" ", "")
    if not text:
        return None, None
    if text.startswith("-"):
        return None, "The amount cannot be negative."
    if not _AMOUNT.match(text):
        return None, "Enter an amount like 25 or 25.50 (two decimals at most), or leave it empty."
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern only lets numbers through
        return None, "Enter an amount like 25 or 25.50, or leave it empty."
    if amount > MAX_AMOUNT:
        return None, "The amount can be 1,000,000 at most."
    return amount, None


def _parse_int(raw: str, low: int, high: int) -> int | None:
    if not re.fullmatch(r"\d{1,7}", raw):
        return None
    value = int(raw)
    return value if low <= value <= high else None


def validate_resolution(
    form: Mapping[str, Any], root_causes: Sequence[str]
) -> tuple[ResolutionInput | None, dict[str, str]]:
    """Check the resolve form; returns (input, {}) or (None, {field: message})."""
    values = {
        name: _clean(form.get(name))
        for name in (
            "outcome",
            "outcome_detail",
            "root_cause",
            "remedy",
            "remedy_amount",
            "effort_minutes",
            "message",
            "follow_up_days",
            "follow_up_note",
        )
    }
    errors: dict[str, str] = {}
    outcome: Outcome | None = None
    try:
        outcome = Outcome(values["outcome"])
    except ValueError:
        errors["outcome"] = "Choose the outcome."
    detail = values["outcome_detail"]
    if outcome == Outcome.PARTLY_RESOLVED and not detail:
        errors["outcome_detail"] = "Say what we did and what is still open."
    elif outcome == Outcome.NOT_RESOLVED and not detail:
        errors["outcome_detail"] = "Say why it could not be resolved."
    elif len(detail) > MAX_DETAIL_LENGTH:
        errors["outcome_detail"] = too_long(MAX_DETAIL_LENGTH)
    if values["root_cause"] not in root_causes:
        errors["root_cause"] = "Choose the root cause from the list."
    if not values["remedy"]:
        errors["remedy"] = 'Say what we gave or did for the customer (write "None" if nothing).'
    elif len(values["remedy"]) > MAX_REMEDY_LENGTH:
        errors["remedy"] = too_long(MAX_REMEDY_LENGTH)
    amount, amount_error = _parse_amount(values["remedy_amount"])
    if amount_error:
        errors["remedy_amount"] = amount_error
    effort = _parse_int(values["effort_minutes"], 0, MAX_EFFORT_MINUTES)
    if effort is None:
        errors["effort_minutes"] = (
            "Enter the minutes spent on this, a whole number from 0 to 10,000."
        )
    message_error = check_customer_message(values["message"])
    if message_error:
        errors["message"] = message_error
    follow_up_days = None
    if form.get("follow_up") == "on":
        follow_up_days = _parse_int(values["follow_up_days"], 1, MAX_FOLLOW_UP_DAYS)
        if follow_up_days is None:
            errors["follow_up_days"] = "Enter the days until the follow-up, from 1 to 365."
    if len(values["follow_up_note"]) > MAX_FOLLOW_UP_NOTE:
        errors["follow_up_note"] = too_long(MAX_FOLLOW_UP_NOTE)
    if errors or outcome is None or effort is None:
        return None, errors
    return (
        ResolutionInput(
            outcome=outcome,
            root_cause=values["root_cause"],
            remedy=values["remedy"],
            effort_minutes=effort,
            message=values["message"],
            outcome_detail=detail,
            remedy_amount=amount,
            follow_up_days=follow_up_days,
            follow_up_note=values["follow_up_note"],
        ),
        {},
    )


def default_resolution_values(
    item: FeedbackItem, customer: Customer, follow_up_days: Mapping[str, int]
) -> dict[str, str]:
    """What the resolve form starts with: the follow-up default for the customer's segment."""
    days = default_follow_up_days(item, customer, follow_up_days)
    return {"follow_up": "on" if days else "", "follow_up_days": str(days or 7)}


async def resolve_item(
    item: FeedbackItem,
    staff: Any,
    data: ResolutionInput,
    now: datetime,
    links: CustomerLinks | None = None,
) -> Resolution:
    """Post the rep's message, record the resolution, resolve the item, maybe schedule a follow-up.

    With `links`, the customer is mailed the outcome, the message and the link to rate the
    answer (one mail, not a reply mail as well), in the same transaction. All or nothing.
    The item's version is claimed first, so two reps resolving at once give one resolution
    (the second gets ResolutionError).
    """
    if item.status not in OPEN_STATUSES:
        raise ResolutionError(
            "This item is already resolved."
            if item.status == Status.RESOLVED
            else "This item is closed and cannot be resolved."
        )
    async with in_transaction():
        claimed = await FeedbackItem.filter(
            id=item.id, version=item.version, status__in=list(OPEN_STATUSES)
        ).update(version=item.version + 1, updated_at=now)
        if not claimed:
            raise ResolutionError(
                "Someone changed this item while you were writing. Reload it, check what "
                "changed, then resolve it."
            )
        item.version += 1
        await add_staff_reply(item, staff, data.message, now=now)
        resolution = await Resolution.create(
            item=item,
            outcome=data.outcome,
            outcome_detail=data.outcome_detail,
            root_cause=data.root_cause,
            remedy=data.remedy,
            remedy_amount=data.remedy_amount,
            message_to_customer=data.message,
            effort_minutes=data.effort_minutes,
            resolved_by=staff,
            created_at=now,
        )
        await change_status(item, Status.RESOLVED, now=now, actor=staff, detail="resolved")
        amount = f", amount {data.remedy_amount}" if data.remedy_amount is not None else ""
        await audit.record(
            item,
            "resolution",
            now=now,
            actor=staff,
            field="outcome",
            new=data.outcome.value,
            detail=f"root cause: {data.root_cause}; effort {data.effort_minutes} min{amount}",
        )
        customer = await Customer.get(id=item.customer_id)  # type: ignore[attr-defined]
        if customer.owner_id == staff.id:  # type: ignore[attr-defined]
            # add_staff_reply stamps this too; kept explicit because the rule belongs here.
            await Customer.filter(id=customer.id).update(last_owner_contact_at=now)
        if links is not None:
            await queue_resolution(
                item, customer, OUTCOME_WORDS[data.outcome], data.message, links, now=now
            )
        if data.follow_up_days:
            await schedule_follow_up(
                item,
                owner_id=item.owner_id or staff.id,  # type: ignore[attr-defined]
                due_at=now + timedelta(days=data.follow_up_days),
                now=now,
                note=data.follow_up_note,
                actor=staff,
            )
    return resolution


# --- What the item page shows about outcomes ---------------------------------------------


@dataclass
class MergedItem:
    item: FeedbackItem
    messages: list[Message]


@dataclass
class ItemOutcome:
    """Resolutions, survey, follow-ups, duplicates and merges of one item (for the item page)."""

    resolutions: list[Resolution] = field(default_factory=list)
    survey: SurveyResponse | None = None
    follow_ups: list[FollowUp] = field(default_factory=list)
    duplicates: list[FeedbackItem] = field(default_factory=list)
    merged_from: list[MergedItem] = field(default_factory=list)
    merged_into: FeedbackItem | None = None


async def item_outcome(item: FeedbackItem) -> ItemOutcome:
    outcome = ItemOutcome(
        resolutions=await Resolution.filter(item_id=item.id).select_related("resolved_by"),
        survey=await SurveyResponse.get_or_none(item_id=item.id),
        follow_ups=await FollowUp.filter(item_id=item.id).select_related("owner"),
    )
    if item.status in OPEN_STATUSES:
        outcome.duplicates = await possible_duplicates(item)
    merged_into_id = item.merged_into_id  # type: ignore[attr-defined]
    if merged_into_id is not None:
        outcome.merged_into = await FeedbackItem.get_or_none(id=merged_into_id)
    merged = await FeedbackItem.filter(merged_into_id=item.id).order_by("created_at", "id")
    if merged:
        messages = await Message.filter(item_id__in=[m.id for m in merged]).select_related(
            "author_staff"
        )
        for merged_item in merged:
            outcome.merged_from.append(
                MergedItem(merged_item, [m for m in messages if m.item_id == merged_item.id])  # type: ignore[attr-defined]
            )
    return outcome


@dataclass(frozen=True)
class ResolvedState:
    """What an item says about being resolved, on the item and customer pages.

    `resolved_at` is the current resolution (None while the item is open, whatever a row
    reopened before resolved_at was cleared on reopening still holds). An open item that was
    resolved before, and so reopened since, has `previously_resolved_at` (its latest
    resolution record) and, where the audit trail was read, `reopened_at`.
    """

    resolved_at: datetime | None = None
    previously_resolved_at: datetime | None = None
    reopened_at: datetime | None = None

    @property
    def reopened(self) -> bool:
        return self.previously_resolved_at is not None or self.reopened_at is not None


def resolved_state(
    item: FeedbackItem, latest: Resolution | None, events: Sequence[Event] = ()
) -> ResolvedState:
    """`latest` is the item's latest resolution; `events` its audit trail, oldest first."""
    if item.status not in OPEN_STATUSES:
        return ResolvedState(resolved_at=item.resolved_at)
    reopened_at = None
    for event in events:
        if (
            event.action == "status"
            and event.old_value in DONE_STATUSES
            and event.new_value in OPEN_STATUSES
        ):
            reopened_at = event.created_at
    return ResolvedState(
        previously_resolved_at=latest.created_at if latest else None, reopened_at=reopened_at
    )


@dataclass(frozen=True)
class HistoryOutcome:
    resolution: Resolution | None
    survey: SurveyResponse | None
    state: ResolvedState = field(default_factory=ResolvedState)


async def history_outcomes(items: Sequence[FeedbackItem]) -> dict[int, HistoryOutcome]:
    """Each item's latest resolution, survey answer and resolved state (two queries)."""
    item_ids = [item.id for item in items]
    latest: dict[int, Resolution] = {}
    for resolution in await Resolution.filter(item_id__in=item_ids).order_by("created_at", "id"):
        latest[resolution.item_id] = resolution  # type: ignore[attr-defined]
    surveys = {
        s.item_id: s  # type: ignore[attr-defined]
        for s in await SurveyResponse.filter(item_id__in=item_ids)
    }
    return {
        item.id: HistoryOutcome(
            latest.get(item.id), surveys.get(item.id), resolved_state(item, latest.get(item.id))
        )
        for item in items
    }


async def latest_resolution(item: FeedbackItem) -> Resolution | None:
    return await Resolution.filter(item_id=item.id).order_by("-created_at", "-id").first()


# --- Satisfaction survey ------------------------------------------------------------------

SURVEY_COMMENT_LIMIT = 2_000


@dataclass(frozen=True)
class SurveyInput:
    satisfaction: int
    recommend: int
    comment: str = ""


def validate_survey(form: Mapping[str, Any]) -> tuple[SurveyInput | None, dict[str, str]]:
    """Satisfaction 1–5, recommend 0–10, an optional comment. Messages are marked for gettext."""
    errors: dict[str, str] = {}
    satisfaction = _parse_int(_clean(form.get("satisfaction")), 1, 5)
    if satisfaction is None:
        errors["satisfaction"] = N_("Choose how satisfied you are, from 1 to 5.")
    recommend = _parse_int(_clean(form.get("recommend")), 0, 10)
    if recommend is None:
        errors["recommend"] = N_("Choose how likely you are to recommend us, from 0 to 10.")
    comment = _clean(form.get("comment"))
    if len(comment) > SURVEY_COMMENT_LIMIT:
        errors["comment"] = too_long(SURVEY_COMMENT_LIMIT)
    if errors or satisfaction is None or recommend is None:
        return None, errors
    return SurveyInput(satisfaction, recommend, comment), {}


def survey_state(
    item: FeedbackItem, survey: SurveyResponse | None, now: datetime, change_days: int
) -> str:
    """ "hidden" (not resolved), "open" (not answered), "changeable" or "locked".

    Hidden while the item is open, even when the customer answered for an earlier resolution
    that was reopened: we are working on it again, so there is nothing to rate now. The
    answer comes back (changeable or locked by its own deadline) once it is resolved again.
    """
    if item.status not in DONE_STATUSES:
        return "hidden"
    if item.resolved_at is None:
        return "locked" if survey is not None else "hidden"
    if item.merged_into_id is not None:  # type: ignore[attr-defined]
        return "locked" if survey is not None else "hidden"
    if survey is None:
        return "open"
    return "changeable" if now < survey_change_deadline(survey, change_days) else "locked"


def survey_change_deadline(survey: SurveyResponse, change_days: int) -> datetime:
    return survey.created_at + timedelta(days=change_days)


async def save_survey(
    item: FeedbackItem, data: SurveyInput, *, now: datetime, change_days: int
) -> SurveyResponse:
    """Store the customer's answer, or change it within `change_days` of the first answer."""
    existing = await SurveyResponse.get_or_none(item_id=item.id)
    state = survey_state(item, existing, now, change_days)
    if state == "hidden":
        raise SurveyError(N_("You can rate our answer once we have resolved this."))
    if state == "locked":
        raise SurveyError(N_("Your answer can no longer be changed. Thank you for it."))
    snapshot = {
        "satisfaction": data.satisfaction,
        "recommend": data.recommend,
        "comment": data.comment,
        "owner_id_at_answer": item.owner_id,  # type: ignore[attr-defined]
        "team_id_at_answer": item.team_id,  # type: ignore[attr-defined]
        "category": item.category,
        "updated_at": now,
    }
    action = "survey_changed"
    if existing is None:
        try:
            async with in_transaction():
                survey = await SurveyResponse.create(item=item, created_at=now, **snapshot)
            action = "survey"
        except IntegrityError:
            # Answered twice at once (double click, two tabs): the second is a change.
            existing = await SurveyResponse.get(item_id=item.id)
    if existing is not None:
        await SurveyResponse.filter(id=existing.id).update(**snapshot)
        survey = await SurveyResponse.get(id=existing.id)
    await audit.record(
        item,
        action,
        now=now,
        actor_kind=AuthorKind.CUSTOMER,
        field="survey",
        new=f"satisfaction {data.satisfaction}/5, recommend {data.recommend}/10",
    )
    return survey
