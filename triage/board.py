"""The triage board: columns of open items by status, filtered and sorted in the database.

`parse_filters` turns a query string into `BoardFilters` (pure: bad values are ignored, so a
hand-edited URL never errors). `load_board` runs one query per column with the card's
relations joined (`select_related`), so the number of queries does not grow with the number
of cards. `change_stamp` is the cheap "has anything changed?" token the board polls with.
`due_pill` is the pure rule behind the countdown on each card.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from datetime import datetime, time
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from tortoise.expressions import Case, Q, RawSQL, When
from tortoise.functions import Count, Max, Sum

from feedback.models import Attachment, FeedbackItem, Kind, Priority, Status
from portal.models import StaffUser
from triage.models import Team
from triage.targets import format_duration

CARD_LIMIT = 100
MAX_QUERY_LENGTH = 100
SENTIMENTS = ("negative", "neutral", "positive")
DUE_FILTERS = {
    "breached": ("breached",),
    "at_risk": ("at_risk",),
    "late_or_risky": ("breached", "at_risk"),
}
SORTS = ("due", "newest")
_TRUE = {"1", "on", "true", "yes"}


@dataclass(frozen=True)
class BoardFilters:
    """What the viewer asked to see. Every field has an "off" default; they all combine."""

    user_id: int | None = None  # the viewer, for "mine" and "my team"
    mine: bool = False
    my_team: bool = False
    unassigned: bool = False
    owner: int | None = None
    team: int | None = None
    category: str = ""
    kind: str = ""
    priority: str = ""
    sentiment: str = ""
    due: str = ""
    q: str = ""
    sort: str = "due"

    def to_query(self) -> dict[str, str]:
        """The filters as URL parameters, defaults left out (for links, polling and `next`)."""
        query: dict[str, str] = {}
        for f in fields(self):
            if f.name == "user_id":
                continue
            value = getattr(self, f.name)
            if value == f.default:
                continue
            query[f.name] = "1" if value is True else str(value)
        return query

    def query_string(self, **extra: str) -> str:
        return urlencode({**self.to_query(), **extra})

    @property
    def active(self) -> bool:
        """Whether anything narrows the board (the sort order does not)."""
        return bool(set(self.to_query()) - {"sort"})


def _flag(query: Mapping[str, str], name: str) -> bool:
    return str(query.get(name, "")).strip().lower() in _TRUE


def _positive_int(value: Any) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**31 else None


def _choice(value: Any, allowed: Sequence[str]) -> str:
    text = str(value or "").strip()
    return text if text in allowed else ""


def parse_filters(
    query: Mapping[str, str], user: StaffUser | None, *, categories: Sequence[str] = ()
) -> BoardFilters:
    """Board filters from URL parameters; unknown or malformed values are ignored.

    `categories` (the configured list) restricts `category=`; without it any short value
    is accepted, so items filed under a since-removed category stay findable.
    """
    category = str(query.get("category", "") or "").strip()[:60]
    if categories and category not in categories:
        category = ""
    q = " ".join(str(query.get("q", "") or "").split())[:MAX_QUERY_LENGTH]
    return BoardFilters(
        user_id=user.id if user is not None else None,
        mine=_flag(query, "mine"),
        my_team=_flag(query, "my_team"),
        unassigned=_flag(query, "unassigned"),
        owner=_positive_int(query.get("owner")),
        team=_positive_int(query.get("team")),
        category=category,
        kind=_choice(query.get("kind"), [k.value for k in Kind]),
        priority=_choice(query.get("priority"), [p.value for p in Priority]),
        sentiment=_choice(query.get("sentiment"), SENTIMENTS),
        due=_choice(query.get("due"), list(DUE_FILTERS)),
        q=q,
        sort=_choice(query.get("sort"), SORTS) or "due",
    )


# -- columns ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ColumnSpec:
    key: str
    title: str
    empty_text: str


COLUMNS = (
    ColumnSpec(
        "new",
        "New / needs triage",
        "No new items. New feedback from the public form lands here.",
    ),
    ColumnSpec(
        "assigned",
        "Assigned",
        "Nothing assigned and waiting to be started. Take an item from “New” to begin.",
    ),
    ColumnSpec(
        "in_progress",
        "In progress",
        "Nothing in progress. Move an assigned item here when you start on it.",
    ),
    ColumnSpec(
        "waiting_on_customer",
        "Waiting on customer",
        "Nobody is waiting on a customer. Items move here when you ask them something.",
    ),
    ColumnSpec(
        "resolved_today",
        "Resolved today",
        "Nothing resolved yet today.",
    ),
)
_OPEN_WORKING = (Status.ASSIGNED, Status.IN_PROGRESS, Status.WAITING_ON_CUSTOMER)


def column_q(key: str, today_start: datetime) -> Q:
    """Which items a column holds. The columns never overlap.

    "New / needs triage" holds new items and any open item that routing could not place and
    nobody owns yet (flagged `needs_triage`, no owner); the other open columns leave those
    out. An owned item is in its status column even if the flag was never cleared (a reply
    from the item page sets the owner without touching it). "Resolved today" holds items
    resolved (or resolved and already closed) since the viewer's local midnight.
    """
    if key == "new":
        return Q(status=Status.NEW) | Q(
            needs_triage=True, owner_id__isnull=True, status__in=list(_OPEN_WORKING)
        )
    if key == "resolved_today":
        return Q(status__in=[Status.RESOLVED, Status.CLOSED], resolved_at__gte=today_start)
    return Q(status=Status(key)) & (Q(needs_triage=False) | Q(owner_id__isnull=False))


def column_for(item: FeedbackItem, today_start: datetime) -> str | None:
    """The column an item belongs in (the Python twin of `column_q`), or None."""
    untriaged = item.needs_triage and item.owner_id is None  # type: ignore[attr-defined]
    if item.status == Status.NEW or (untriaged and item.status in _OPEN_WORKING):
        return "new"
    if item.status in _OPEN_WORKING:
        return str(item.status)
    if item.status in (Status.RESOLVED, Status.CLOSED) and item.resolved_at is not None:
        return "resolved_today" if item.resolved_at >= today_start else None
    return None


def _board_q(today_start: datetime) -> Q:
    return Q(*(column_q(spec.key, today_start) for spec in COLUMNS), join_type=Q.OR)


async def _filters_q(filters: BoardFilters) -> Q:
    parts: list[Q] = []
    if filters.mine:
        parts.append(Q(owner_id=filters.user_id or 0))
    if filters.my_team:
        team_ids = (
            await Team.filter(members__id=filters.user_id).values_list("id", flat=True)
            if filters.user_id
            else []
        )
        parts.append(Q(team_id__in=list(team_ids) or [0]))
    if filters.unassigned:
        parts.append(Q(owner_id__isnull=True))
    if filters.owner is not None:
        parts.append(Q(owner_id=filters.owner))
    if filters.team is not None:
        parts.append(Q(team_id=filters.team))
    if filters.category:
        parts.append(Q(category=filters.category))
    if filters.kind:
        parts.append(Q(kind=filters.kind))
    if filters.priority:
        parts.append(Q(priority=filters.priority))
    if filters.sentiment:
        parts.append(Q(sentiment_label=filters.sentiment))
    if filters.due:
        parts.append(Q(sla_state__in=list(DUE_FILTERS[filters.due])))
    if filters.q:
        parts.append(
            Q(
                Q(subject__icontains=filters.q),
                Q(reference__icontains=filters.q),
                Q(customer__name__icontains=filters.q),
                Q(customer__email__icontains=filters.q),
                join_type=Q.OR,
            )
        )
    return Q(*parts) if parts else Q()


# -- due-time pill -----------------------------------------------------------------------------

_SEVERITY = {"ok": 0, "at_risk": 1, "breached": 2}


@dataclass(frozen=True)
class DuePill:
    """What the countdown on a card shows: state (a CSS class suffix), text and ISO moments."""

    state: str  # ok | at_risk | breached | paused | met | missed | none
    text: str
    due_iso: str = ""
    warn_iso: str = ""
    kind: str = ""  # first_response | resolution
    at: datetime | None = None


def countdown_text(due: datetime, now: datetime) -> str:
    """ "in 2h 10m" before the due moment, "breached 25m ago" after it (wall time)."""
    if due > now:
        return f"in {format_duration(due - now, days=True)}"
    return f"breached {format_duration(now - due, days=True)} ago"


def due_pill(
    next_due: datetime | None,
    sla_state: str,
    now: datetime,
    warn_at: datetime | None = None,
    kind: str = "",
) -> DuePill:
    """The countdown for a card, correct at `now` even if the sweeper has not run yet.

    The stored state can only be made worse by the clock: a stored "at_risk" stays at least
    amber; passing `warn_at` makes it amber and passing `next_due` makes it red.
    """
    due_iso = next_due.isoformat() if next_due else ""
    warn_iso = warn_at.isoformat() if warn_at else ""
    if sla_state in ("met", "missed"):
        return DuePill(sla_state, f"target {sla_state}", kind=kind)
    if sla_state == "paused":
        return DuePill("paused", "paused", due_iso, warn_iso, kind, next_due)
    if next_due is None:
        return DuePill("none", "no target", kind=kind)
    state = sla_state if sla_state in _SEVERITY else "ok"
    if next_due <= now:
        state = "breached"
    elif warn_at is not None and warn_at <= now and _SEVERITY[state] < _SEVERITY["at_risk"]:
        state = "at_risk"
    return DuePill(state, countdown_text(next_due, now), due_iso, warn_iso, kind, next_due)


# -- loading ---------------------------------------------------------------------------------


@dataclass
class Card:
    item: FeedbackItem
    due: DuePill
    files: int = 0  # attachments on the item (a photo of the damage is worth a look first)


def card_for(item: FeedbackItem, now: datetime) -> Card:
    return Card(
        item, due_pill(item.next_due, item.sla_state, now, item.warn_at, item.next_due_kind)
    )


async def count_files(cards: list[Card]) -> list[Card]:
    """Fill in each card's attachment count (one grouped query for all of them)."""
    if not cards:
        return cards
    rows = (
        await Attachment.filter(item_id__in=[card.item.id for card in cards])
        .annotate(n=Count("id"))
        .group_by("item_id")
        .values("item_id", "n")
    )
    files = {row["item_id"]: row["n"] for row in rows}
    for card in cards:
        card.files = files.get(card.item.id, 0)
    return cards


