"""What staff pages call the app's stored values: statuses, priorities, outcomes, sentiments.

One table per kind of value, marked for translation (translated where shown; a page that is
English-only shows them as they are). The customer's own words for a status are
`feedback.conversation.STATUS_WORDS`; the kinds of feedback are `KIND_LABELS` in
`portal.handlers.public`.
"""

from __future__ import annotations

from feedback.models import Outcome, Priority, Status
from portal.i18n import N_

STATUS_TITLES = {
    Status.NEW: N_("New"),
    Status.ASSIGNED: N_("Assigned"),
    Status.IN_PROGRESS: N_("In progress"),
    Status.WAITING_ON_CUSTOMER: N_("Waiting on customer"),
    Status.RESOLVED: N_("Resolved"),
    Status.CLOSED: N_("Closed"),
}
PRIORITY_LABELS = {
    Priority.URGENT: N_("Urgent"),
    Priority.HIGH: N_("High"),
    Priority.NORMAL: N_("Normal"),
    Priority.LOW: N_("Low"),
}
OUTCOME_LABELS = {
    Outcome.RESOLVED: N_("Resolved"),
    Outcome.PARTLY_RESOLVED: N_("Partly resolved"),
    Outcome.NOT_RESOLVED: N_("Could not be resolved"),
    Outcome.NOT_A_PROBLEM: N_("Not a problem"),
}
# The sentiment labels of feedback.sentiment.LABELS.
SENTIMENT_LABELS = {
    "negative": N_("Negative"),
    "neutral": N_("Neutral"),
    "positive": N_("Positive"),
}
