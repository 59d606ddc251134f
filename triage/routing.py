"""Routing: who owns a new item, and which team's queue it is in. The order, in one place:

1. The customer already has an owner (one customer, one responsible rep) who is active and
   not away: that rep.
2. The manager's routing rules, in order (category, kind, touchpoint, segment, keywords in
   subject or message): the first match names a team, optionally a rep.
3. Within that team: the named rep if available, else the least-loaded available member
   (open items weighted by priority), ties broken round-robin (longest since last assigned).
4. Nobody matches: the default team's queue, unassigned, flagged "needs triage".

Concurrent routing stays correct: the decision runs in a transaction that first bumps the
chosen team's `routing_seq`, which takes the write lock (a row lock on PostgreSQL, the
database write lock on SQLite), so two processes never both count the same loads.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tortoise.expressions import F
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from feedback import audit
from feedback.models import OPEN_STATUSES, Customer, FeedbackItem, Priority, Status
from portal.models import StaffUser
from triage.models import RoutingRule, Team

# How much one open item weighs on a rep's load, by priority.
LOAD_WEIGHTS = {Priority.URGENT: 4, Priority.HIGH: 2, Priority.NORMAL: 1, Priority.LOW: 0.5}


def split_list(value: str) -> list[str]:
    """'Billing, Delivery' -> ['billing', 'delivery'] (comma-separated, case-insensitive)."""
    return [part.strip().lower() for part in value.split(",") if part.strip()]


@dataclass(frozen=True)
class ItemFacts:
    """What routing rules can match on."""

    category: str
    kind: str
    touchpoint: str
    segment: str
    text: str  # subject and first message


@dataclass(frozen=True)
class RuleSpec:
    """A routing rule as plain data (from a RoutingRule row), for pure matching."""

    id: int
    name: str
    team_id: int
    assignee_id: int | None = None
    categories: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    touchpoints: tuple[str, ...] = ()
    segments: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()

    @classmethod
    def from_row(cls, row: RoutingRule) -> RuleSpec:
        return cls(
            id=row.id,
            name=row.name,
            team_id=row.team_id,  # type: ignore[attr-defined]
            assignee_id=row.assignee_id,  # type: ignore[attr-defined]
            categories=tuple(split_list(row.categories)),
            kinds=tuple(split_list(row.kinds)),
            touchpoints=tuple(split_list(row.touchpoints)),
            segments=tuple(split_list(row.segments)),
            keywords=tuple(split_list(row.keywords)),
        )

    def matches(self, facts: ItemFacts) -> bool:
        def within(allowed: tuple[str, ...], value: str) -> bool:
            return not allowed or value.strip().lower() in allowed

        text = facts.text.lower()
        keywords_match = not self.keywords or any(
            re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) for word in self.keywords
        )
        return (
            within(self.categories, facts.category)
            and within(self.kinds, facts.kind)
            and within(self.touchpoints, facts.touchpoint)
            and within(self.segments, facts.segment)
            and keywords_match
        )


def first_matching_rule(rules: Iterable[RuleSpec], facts: ItemFacts) -> RuleSpec | None:
    """Rules are given in order; the first that matches wins."""
    return next((rule for rule in rules if rule.matches(facts)), None)


@dataclass(frozen=True)
class Candidate:
    """A team member who could take the item."""

    staff_id: int
    load: float
    last_assigned_at: datetime | None


def pick_least_loaded(candidates: Sequence[Candidate]) -> int | None:
    """Least load wins; ties go to whoever was assigned longest ago (never first)."""
    if not candidates:
        return None
    never = datetime.min

    def key(c: Candidate) -> tuple[float, datetime, int]:
        last = c.last_assigned_at.replace(tzinfo=None) if c.last_assigned_at else never
        return (c.load, last, c.staff_id)

    return min(candidates, key=key).staff_id


@dataclass(frozen=True)
class RoutingDecision:
    owner_id: int | None
    team_id: int | None
    needs_triage: bool
    reason: str


def is_available(staff: StaffUser | None) -> bool:
    return staff is not None and staff.is_active and not staff.is_away


async def staff_loads(staff_ids: Sequence[int]) -> dict[int, float]:
    """Open items per rep weighted by priority, counted in the database (one grouped query)."""
    if not staff_ids:
        return {}
    rows = (
        await FeedbackItem.filter(owner_id__in=list(staff_ids), status__in=list(OPEN_STATUSES))
        .annotate(n=Count("id"))
        .group_by("owner_id", "priority")
        .values("owner_id", "priority", "n")
    )
    loads = dict.fromkeys(staff_ids, 0.0)
    for row in rows:
        loads[row["owner_id"]] += LOAD_WEIGHTS.get(Priority(row["priority"]), 1) * row["n"]
    return loads


async def _available_members(team_id: int) -> list[StaffUser]:
    return await StaffUser.filter(teams__id=team_id, is_active=True, is_away=False).distinct()


async def decide(item: FeedbackItem, customer: Customer, text: str) -> RoutingDecision:
    """Steps 1, 2 and 4 of the routing order (step 3 needs the lock: see route_new_item)."""
    if customer.owner_id is not None:  # type: ignore[attr-defined]
        owner = await StaffUser.get_or_none(id=customer.owner_id)  # type: ignore[attr-defined]
        if is_available(owner):
            assert owner is not None
            team = await Team.filter(members__id=owner.id).order_by("id").first()
            return RoutingDecision(
                owner.id,
                team.id if team else None,
                False,
                f"routed to {owner.first_name}: owner of this customer",
            )
    facts = ItemFacts(
        category=item.category,
        kind=item.kind,
        touchpoint=item.touchpoint,
        segment=customer.segment,
        text=text,
    )
    rules = [RuleSpec.from_row(r) for r in await RoutingRule.filter(is_active=True)]
    rule = first_matching_rule(rules, facts)
    if rule is not None:
        return RoutingDecision(rule.assignee_id, rule.team_id, False, f"rule “{rule.name}”")
    default_team = await Team.filter(is_default=True).order_by("id").first()
    return RoutingDecision(
        None,
        default_team.id if default_team else None,
        True,
        "no rule matched: default queue, needs triage",
    )


async def route_new_item(item: FeedbackItem, *, now: datetime, text: str = "") -> RoutingDecision:
    """Decide and record owner and team for a new item, with the reason on its audit trail."""
    customer = await Customer.get(id=item.customer_id)  # type: ignore[attr-defined]
    decision = await decide(item, customer, text or item.subject)
    async with in_transaction():
        if decision.team_id is not None:
            # Take the routing lock first, before reading any loads.
            await Team.filter(id=decision.team_id).update(routing_seq=F("routing_seq") + 1)
        owner_id, reason = decision.owner_id, decision.reason
        if decision.team_id is not None and not decision.needs_triage:
            named = await StaffUser.get_or_none(id=owner_id) if owner_id else None
            if owner_id is None or not is_available(named):
                members = await _available_members(decision.team_id)
                loads = await staff_loads([m.id for m in members])
                owner_id = pick_least_loaded(
                    [Candidate(m.id, loads[m.id], m.last_assigned_at) for m in members]
                )
                team = await Team.get(id=decision.team_id)
                if owner_id is None:
                    reason += f" → {team.name} queue (nobody available)"
                else:
                    chosen = next(m for m in members if m.id == owner_id)
                    reason += f" → {team.name}: {chosen.first_name}, least loaded"
            elif named is not None:
                reason += f" → {named.first_name}"
        decision = RoutingDecision(owner_id, decision.team_id, decision.needs_triage, reason)
        await _apply(item, decision, now=now)
    return decision


async def _apply(item: FeedbackItem, decision: RoutingDecision, *, now: datetime) -> None:
    update: dict[str, Any] = {
        "team_id": decision.team_id,
        "owner_id": decision.owner_id,
        "needs_triage": decision.needs_triage,
        "updated_at": now,
    }
    if decision.owner_id is not None:
        update["status"] = Status.ASSIGNED
        await StaffUser.filter(id=decision.owner_id).update(last_assigned_at=now)
    await FeedbackItem.filter(id=item.id).update(version=F("version") + 1, **update)
    owner = await StaffUser.get_or_none(id=decision.owner_id) if decision.owner_id else None
    await audit.record(
        item,
        "routed",
        now=now,
        field="owner",
        old="",
        new=owner.name if owner else "",
        detail=decision.reason,
    )
    if decision.owner_id is not None and item.status != Status.ASSIGNED:
        await audit.record(
            item,
            "status",
            now=now,
            field="status",
            old=item.status,
            new=Status.ASSIGNED.value,
            detail="routed",
        )
    await item.refresh_from_db()