@dataclass
class BoardColumn:
    key: str
    title: str
    empty_text: str
    cards: list[Card] = field(default_factory=list)
    count: int = 0

    @property
    def more(self) -> int:
        """How many matching items are not shown (beyond the per-column limit)."""
        return max(0, self.count - len(self.cards))


@dataclass
class Board:
    filters: BoardFilters
    columns: list[BoardColumn]

    @property
    def total(self) -> int:
        return sum(column.count for column in self.columns)


def local_midnight(now: datetime, zone: ZoneInfo) -> datetime:
    """The start of `now`'s day in `zone` (for "resolved today"), as an aware datetime."""
    local = now.astimezone(zone)
    return datetime.combine(local.date(), time.min, tzinfo=zone)


async def load_board(
    filters: BoardFilters,
    user: StaffUser | None,
    now: datetime,
    today_start: datetime,
    *,
    limit: int = CARD_LIMIT,
) -> Board:
    """The board's columns: one query per column (cards with customer, owner and team
    joined), plus a count only for a column that has more than `limit` cards, plus one for
    every card's number of attached files.

    Cards are sorted by the next due moment, items without one last, or newest first with
    `sort=newest`. "Resolved today" is always newest-resolved first.
    """
    if user is not None and filters.user_id is None:
        filters = replace(filters, user_id=user.id)
    narrowed = await _filters_q(filters)
    columns = []
    for spec in COLUMNS:
        query = FeedbackItem.filter(column_q(spec.key, today_start)).filter(narrowed)
        if spec.key == "resolved_today":
            ordered = query.order_by("-resolved_at", "-id")
        elif filters.sort == "newest":
            ordered = query.order_by("-created_at", "-id")
        else:
            ordered = query.annotate(
                no_due=Case(When(next_due__isnull=True, then=RawSQL("1")), default=RawSQL("0"))
            ).order_by("no_due", "next_due", "id")
        items = await ordered.select_related("customer", "owner", "team").limit(limit + 1)
        count = len(items)
        if count > limit:
            items = items[:limit]
            count = await query.count()
        columns.append(
            BoardColumn(
                spec.key,
                spec.title,
                spec.empty_text,
                [card_for(item, now) for item in items],
                count,
            )
        )
    await count_files([card for column in columns for card in column.cards])
    return Board(filters, columns)


