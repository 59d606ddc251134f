"""The priority rule table: every rule, its order, and the promises it keeps."""

from __future__ import annotations

import itertools
import math

import pytest

from triage.priority import (
    PRIORITIES,
    PRIORITY_RULES,
    PriorityInputs,
    PriorityRule,
    decide_priority,
    normalise_segment,
    priority_rank,
)

ANGRY = -0.8  # strongly negative
QUIET = -0.2  # mildly negative
HAPPY = 0.7


def inputs(
    kind: str = "complaint",
    *,
    score: float = QUIET,
    label: str | None = None,
    segment: str = "regular",
    recent: int = 0,
    breach: bool = False,
) -> PriorityInputs:
    if label is None:
        label = "negative" if score <= -0.05 else "positive" if score >= 0.05 else "neutral"
    return PriorityInputs(
        kind=kind,
        sentiment_label=label,
        sentiment_score=score,
        segment=segment,
        recent_complaints=recent,
        customer_has_open_breach=breach,
    )


def rank(case: PriorityInputs) -> int:
    """0 = urgent .. 3 = low: a lower rank is a higher priority."""
    return priority_rank(decide_priority(case)[0])


# One case per rule, in table order: (inputs, priority, the deciding rule's description).
RULE_CASES = [
    (
        inputs("praise", score=ANGRY),
        "normal",
        "praise worded strongly negatively: may be a complaint, check it",
    ),
    (
        inputs("praise", score=HAPPY, segment="key", breach=True),
        "low",
        "praise: thank the customer, no rush",
    ),
    (
        inputs(score=ANGRY, segment="key"),
        "urgent",
        "strongly negative complaint from a key customer",
    ),
    (
        inputs(segment="key", breach=True),
        "urgent",
        "complaint from a key customer who already has an overdue item",
    ),
    (
        inputs(segment="key", recent=2),
        "urgent",
        "repeat complaint from a key customer (2+ in 90 days)",
    ),
    (
        inputs(score=ANGRY, breach=True),
        "urgent",
        "strongly negative complaint from a customer who already has an overdue item",
    ),
    (
        inputs(score=ANGRY, recent=3),
        "urgent",
        "strongly negative repeat complaint (2+ in 90 days)",
    ),
    (inputs(segment="key"), "high", "complaint from a key customer"),
    (inputs(score=ANGRY), "high", "strongly negative complaint"),
    (inputs(breach=True), "high", "complaint from a customer who already has an overdue item"),
    (inputs(recent=2), "high", "repeat complaint (2+ in 90 days)"),
    (inputs(recent=1), "normal", "complaint"),
    (
        inputs("suggestion", score=HAPPY, breach=True),
        "high",
        "question, comment or suggestion from a customer who already has an overdue item",
    ),
    (
        inputs("question", score=0.0, recent=2),
        "high",
        "question from a repeat complainant (2+ complaints in 90 days)",
    ),
    (
        inputs("question", score=ANGRY, segment="key"),
        "normal",
        "question: someone is waiting for an answer",
    ),
    (inputs("comment", score=QUIET), "normal", "negative comment: may hide a complaint"),
    (
        inputs("comment", score=HAPPY, recent=4),
        "normal",
        "comment from a repeat complainant (2+ complaints in 90 days)",
    ),
    (inputs("comment", score=HAPPY), "low", "comment"),
    (inputs("suggestion", score=0.1, segment="key"), "normal", "suggestion from a key customer"),
    (inputs("suggestion", score=0.1, recent=5), "low", "suggestion"),
    (inputs("feature_request", score=0.0), "normal", "feedback of another kind"),
]


@pytest.mark.parametrize(("case", "priority", "description"), RULE_CASES)
def test_it_decides_by_the_first_matching_rule(
    case: PriorityInputs, priority: str, description: str
) -> None:
    decided, rule = decide_priority(case)
    assert (decided, rule.description) == (priority, description)
    assert rule.priority == priority
    assert rule.audit_line() == f"priority {priority}: {description}"


def test_it_covers_every_rule_with_a_case_in_table_order() -> None:
    assert [description for _, _, description in RULE_CASES] == [
        rule.description for rule in PRIORITY_RULES
    ]


def test_it_ends_the_table_with_a_catch_all_rule() -> None:
    last = PRIORITY_RULES[-1]
    assert (last.kinds, last.segments, last.sentiment_labels) == (None, None, None)
    assert (last.max_sentiment_score, last.min_recent_complaints, last.open_breach) == (
        None,
        None,
        None,
    )


# -- the promises of the design ------------------------------------------------------------


@pytest.mark.parametrize(("recent", "breach"), list(itertools.product([0, 1, 2], [False, True])))
def test_it_ranks_a_key_customers_quiet_complaint_at_least_as_high_as_an_angry_regular(
    recent: int, breach: bool
) -> None:
    quiet_key = inputs(score=0.0, label="neutral", segment="key", recent=recent, breach=breach)
    angry_regular = inputs(score=-1.0, segment="regular", recent=recent, breach=breach)
    assert rank(quiet_key) <= rank(angry_regular)


