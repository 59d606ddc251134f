"""The priority rule table: one ordered list of human-readable rules, first match wins.

Priority is not "who shouts loudest". What the customer means to the business and what has
already gone wrong for them weigh as much as the tone of one message:

* a key customer's quiet complaint ranks at least as high as a regular customer's angry one,
  and a strongly negative complaint from a key customer is urgent;
* a repeat complainant (2+ complaints in the last 90 days) or a customer who already has an
  overdue item moves up a level;
* questions are normal, comments and suggestions low unless something lifts them, praise is
  low (it deserves a thank-you, not a race) unless it reads like a disguised complaint.

Sentiment scores are on the usual -1 (very negative) .. +1 (very positive) scale of VADER's
compound score and TextBlob's polarity. Segments are configurable; the rules know ``key``,
``regular`` and ``new``, and any other segment is treated like ``regular``.

Adding a rule means adding a row to :data:`PRIORITY_RULES`; its ``description`` is what
managers see in the audit trail ("priority high: complaint from a key customer").
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

__all__ = [
    "KINDS",
    "KNOWN_SEGMENTS",
    "PRIORITIES",
    "PRIORITY_RULES",
    "REPEAT_COMPLAINTS",
    "STRONGLY_NEGATIVE",
    "PriorityInputs",
    "PriorityRule",
    "decide_priority",
    "normalise_segment",
    "priority_rank",
]

PRIORITIES = ("urgent", "high", "normal", "low")
KINDS = ("complaint", "comment", "praise", "suggestion", "question")
KNOWN_SEGMENTS = ("key", "regular", "new")
DEFAULT_SEGMENT = "regular"

STRONGLY_NEGATIVE = -0.6
"""A sentiment score at or below this is "strongly negative" (an angry message)."""
REPEAT_COMPLAINTS = 2
"""Earlier complaints in the last 90 days that make a customer a repeat complainant."""


def priority_rank(priority: str) -> int:
    """0 for ``urgent`` .. 3 for ``low``, for sorting; ``ValueError`` for an unknown priority."""
    try:
        return PRIORITIES.index(priority)
    except ValueError:
        raise ValueError(
            f"unknown priority {priority!r} (known: {', '.join(PRIORITIES)})"
        ) from None


def normalise_segment(segment: str) -> str:
    """The segment as the rules see it: a known one, or ``regular`` for any other."""
    name = segment.strip().lower()
    return name if name in KNOWN_SEGMENTS else DEFAULT_SEGMENT


@dataclass(frozen=True)
class PriorityInputs:
    """What the priority of a new item depends on.

    ``recent_complaints`` counts the customer's complaints in the last 90 days, not counting
    this item; ``customer_has_open_breach`` is whether another of their items is overdue.
    """

    kind: str
    sentiment_label: str
    sentiment_score: float
    segment: str
    recent_complaints: int
    customer_has_open_breach: bool

    def __post_init__(self) -> None:
        score = self.sentiment_score
        if not isinstance(score, int | float) or math.isnan(score) or not -1 <= score <= 1:
            raise ValueError(f"sentiment_score must be between -1 and 1, got {score!r}")
        if self.recent_complaints < 0:
            raise ValueError(
                f"recent_complaints must not be negative, got {self.recent_complaints}"
            )


def _frozen(values: Iterable[str] | None) -> frozenset[str] | None:
    return None if values is None else frozenset(values)


@dataclass(frozen=True)
class PriorityRule:
    """One row of the rule table. Every match field left ``None`` matches anything.

    A rule matches when the item's kind is in ``kinds``, the customer's (normalised) segment
    is in ``segments``, the sentiment label is in ``sentiment_labels``, the score is at most
    ``max_sentiment_score``, the customer has at least ``min_recent_complaints`` recent
    complaints, and ``open_breach`` equals whether they have an overdue item.
    """

    description: str
    priority: str
    kinds: frozenset[str] | None = None
    segments: frozenset[str] | None = None
    sentiment_labels: frozenset[str] | None = None
    max_sentiment_score: float | None = None
    min_recent_complaints: int | None = None
    open_breach: bool | None = None

    def __post_init__(self) -> None:
        priority_rank(self.priority)
        # Accept any iterable (tuples read better in a table) but store frozensets.
        for name in ("kinds", "segments", "sentiment_labels"):
            value = getattr(self, name)
            if isinstance(value, str):
                raise ValueError(f"rule {self.description!r}: {name} must be a collection")
            object.__setattr__(self, name, _frozen(value))
        unknown = (self.segments or frozenset()) - set(KNOWN_SEGMENTS)
        if unknown:
            # Unknown segments are read as "regular", so a rule naming one could never match.
            raise ValueError(
                f"rule {self.description!r}: unknown segment(s) {sorted(unknown)} "
                f"(rules know {', '.join(KNOWN_SEGMENTS)})"
            )

    def matches(self, inputs: PriorityInputs) -> bool:
        """Whether this rule applies to ``inputs``."""
        return (
            (self.kinds is None or inputs.kind.strip().lower() in self.kinds)
            and (self.segments is None or normalise_segment(inputs.segment) in self.segments)
            and (
                self.sentiment_labels is None
                or inputs.sentiment_label.strip().lower() in self.sentiment_labels
            )
            and (
                self.max_sentiment_score is None
                or inputs.sentiment_score <= self.max_sentiment_score
            )
            and (
                self.min_recent_complaints is None
                or inputs.recent_complaints >= self.min_recent_complaints
            )
            and (self.open_breach is None or inputs.customer_has_open_breach == self.open_breach)
        )

    def audit_line(self) -> str:
        """The line for the audit trail: ``"priority high: complaint from a key customer"``."""
        return f"priority {self.priority}: {self.description}"


_COMPLAINT = ("complaint",)
_KEY = ("key",)
_OTHER_MESSAGES = ("question", "comment", "suggestion")

PRIORITY_RULES: tuple[PriorityRule, ...] = (
    # Praise first, so a happy customer is never bumped by an unrelated overdue item.
    PriorityRule(
        "praise worded strongly negatively: may be a complaint, check it",
        "normal",
        kinds=("praise",),
        max_sentiment_score=STRONGLY_NEGATIVE,
    ),
    PriorityRule("praise: thank the customer, no rush", "low", kinds=("praise",)),
    # Complaints that are urgent: a key customer with any aggravating factor, or an angry
    # customer who is already a repeat complainant or waiting on an overdue item.
    PriorityRule(
        "strongly negative complaint from a key customer",
        "urgent",
        kinds=_COMPLAINT,
        segments=_KEY,
        max_sentiment_score=STRONGLY_NEGATIVE,
    ),
    PriorityRule(
        "complaint from a key customer who already has an overdue item",
        "urgent",
        kinds=_COMPLAINT,
        segments=_KEY,
        open_breach=True,
    ),
    PriorityRule(
        f"repeat complaint from a key customer ({REPEAT_COMPLAINTS}+ in 90 days)",
        "urgent",
        kinds=_COMPLAINT,
        segments=_KEY,
        min_recent_complaints=REPEAT_COMPLAINTS,
    ),
    PriorityRule(
        "strongly negative complaint from a customer who already has an overdue item",
        "urgent",
        kinds=_COMPLAINT,
        max_sentiment_score=STRONGLY_NEGATIVE,
        open_breach=True,
    ),
    PriorityRule(
        f"strongly negative repeat complaint ({REPEAT_COMPLAINTS}+ in 90 days)",
        "urgent",
        kinds=_COMPLAINT,
        max_sentiment_score=STRONGLY_NEGATIVE,
        min_recent_complaints=REPEAT_COMPLAINTS,
    ),
    # High: exactly one reason to hurry. A key customer's quiet complaint sits here, level
    # with a regular customer's angry one.
    PriorityRule("complaint from a key customer", "high", kinds=_COMPLAINT, segments=_KEY),
    PriorityRule(
        "strongly negative complaint",
        "high",
        kinds=_COMPLAINT,
        max_sentiment_score=STRONGLY_NEGATIVE,
    ),
    PriorityRule(
        "complaint from a customer who already has an overdue item",
        "high",
        kinds=_COMPLAINT,
        open_breach=True,
    ),
    PriorityRule(
        f"repeat complaint ({REPEAT_COMPLAINTS}+ in 90 days)",
        "high",
        kinds=_COMPLAINT,
        min_recent_complaints=REPEAT_COMPLAINTS,
    ),
    PriorityRule("complaint", "normal", kinds=_COMPLAINT),
    # Other messages: a customer already let down gets a quick answer whatever they write.
    PriorityRule(
        "question, comment or suggestion from a customer who already has an overdue item",
        "high",
        kinds=_OTHER_MESSAGES,
        open_breach=True,
    ),
    PriorityRule(
        f"question from a repeat complainant ({REPEAT_COMPLAINTS}+ complaints in 90 days)",
        "high",
        kinds=("question",),
        min_recent_complaints=REPEAT_COMPLAINTS,
    ),
    PriorityRule("question: someone is waiting for an answer", "normal", kinds=("question",)),
    PriorityRule(
        "negative comment: may hide a complaint",
        "normal",
        kinds=("comment",),
        sentiment_labels=("negative",),
    ),
    PriorityRule(
        f"comment from a repeat complainant ({REPEAT_COMPLAINTS}+ complaints in 90 days)",
        "normal",
        kinds=("comment",),
        min_recent_complaints=REPEAT_COMPLAINTS,
    ),
    PriorityRule("comment", "low", kinds=("comment",)),
    PriorityRule("suggestion from a key customer", "normal", kinds=("suggestion",), segments=_KEY),
    PriorityRule("suggestion", "low", kinds=("suggestion",)),
    # Kinds are an open set in the data; anything new is looked at in normal time.
    PriorityRule("feedback of another kind", "normal"),
)
"""The rules, evaluated in order; the first that matches decides."""


def decide_priority(
    inputs: PriorityInputs, rules: Sequence[PriorityRule] = PRIORITY_RULES
) -> tuple[str, PriorityRule]:
    """The priority for ``inputs`` and the rule that decided it (first match wins).

    ``rules`` defaults to :data:`PRIORITY_RULES`; a custom table without a catch-all rule
    raises ``ValueError`` for inputs that no rule matches.
    """
    for rule in rules:
        if rule.matches(inputs):
            return rule.priority, rule
    raise ValueError(f"no priority rule matches {inputs!r}; end the table with a catch-all rule")