async def change_stamp(filters: BoardFilters, user: StaffUser | None, today_start: datetime) -> str:
    """A short token that changes whenever the board would look different (one query).

    Built from the matching items' count, latest `updated_at`, sum of versions (every user
    change bumps one) and the number breached / at risk (the sweeper changes those without
    touching `updated_at`). The day is part of it, so "resolved today" empties at midnight.
    """
    if user is not None and filters.user_id is None:
        filters = replace(filters, user_id=user.id)
    narrowed = await _filters_q(filters)
    row = (
        await FeedbackItem.filter(_board_q(today_start))
        .filter(narrowed)
        .annotate(
            n=Count("id"),
            latest=Max("updated_at"),
            versions=Sum("version"),
            breached=Count("id", _filter=Q(sla_state="breached")),
            at_risk=Count("id", _filter=Q(sla_state="at_risk")),
        )
        .values("n", "latest", "versions", "breached", "at_risk")
    )
    values = row[0] if row else {}
    latest = values.get("latest")
    parts = [
        today_start.isoformat(),
        str(values.get("n") or 0),
        latest.isoformat() if isinstance(latest, datetime) else str(latest or ""),
        str(values.get("versions") or 0),
        str(values.get("breached") or 0),
        str(values.get("at_risk") or 0),
    ]
    return hashlib.sha256("|".join(parts).encode()).hexdigest()[:16]