@pytest.mark.parametrize(
    ("case", "priority"),
    [
        (inputs(score=-0.95, segment="key"), "urgent"),  # key + strongly negative
        (inputs(score=-0.6, segment="key"), "urgent"),  # the threshold itself counts
        (inputs(score=-0.59, segment="key"), "high"),
        (inputs(score=HAPPY, segment="key"), "high"),  # a polite complaint is still one
        (inputs(score=-1.0), "high"),  # a regular customer shouting
        (inputs(score=QUIET), "normal"),
        (inputs(score=QUIET, recent=1), "normal"),  # one earlier complaint: not yet a pattern
        (inputs(score=QUIET, recent=2), "high"),  # repeat complainant bumps up
        (inputs(score=QUIET, breach=True), "high"),  # open breach bumps up
        (inputs(score=ANGRY, recent=2), "urgent"),
        (inputs("praise", score=HAPPY), "low"),
        (inputs("praise", score=HAPPY, segment="key", recent=3, breach=True), "low"),
        (inputs("question", score=0.0), "normal"),
        (inputs("question", score=0.0, segment="key"), "normal"),
        (inputs("suggestion", score=0.3), "low"),
        (inputs("suggestion", score=0.3, segment="key"), "normal"),
        (inputs("comment", score=0.0), "low"),
        (inputs("comment", score=-0.3), "normal"),
    ],
)
def test_it_keeps_the_ordering_examples(case: PriorityInputs, priority: str) -> None:
    assert decide_priority(case)[0] == priority


KINDS = ("complaint", "comment", "praise", "suggestion", "question")
SCORES = (-1.0, -0.6, -0.3, 0.0, 0.5, 1.0)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("segment", ["regular", "new", "key"])
@pytest.mark.parametrize(("recent", "breach"), list(itertools.product([0, 2], [False, True])))
def test_it_never_lowers_priority_for_a_more_negative_message(
    kind: str, segment: str, recent: int, breach: bool
) -> None:
    ranks = [
        rank(inputs(kind, score=score, segment=segment, recent=recent, breach=breach))
        for score in SCORES
    ]
    assert ranks == sorted(ranks)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize("segment", ["regular", "key"])
def test_it_never_lowers_priority_for_a_repeat_complainant_or_an_open_breach(
    kind: str, score: float, segment: str
) -> None:
    base = rank(inputs(kind, score=score, segment=segment))
    for recent, breach in [(2, False), (0, True), (2, True)]:
        assert rank(inputs(kind, score=score, segment=segment, recent=recent, breach=breach)) <= (
            base
        )


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("score", SCORES)
@pytest.mark.parametrize(("recent", "breach"), list(itertools.product([0, 2], [False, True])))
def test_it_never_ranks_a_key_customer_below_a_regular_one(
    kind: str, score: float, recent: int, breach: bool
) -> None:
    key = rank(inputs(kind, score=score, segment="key", recent=recent, breach=breach))
    regular = rank(inputs(kind, score=score, segment="regular", recent=recent, breach=breach))
    assert key <= regular


@pytest.mark.parametrize("segment", ["vip-but-unknown", "partner", "", "  REGULAR "])
@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("score", [ANGRY, QUIET, HAPPY])
def test_it_treats_unknown_segments_like_regular(segment: str, kind: str, score: float) -> None:
    unknown = decide_priority(inputs(kind, score=score, segment=segment))
    regular = decide_priority(inputs(kind, score=score, segment="regular"))
    assert unknown == regular


@pytest.mark.parametrize(
    ("segment", "expected"),
    [("key", "key"), (" Key ", "key"), ("new", "new"), ("regular", "regular"), ("gold", "regular")],
)
def test_it_normalises_segments(segment: str, expected: str) -> None:
    assert normalise_segment(segment) == expected


def test_it_reads_kind_and_label_case_insensitively() -> None:
    assert decide_priority(inputs("Complaint ", score=ANGRY, segment="KEY"))[0] == "urgent"
    assert decide_priority(inputs("comment", score=-0.3, label="Negative"))[0] == "normal"


# -- validation ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"score": 1.5}, "between -1 and 1"),
        ({"score": -1.01}, "between -1 and 1"),
        ({"score": math.nan}, "between -1 and 1"),
        ({"recent": -1}, "must not be negative"),
    ],
)
def test_it_rejects_bad_inputs(overrides: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        inputs(**overrides)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"priority": "critical"}, "unknown priority 'critical'"),
        ({"priority": "high", "segments": ("gold",)}, r"unknown segment\(s\) \['gold'\]"),
        ({"priority": "high", "kinds": "complaint"}, "kinds must be a collection"),
    ],
)
def test_it_rejects_bad_rules(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        PriorityRule("a rule", **kwargs)


def test_it_stores_rule_match_fields_as_frozensets() -> None:
    rule = PriorityRule("r", "low", kinds=["praise"], segments=("key",), sentiment_labels={"a"})
    assert rule.kinds == frozenset({"praise"})
    assert rule.segments == frozenset({"key"})
    assert rule.sentiment_labels == frozenset({"a"})


def test_it_raises_when_a_custom_table_has_no_matching_rule() -> None:
    rules = (PriorityRule("praise only", "low", kinds=("praise",)),)
    assert decide_priority(inputs("praise"), rules)[0] == "low"
    with pytest.raises(ValueError, match="no priority rule matches"):
        decide_priority(inputs("complaint"), rules)


@pytest.mark.parametrize(("priority", "expected"), list(zip(PRIORITIES, range(4), strict=True)))
def test_it_ranks_priorities(priority: str, expected: int) -> None:
    assert priority_rank(priority) == expected


def test_it_rejects_an_unknown_priority_rank() -> None:
    with pytest.raises(ValueError, match="unknown priority 'p1'"):
        priority_rank("p1")
