"""The audit trail in words: every action the app records reads as a sentence, with labels
for stored values, formatted dates and no doubled words (feedback.audit_text)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from feedback import audit, audit_text
from feedback.models import AuthorKind, Event, FeedbackItem, Outcome, Priority, Status
from portal.clock import utcnow
from portal.i18n import use_language
from tests.conftest import sign_in, submit

ROOT = Path(__file__).resolve().parents[2]

# (action, field, old, new, detail) as the callers of audit.record write them, and the line
# staff read. One row per action the app records; some actions twice (added / removed).
EXAMPLES = [
    ("created", "", "", "", "received via web", "New feedback (received via web)"),
    (
        "scored",
        "sentiment",
        "",
        "negative -0.62",
        "by complaint-aware/4, confidence 0.96",
        "Sentiment scored: Negative -0.62 (by complaint-aware/4, confidence 0.96)",
    ),
    (
        "category",
        "category",
        "Delivery",
        "Billing",
        "corrected by Ana Costa",
        "Category: Delivery → Billing (corrected by Ana Costa)",
    ),
    (
        "sentiment",
        "sentiment",
        "neutral",
        "negative",
        "corrected by Ana Costa",
        "Sentiment: Neutral → Negative (corrected by Ana Costa)",
    ),
    (
        "priority",
        "priority",
        "normal",
        "high",
        "set by hand",
        "Priority: Normal → High (set by hand)",
    ),
    ("status", "status", "assigned", "in_progress", "", "Status: Assigned → In progress"),
    (
        "status",
        "status",
        "waiting_on_customer",
        "resolved",
        "",
        "Status: Waiting on customer → Resolved",
    ),
    (
        "routed",
        "owner",
        "",
        "",
        "no rule matched: default queue",
        "Routed to: nobody (no rule matched: default queue)",
    ),
    ("owner", "owner", "Ana Costa", "Ben Okafor", "", "Owner: Ana Costa → Ben Okafor"),
    (
        "customer_owner",
        "customer owner",
        "",
        "Ana Costa",
        "first to handle this customer",
        "Customer owner: Ana Costa (first to handle this customer)",
    ),
    ("collaborator", "collaborators", "", "Ben Okafor", "added", "Collaborator added: Ben Okafor"),
    (
        "collaborator",
        "collaborators",
        "Ben Okafor",
        "",
        "removed",
        "Collaborator removed: Ben Okafor",
    ),
    ("first_response", "", "", "", "", "First response sent"),
    ("reply", "", "", "", "", "Replied to the customer"),
    ("note", "", "", "", "1 file: receipt.pdf", "Internal note added (1 file: receipt.pdf)"),
    (
        "customer_reply",
        "",
        "",
        "",
        "sentiment negative -0.50",
        "The customer replied (sentiment negative -0.50)",
    ),
    (
        "mail_received",
        "",
        "",
        "",
        "reply by e-mail, matched by token",
        "E-mail received from the customer (reply by e-mail, matched by token)",
    ),
    (
        "reopened",
        "reopen count",
        "",
        "2",
        "the customer replied after the resolution",
        "Reopened by the customer: 2 times in all",
    ),
    (
        "resolution",
        "outcome",
        "",
        "partly_resolved",
        "root cause: Delivery; effort 25 min",
        "Outcome: Partly resolved (root cause: Delivery; effort 25 min)",
    ),
    (
        "survey",
        "survey",
        "",
        "satisfaction 4/5, recommend 8/10",
        "",
        "Survey answered: satisfaction 4/5, recommend 8/10",
    ),
    (
        "survey_changed",
        "survey",
        "",
        "satisfaction 2/5, recommend 3/10",
        "",
        "Survey answer changed: satisfaction 2/5, recommend 3/10",
    ),
    (
        "follow_up",
        "follow-up due",
        "",
        "2026-12-10",
        "ask if the parcel came",
        "Follow-up due: Dec 10, 2026 (ask if the parcel came)",
    ),
    (
        "follow_up_done",
        "follow-up due",
        "",
        "2026-12-10",
        "",
        "Follow-up done: was due Dec 10, 2026",
    ),
    (
        "follow_up_cancelled",
        "follow-up due",
        "2026-12-10",
        "",
        "reopened; its next resolution can schedule one",
        "Follow-up cancelled: was due Dec 10, 2026 "
        "(reopened; its next resolution can schedule one)",
    ),
    (
        "warning",
        "",
        "",
        "",
        "first response target at risk",
        "Response-time warning (first response target at risk)",
    ),
    (
        "escalated",
        "",
        "",
        "",
        "resolution target breached",
        "Escalated (resolution target breached)",
    ),
    (
        "triage_failed",
        "",
        "",
        "",
        "automatic triage failed; needs manual triage",
        "Automatic triage failed",
    ),
    (
        "review_flagged",
        "relationship review",
        "",
        "",
        "3 complaints in 90 days",
        "Flagged for a relationship review (3 complaints in 90 days)",
    ),
    (
        "review_cleared",
        "relationship review",
        "3 complaints in 90 days",
        "cleared",
        "called them, all fine",
        "Relationship review cleared (called them, all fine)",
    ),
    ("merged", "merged into", "", "FB-AB12", "merged into FB-AB12", "Merged into: FB-AB12"),
    (
        "merged_here",
        "merged from",
        "",
        "FB-CD34",
        "FB-CD34 merged here",
        "Merged here from: FB-CD34",
    ),
    (
        "customer_merged",
        "customer",
        "jo@old.example",
        "jo@new.example",
        "customer Jo merged into Jo Park",
        "Customer records merged: jo@old.example → jo@new.example "
        "(customer Jo merged into Jo Park)",
    ),
    (
        "exported",
        "",
        "",
        "",
        "personal data exported by Mia Chen",
        "Personal data exported (by Mia Chen)",
    ),
    (
        "erased",
        "",
        "",
        "",
        "personal data erased: retention period passed",
        "Personal data erased (retention period passed)",
    ),
]

RAW_VALUES = {
    value for enum in (Status, Priority, Outcome) for value in (member.value for member in enum)
} | {"negative", "neutral", "positive"}


def _recorded_actions() -> set[str]:
    """Every action name the code writes: audit.record(item, "…"), an `action = "…"` it
    passes on, Event(action="…") and privacy's _record_on_items(…, "…", …)."""
    found: set[str] = set()
    for path in [*ROOT.glob("feedback/*.py"), *ROOT.glob("triage/*.py"), *ROOT.glob("portal/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = ast.unparse(node.func)
                if name == "audit.record" and len(node.args) > 1:
                    found |= _strings(node.args[1])
                elif name == "_record_on_items" and len(node.args) > 1:
                    found |= _strings(node.args[1])
                elif name == "Event":
                    for keyword in node.keywords:
                        if keyword.arg == "action":
                            found |= _strings(keyword.value)
            elif (
                isinstance(node, ast.Assign)
                and [ast.unparse(t) for t in node.targets] == ["action"]
                and path.name == "resolution.py"
            ):
                found |= _strings(node.value)  # survey / survey_changed
    return found


def _strings(node: ast.AST) -> set[str]:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(node.body) | _strings(node.orelse)
    return set()


def _doubled(text: str) -> str | None:
    """A word or run of words said twice in a row ("customer owner customer owner")."""
    words = re.findall(r"\w+", text.lower().replace("-", " "))
    for size in (1, 2, 3):
        for start in range(len(words) - 2 * size + 1):
            if words[start : start + size] == words[start + size : start + 2 * size]:
                return " ".join(words[start : start + size])
    return None


def _event(action: str, field: str, old: str, new: str, detail: str) -> Event:
    return Event(
        action=action,
        field=field,
        old_value=old,
        new_value=new,
        detail=detail,
        actor_kind=AuthorKind.SYSTEM,
    )


def test_every_recorded_action_has_words_and_an_example() -> None:
    recorded = _recorded_actions()
    assert len(recorded) >= 30, recorded  # the scan finds the calls
    assert recorded <= set(audit_text.ACTIONS), recorded - set(audit_text.ACTIONS)
    assert {row[0] for row in EXAMPLES} == set(audit_text.ACTIONS)


@pytest.mark.parametrize(("action", "field", "old", "new", "detail", "expected"), EXAMPLES)
def test_it_reads_each_event_as_a_sentence(action, field, old, new, detail, expected) -> None:
    line = audit_text.describe(_event(action, field, old, new, detail))
    assert line == expected
    assert _doubled(line) is None, line
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", line), line  # no in_progress, partly_resolved
    said = line.split(" (", 1)[0]  # what happened and the change, not the recorded detail
    _, _, change = said.partition(": ")
    for value in change.split(" → ") if change else ():
        assert value.split(" ")[0] not in RAW_VALUES, said  # "Assigned", not "assigned"


@pytest.mark.parametrize(
    ("action", "field", "old", "new", "expected"),
    [
        ("status", "status", "assigned", "in_progress", "状态：已分配 → 处理中"),
        ("resolution", "outcome", "", "partly_resolved", "处理结果：部分解决"),
        ("follow_up", "follow-up due", "", "2026-12-10", "回访到期：2026年12月10日"),
        ("customer_owner", "customer owner", "", "Ana Costa", "客户负责人：Ana Costa"),
        ("priority", "priority", "normal", "urgent", "优先级：普通 → 紧急"),
    ],
)
def test_it_reads_in_chinese(action, field, old, new, expected) -> None:
    with use_language("zh_CN"):
        assert audit_text.describe(_event(action, field, old, new, "")) == expected


def test_it_shows_an_unknown_action_plainly() -> None:
    line = audit_text.describe(_event("some_new_thing", "x", "", "1", ""))
    assert line == "Some new thing: 1"


def test_it_names_who_did_it() -> None:
    assert audit_text.actor(_event("created", "", "", "", "")) == "System"
    customer = Event(action="reopened", actor_kind=AuthorKind.CUSTOMER)
    assert audit_text.actor(customer) == "Customer"
    with use_language("zh_CN"):
        assert audit_text.actor(customer) == "客户"


async def test_the_item_page_shows_the_trail_in_words(client, agent) -> None:
    await submit(client)
    item = await FeedbackItem.get()
    now = utcnow()
    for action, field, old, new, detail, _ in EXAMPLES:
        await audit.record(
            item, action, now=now, actor=agent, field=field, old=old, new=new, detail=detail
        )
    await sign_in(client, agent)
    page = BeautifulSoup((await client.get(f"/staff/items/{item.id}")).text, "html.parser")
    lines = [" ".join(li.get_text().split()) for li in page.select("#events li")]
    shown = [
        " ".join(li.select_one(".what").get_text().split()) for li in page.select("#events li")
    ]
    assert shown[-len(EXAMPLES) :] == [row[-1] for row in EXAMPLES]
    assert all(line.split(" · ", 1)[1].startswith("Ana Costa · ") for line in lines[-3:])
    for line in lines:
        assert _doubled(line.split(" · ", 1)[1]) is None, line
    assert lines[0].split(" · ", 1)[1].startswith("Customer · New feedback")
    assert any(
        line.endswith("System · Priority: Normal → High (strongly negative complaint)")
        for line in lines
    ), lines
