"""Saved replies: texts reps insert into a reply, fill in from the item, edit and send.

Placeholders are a fixed set of names in braces (`{customer_first_name}`). Filling them is a
plain substitution of those names — a stored body is never evaluated as a template (no
Jinja, no `str.format`), so `{customer.__class__}` or `{0}` can never reach an object. Such
text is refused when the reply is saved, and anything else in braces with it. A value the
item does not have (no order number) leaves a visible gap marker, e.g. `[order reference]`,
that the rep must fill in before the reply can be sent; the markers look like the
placeholders the resolution rule refuses (feedback.resolution), so an unfilled saved reply
cannot become a resolution message either.

Who may change them: managers and admins, for everyone or for one team. Agents use them.
Usage is counted when a reply that used one is sent, in the database (`F()`), never when it
is inserted.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q

from feedback.models import FeedbackItem, SavedReply

MAX_TITLE_LENGTH = 80
MAX_BODY_LENGTH = 5_000
# Rows per scope (everyone, or one team): enough for any team, small enough that the
# item page's picker stays one short query and a readable list.
MAX_PER_SCOPE = 200
# The picker shows at most this many (the most relevant first).
MAX_IN_PICKER = 400

LANGUAGE_CHOICES = {"": "Any language", "en": "English", "zh_CN": "Chinese (简体中文)"}


@dataclass(frozen=True)
class Placeholder:
    name: str
    description: str
    gap: str  # shown instead when the item has no value for it


PLACEHOLDERS: dict[str, Placeholder] = {
    p.name: p
    for p in (
        Placeholder("customer_first_name", "the customer's first name", "[customer first name]"),
        Placeholder("customer_name", "the customer's full name", "[customer name]"),
        Placeholder("reference", "the item's reference, e.g. FB-7Q2K", "[reference]"),
        Placeholder("subject", "the item's subject", "[subject]"),
        Placeholder("order_reference", "the order or account number given", "[order reference]"),
        Placeholder("team_name", "the item's team", "[team name]"),
        Placeholder("my_first_name", "your first name (the rep sending it)", "[your first name]"),
        Placeholder("my_name", "your full name", "[your name]"),
    )
}
GAP_MARKERS = tuple(p.gap for p in PLACEHOLDERS.values())
_TOKEN = re.compile(r"\{([^{}\n]{0,60})\}")
_VALID_TOKEN = re.compile(r"\{(" + "|".join(PLACEHOLDERS) + r")\}")

Errors = dict[str, str]


def placeholder_list() -> str:
    """`{customer_first_name}, {customer_name}, …` for messages and hints."""
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


def placeholder_problem(body: str) -> str | None:
    """Why the braces in `body` are not acceptable (a sentence naming the valid ones), or None.

    Every `{` and `}` must belong to one of the known placeholders: an unknown name, an
    attribute or index (`{customer.__class__}`, `{0}`), doubled braces and lone braces are
    all refused, so nothing that looks like template syntax is ever stored.
    """
    unknown = [m.group(0) for m in _TOKEN.finditer(body) if m.group(1) not in PLACEHOLDERS]
    if unknown:
        shown = ", ".join(dict.fromkeys(unknown))
        if len(shown) > 120:
            shown = shown[:117] + "…"
        return f"Unknown placeholder {shown}. Use only: {placeholder_list()}."
    if "{" in _VALID_TOKEN.sub("", body) or "}" in _VALID_TOKEN.sub("", body):
        return (
            "A “{” or “}” is not part of a placeholder (write placeholders as {name}, "
            f"single braces, no spaces). Use only: {placeholder_list()}."
        )
    return None


@dataclass(frozen=True)
class FillValues:
    """What the placeholders stand for on one item, for one rep ("" = not known)."""

    customer_first_name: str = ""
    customer_name: str = ""
    reference: str = ""
    subject: str = ""
    order_reference: str = ""
    team_name: str = ""
    my_first_name: str = ""
    my_name: str = ""


def values_for(item: FeedbackItem, rep: Any) -> FillValues:
    """Placeholder values from an item loaded with its customer and team, and the rep."""
    customer_name = (item.customer.name or "").strip()
    team = item.team
    return FillValues(
        customer_first_name=customer_name.split()[0] if customer_name else "",
        customer_name=customer_name,
        reference=item.reference,
        subject=item.subject,
        order_reference=(item.order_reference or "").strip(),
        team_name=team.name if team is not None else "",
        my_first_name=rep.first_name,
        my_name=rep.name,
    )


def fill(body: str, values: FillValues) -> str:
    """The body with each known placeholder replaced, in one pass (values are not rescanned)."""

    def one(match: re.Match[str]) -> str:
        name = match.group(1)
        value = str(getattr(values, name)).strip()
        return value or PLACEHOLDERS[name].gap

    return _VALID_TOKEN.sub(one, body)


def unfilled_gaps(text: str) -> list[str]:
    """The gap markers still in a reply about to be sent, in order of first appearance."""
    return [gap for gap in GAP_MARKERS if gap in text]


def gap_message(gaps: Iterable[str]) -> str:
    return "Fill in " + ", ".join(gaps) + " before sending (the saved reply left it for you)."


# -- saving -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedReplyValues:
    title: str
    body: str
    language: str
    team_id: int | None

    @property
    def scope_key(self) -> str:
        return scope_key(self.team_id)


def scope_key(team_id: int | None) -> str:
    return "all" if team_id is None else f"team:{team_id}"


def title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def _clean(value: Any, *, multiline: bool = False) -> str:
    if not isinstance(value, str):
        return ""
    value = value.replace("\x00", "")
    if multiline:
        return value.replace("\r\n", "\n").replace("\r", "\n").strip()
    return " ".join(value.split())


def validate_saved_reply(
    form: Mapping[str, Any], *, team_ids: Collection[int]
) -> tuple[SavedReplyValues | None, Errors]:
    """Clean values and {} or None and field -> message (messages quote what was typed)."""
    errors: Errors = {}
    title = _clean(form.get("title"))
    if not title:
        errors["title"] = "Enter a short title, e.g. “Refund timing”."
    elif len(title) > MAX_TITLE_LENGTH:
        errors["title"] = (
            f"Keep the title to {MAX_TITLE_LENGTH} characters or fewer (it has {len(title)})."
        )
    body = _clean(form.get("body"), multiline=True)
    if not body:
        errors["body"] = "Write the text of the reply."
    elif len(body) > MAX_BODY_LENGTH:
        errors["body"] = (
            f"Keep the text to {MAX_BODY_LENGTH:,} characters or fewer (it has {len(body):,})."
        )
    elif problem := placeholder_problem(body):
        errors["body"] = problem
    language = _clean(form.get("language"))
    if language not in LANGUAGE_CHOICES:
        errors["language"] = "Choose English, Chinese or any language."
    team_raw = _clean(form.get("team"))
    team_id: int | None = None
    if team_raw:
        if not team_raw.isdigit() or len(team_raw) > 9 or int(team_raw) not in team_ids:
            errors["team"] = "Choose everyone or one of the teams."
        else:
            team_id = int(team_raw)
    if errors:
        return None, errors
    return SavedReplyValues(title=title, body=body, language=language, team_id=team_id), {}


async def save_saved_reply(
    reply: SavedReply | None, values: SavedReplyValues, *, actor: Any, now: datetime
) -> tuple[SavedReply | None, Errors]:
    """Create (reply None) or update a saved reply; a title taken in its scope is an error.

    The unique (scope, title) index decides, so two managers saving the same title at
    once get one row and one message.
    """
    key = title_key(values.title)
    taken = SavedReply.filter(scope_key=values.scope_key, title_key=key)
    if reply is not None:
        taken = taken.exclude(id=reply.id)
    duplicate = {"title": f"“{values.title}” is already a saved reply for this team or everyone."}
    if await taken.exists():
        return None, duplicate
    if reply is None and await SavedReply.filter(scope_key=values.scope_key).count() >= (
        MAX_PER_SCOPE
    ):
        return None, {
            "team": f"This scope already has {MAX_PER_SCOPE} saved replies; "
            "deactivate or edit one instead."
        }
    fields = {
        "title": values.title,
        "title_key": key,
        "scope_key": values.scope_key,
        "body": values.body,
        "language": values.language,
        "team_id": values.team_id,
        "updated_by_id": actor.id,
        "updated_at": now,
    }
    try:
        if reply is None:
            reply = await SavedReply.create(**fields, created_by_id=actor.id, created_at=now)
        else:
            await SavedReply.filter(id=reply.id).update(**fields)
            await reply.refresh_from_db()
    except IntegrityError:
        return None, duplicate
    return reply, {}


async def set_active(reply: SavedReply, active: bool, *, actor: Any, now: datetime) -> None:
    await SavedReply.filter(id=reply.id).update(
        is_active=active, updated_by_id=actor.id, updated_at=now
    )
    reply.is_active = active


# -- using them on an item ----------------------------------------------------------------------


def _visible(item: FeedbackItem, team_ids: Iterable[int]) -> Q:
    teams = {*team_ids, *([item.team_id] if item.team_id else [])}  # type: ignore[attr-defined]
    return (
        Q(team_id__isnull=True) | Q(team_id__in=sorted(teams)) if teams else Q(team_id__isnull=True)
    )


@dataclass(frozen=True)
class PickerGroup:
    label: str
    replies: list[SavedReply]


async def replies_for_item(item: FeedbackItem, rep_team_ids: Iterable[int]) -> list[PickerGroup]:
    """Active replies for everyone, the item's team and the rep's teams, most relevant first.

    First those in the item's language (or any language) — the item's team before everyone,
    then by title; then the rest under "Other languages".
    """
    rows = (
        await SavedReply.filter(_visible(item, rep_team_ids), is_active=True)
        .select_related("team")
        .order_by("title_key", "id")
        .limit(MAX_IN_PICKER)
    )
    item_team = item.team_id  # type: ignore[attr-defined]

    def rank(reply: SavedReply) -> tuple[int, int]:
        language = 0 if reply.language == item.language else 1
        team = 0 if item_team and reply.team_id == item_team else 1  # type: ignore[attr-defined]
        return language, team

    suggested = sorted((r for r in rows if r.language in ("", item.language)), key=rank)
    others = [r for r in rows if r.language not in ("", item.language)]
    language = LANGUAGE_CHOICES.get(item.language, item.language)
    groups = [PickerGroup(f"For this item ({language})", suggested)]
    if others:
        groups.append(PickerGroup("Other languages", others))
    return [group for group in groups if group.replies]


async def usable_reply(
    reply_id: Any, item: FeedbackItem, rep_team_ids: Iterable[int]
) -> SavedReply | None:
    """The active saved reply with this id that the rep may use on this item, or None."""
    text = str(reply_id or "").strip()
    if not text.isdigit() or len(text) > 9:
        return None
    return await SavedReply.get_or_none(_visible(item, rep_team_ids), id=int(text), is_active=True)


async def record_use(reply_id: int, *, now: datetime) -> bool:
    """Count one sent reply that used this saved reply (atomic in the database)."""
    updated = await SavedReply.filter(id=reply_id).update(
        use_count=F("use_count") + 1, last_used_at=now
    )
    return bool(updated)
