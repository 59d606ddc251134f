"""Routing: the owner of the customer, then rules, then the least-loaded member, then the queue."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from feedback.intake import Submission, submit_feedback
from feedback.models import Customer, Event, FeedbackItem, Kind, Priority, Status
from portal.clock import utcnow
from triage.models import RoutingRule, Team
from triage.routing import Candidate, ItemFacts, RuleSpec, first_matching_rule, pick_least_loaded

FACTS = ItemFacts(
    category="Billing",
    kind="complaint",
    touchpoint="Website",
    segment="key",
    text="I was charged twice and want a REFUND",
)

RULE_CASES = [
    ("empty rule matches anything", RuleSpec(1, "any", 1), True),
    ("category matches", RuleSpec(1, "r", 1, categories=("billing",)), True),
    ("category differs", RuleSpec(1, "r", 1, categories=("delivery",)), False),
    ("one of several kinds", RuleSpec(1, "r", 1, kinds=("question", "complaint")), True),
    ("kind differs", RuleSpec(1, "r", 1, kinds=("praise",)), False),
    ("touchpoint matches", RuleSpec(1, "r", 1, touchpoints=("website",)), True),
    ("touchpoint differs", RuleSpec(1, "r", 1, touchpoints=("store",)), False),
    ("segment matches", RuleSpec(1, "r", 1, segments=("key",)), True),
    ("segment differs", RuleSpec(1, "r", 1, segments=("new",)), False),
    ("keyword, any case", RuleSpec(1, "r", 1, keywords=("refund",)), True),
    ("keyword is a whole word", RuleSpec(1, "r", 1, keywords=("fund",)), False),
    ("multi-word keyword", RuleSpec(1, "r", 1, keywords=("charged twice",)), True),
    (
        "all fields must match",
        RuleSpec(1, "r", 1, categories=("billing",), kinds=("praise",)),
        False,
    ),
]


@pytest.mark.parametrize(("case", "rule", "expected"), RULE_CASES, ids=[c[0] for c in RULE_CASES])
def test_it_matches_rules(case: str, rule: RuleSpec, expected: bool) -> None:
    assert rule.matches(FACTS) is expected


def test_it_takes_the_first_matching_rule_in_order() -> None:
    rules = [
        RuleSpec(1, "delivery", 10, categories=("delivery",)),
        RuleSpec(2, "billing", 20, categories=("billing",)),
        RuleSpec(3, "anything", 30),
    ]
    assert first_matching_rule(rules, FACTS).name == "billing"
    assert first_matching_rule(rules[:1], FACTS) is None


T0 = datetime(2026, 1, 1, tzinfo=UTC)
LOAD_CASES = [
    ("least load wins", [Candidate(1, 3, None), Candidate(2, 1, None)], 2),
    ("tie: never assigned first", [Candidate(1, 1, T0), Candidate(2, 1, None)], 2),
    (
        "tie: longest since last assignment",
        [Candidate(1, 1, T0 + timedelta(hours=1)), Candidate(2, 1, T0)],
        2,
    ),
    ("nobody", [], None),
]


@pytest.mark.parametrize(
    ("case", "candidates", "expected"), LOAD_CASES, ids=[c[0] for c in LOAD_CASES]
)
def test_it_picks_the_least_loaded(case: str, candidates: list, expected: int | None) -> None:
    assert pick_least_loaded(candidates) == expected


async def _submit(email: str = "jo@example.com", category: str = "Billing", **kw) -> FeedbackItem:
    submission = Submission(
        kind=kw.pop("kind", Kind.QUESTION),
        category=category,
        name="Jo",
        email=email,
        subject=kw.pop("subject", "Invoice"),
        message=kw.pop("message", "Please send my invoice."),
    )
    item, _ = await submit_feedback(submission, now=kw.pop("now", utcnow()))
    return await FeedbackItem.get(id=item.id)


async def test_it_routes_to_the_customers_owner_first(db, agent, teammate) -> None:
    billing = await Team.create(name="Billing")
    await billing.members.add(teammate)
    await RoutingRule.create(name="billing", categories="Billing", team=billing)
    await Customer.create(email="jo@example.com", name="Jo", owner=agent)
    item = await _submit()
    assert item.owner_id == agent.id and item.status == Status.ASSIGNED
    routed = await Event.get(item_id=item.id, action="routed")
    assert routed.detail == "routed to Ana: owner of this customer"


async def test_it_skips_an_owner_who_is_away(db, agent, teammate) -> None:
    billing = await Team.create(name="Billing")
    await billing.members.add(teammate)
    await RoutingRule.create(name="billing", categories="Billing", team=billing)
    agent.is_away = True
    await agent.save()
    await Customer.create(email="jo@example.com", name="Jo", owner=agent)
    item = await _submit()
    assert item.owner_id == teammate.id and item.team_id == billing.id
    routed = await Event.get(item_id=item.id, action="routed")
    assert routed.detail == "rule “billing” → Billing: Ben, least loaded"


async def test_it_follows_rules_in_order_to_a_named_rep(db, agent, teammate) -> None:
    billing = await Team.create(name="Billing")
    await billing.members.add(agent, teammate)
    await RoutingRule.create(
        name="refunds", position=1, keywords="refund", team=billing, assignee=agent
    )
    await RoutingRule.create(name="billing", position=2, categories="Billing", team=billing)
    item = await _submit(message="I want a refund for the double charge.")
    assert item.owner_id == agent.id
    assert (await Event.get(item_id=item.id, action="routed")).detail == "rule “refunds” → Ana"


async def test_it_balances_load_weighted_by_priority(db, agent, teammate) -> None:
    team = await Team.create(name="Care")
    await team.members.add(agent, teammate)
    await RoutingRule.create(name="all", team=team)
    await FeedbackItem.create(  # Ana already holds one urgent item (weight 4)
        reference="FB-AAAAAA",
        customer=await Customer.create(email="x@example.com", name="X"),
        kind=Kind.COMPLAINT,
        category="Billing",
        subject="x",
        priority=Priority.URGENT,
        status=Status.IN_PROGRESS,
        owner=agent,
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    owners = [(await _submit(email=f"c{n}@example.com")).owner_id for n in range(4)]
    assert owners.count(teammate.id) >= 3


async def test_it_leaves_unmatched_items_in_the_default_queue(db, agent) -> None:
    default = await Team.create(name="Customer care", is_default=True)
    await default.members.add(agent)
    item = await _submit()
    assert item.owner_id is None and item.team_id == default.id and item.needs_triage
    assert item.status == Status.NEW


async def test_it_routes_to_nobody_when_the_whole_team_is_away(db, agent) -> None:
    team = await Team.create(name="Billing")
    await team.members.add(agent)
    agent.is_away = True
    await agent.save()
    await RoutingRule.create(name="billing", categories="Billing", team=team)
    item = await _submit()
    assert item.owner_id is None and item.team_id == team.id
    detail = (await Event.get(item_id=item.id, action="routed")).detail
    assert detail.endswith("Billing queue (nobody available)")


@pytest.mark.slow
async def test_it_spreads_concurrent_submissions_from_two_processes(db, agent, teammate) -> None:
    team = await Team.create(name="Care")
    await team.members.add(agent, teammate)
    await RoutingRule.create(name="all", team=team)
    per_process = 12
    start_at = time.time() + 2.0
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": str(root)}
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.triage._submit_worker",
                db.database_url,
                str(per_process),
                label,
                str(start_at),
            ],
            cwd=root,
            env=env,
            stderr=subprocess.PIPE,
        )
        for label in ("left", "right")
    ]
    for worker in workers:
        _, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
    owners = await FeedbackItem.all().values_list("owner_id", flat=True)
    assert len(owners) == 2 * per_process
    # Serialised decisions alternate, so the two reps end up exactly even.
    assert sorted(owners.count(rep.id) for rep in (agent, teammate)) == [per_process] * 2
