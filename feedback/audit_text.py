"""An audit event in words: the one place that turns `Event` rows into what staff read.

`describe(event)` gives "Status: Assigned → In progress (routed)": what happened, the change
(stored values shown with their labels from `feedback.labels`, dates as dates, people by
name) and the free-text detail as recorded. `actor(event)` names who did it. Both are
translated into the viewer's language; the recorded detail stays as it was written.

Every action the app records (`audit.record(...)`, plus the bulk inserts of
`feedback.customer_merge` and `feedback.privacy`) has an entry in `ACTIONS`;
tests/feedback/test_audit_text.py checks that none is missing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from babel.dates import format_date

from feedback.labels import OUTCOME_LABELS, PRIORITY_LABELS, SENTIMENT_LABELS, STATUS_TITLES
from feedback.models import AuthorKind, Event
from portal.i18n import N_, current_language, gettext, ngettext

Value = Callable[[str], str]


def _text(value: str) -> str:
    return value


def _label(table: dict[Any, str]) -> Value:
    by_value = {str(key): label for key, label in table.items()}

    def show(value: str) -> str:
        label = by_value.get(value)
        return gettext(label) if label else value

    return show


_status = _label(STATUS_TITLES)
_priority = _label(PRIORITY_LABELS)
_outcome = _label(OUTCOME_LABELS)
_sentiment_label = _label(SENTIMENT_LABELS)


def _sentiment(value: str) -> str:
    """ "negative -0.62" (a label, maybe with its score) -> "Negative -0.62"."""
    label, _, score = value.partition(" ")
    return f"{_sentiment_label(label)} {score}".strip()


def _person(value: str) -> str:
    return value or gettext("nobody")


def _day(value: str) -> str:
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return format_date(day, "medium", locale=current_language())


def _was_due(value: str) -> str:
    return gettext("was due %(day)s") % {"day": _day(value)}


def _times(value: str) -> str:
    if not value.isdigit():
        return value
    count = int(value)
    return ngettext("%(num)d time in all", "%(num)d times in all", count) % {"num": count}


_SURVEY = re.compile(r"satisfaction (\d+)/5, recommend (\d+)/10")


def _survey(value: str) -> str:
    match = _SURVEY.fullmatch(value)
    if match is None:
        return value
    return gettext("satisfaction %(satisfaction)s/5, recommend %(recommend)s/10") % {
        "satisfaction": match[1],
        "recommend": match[2],
    }


@dataclass(frozen=True)
class Action:
    """How one kind of event reads.

    `title`: what happened (a msgid); `value`: how its old and new values are shown, None to
    leave them out (they repeat the title); `detail`: False where the recorded detail only
    repeats the title or the value ("added", "merged into FB-…").
    """

    title: str
    value: Value | None = None
    detail: bool = True
    removed_title: str = ""  # for an event that takes something away (no new value)
    always: bool = False  # show the value even when empty ("Routed to: nobody")


ACTIONS: dict[str, Action] = {
    "created": Action(N_("New feedback")),
    "scored": Action(N_("Sentiment scored"), _sentiment),
    "category": Action(N_("Category"), _text),
    "sentiment": Action(N_("Sentiment"), _sentiment),
    "priority": Action(N_("Priority"), _priority),
    "status": Action(N_("Status"), _status),
    "routed": Action(N_("Routed to"), _person, always=True),
    "owner": Action(N_("Owner"), _person),
    "customer_owner": Action(N_("Customer owner"), _person),
    "collaborator": Action(
        N_("Collaborator added"),
        _text,
        detail=False,
        removed_title=N_("Collaborator removed"),
    ),
    "first_response": Action(N_("First response sent")),
    "reply": Action(N_("Replied to the customer")),
    "note": Action(N_("Internal note added")),
    "customer_reply": Action(N_("The customer replied")),
    "mail_received": Action(N_("E-mail received from the customer")),
    "reopened": Action(N_("Reopened by the customer"), _times, detail=False),
    "resolution": Action(N_("Outcome"), _outcome),
    "survey": Action(N_("Survey answered"), _survey),
    "survey_changed": Action(N_("Survey answer changed"), _survey),
    "follow_up": Action(N_("Follow-up due"), _day),
    "follow_up_done": Action(N_("Follow-up done"), _was_due),
    "follow_up_cancelled": Action(
        N_("Follow-up cancelled"), _was_due, removed_title=N_("Follow-up cancelled")
    ),
    "warning": Action(N_("Response-time warning")),
    "escalated": Action(N_("Escalated")),
    "triage_failed": Action(N_("Automatic triage failed"), detail=False),
    "review_flagged": Action(N_("Flagged for a relationship review")),
    "review_cleared": Action(N_("Relationship review cleared")),
    "merged": Action(N_("Merged into"), _text, detail=False),
    "merged_here": Action(N_("Merged here from"), _text, detail=False),
    "customer_merged": Action(N_("Customer records merged"), _text),
    "exported": Action(N_("Personal data exported")),
    "erased": Action(N_("Personal data erased")),
}

ACTORS = {
    AuthorKind.CUSTOMER: N_("Customer"),
    AuthorKind.STAFF: N_("Staff"),
    AuthorKind.SYSTEM: N_("System"),
}


def _change(action: Action, old: str, new: str) -> str:
    if action.value is None or not (old or new or action.always):
        return ""
    if action.removed_title and not new:
        return action.value(old)  # "Collaborator removed: Ben Okafor"
    if not old:
        return action.value(new)
    return f"{action.value(old)} → {action.value(new)}"


def describe(event: Event) -> str:
    """The event in words, without who and when: "Status: Assigned → In progress"."""
    action = ACTIONS.get(event.action)
    if action is None:  # an action recorded before this table knew it: shown plainly
        action = Action(event.action.replace("_", " ").capitalize(), _text)
        title = action.title
    elif action.removed_title and not event.new_value:
        title = gettext(action.removed_title)
    else:
        title = gettext(action.title)
    change = _change(action, event.old_value, event.new_value)
    text = gettext("%(what)s: %(change)s") % {"what": title, "change": change} if change else title
    detail = _unrepeated(event.detail, action.title, event.new_value) if action.detail else ""
    if detail:
        text = gettext("%(text)s (%(detail)s)") % {"text": text, "detail": detail}
    return text


def _unrepeated(detail: str, title: str, new: str) -> str:
    """The detail without a leading repeat of the title (and of the new value after it):
    "Personal data exported (personal data exported by Mia)" reads "Personal data exported
    (by Mia)", "Priority: Normal → High (priority high: a key customer)" reads "… (a key
    customer)". Details are recorded in English, so only the English title is compared."""
    rest = detail
    if rest.lower().startswith(title.lower()):
        rest = rest[len(title) :].lstrip(" :;,.")
        if new and rest.lower().startswith(new.lower()):
            rest = rest[len(new) :].lstrip(" :;,.")
    return rest


def actor(event: Event) -> str:
    """Who did it: the staff member's name, else "Customer" or "System"."""
    if getattr(event, "actor_id", None) is not None:  # loaded with select_related("actor")
        return str(event.actor.name)
    label = ACTORS.get(AuthorKind(event.actor_kind)) if event.actor_kind else None
    return gettext(label) if label else str(event.actor_kind)
