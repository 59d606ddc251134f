"""How sure the portal is of an item's sentiment and category, as shown on the board.

Pure functions of an item's stored fields, used by the board card and the item page: which
scorer labelled the item ("rules", "learned v…", "staff") and whether staff should check the
label ("check sentiment", "check category", or both) instead of trusting a doubtful one.
"""

from __future__ import annotations

from typing import Any

from feedback.sentiment import LOW_CONFIDENCE

#: The learned model's category is suggested (and can replace "Other") from this probability;
#: below it the board asks staff to check the category. Trained on three quarters of the
#: airline dev file, the model's suggestions for the rest were right 80% of the time at or
#: above 0.5 (two thirds of the complaints) and 44% below it.
CATEGORY_CONFIDENCE = 0.5
#: The catch-all category a learned suggestion may replace.
GENERIC_CATEGORY = "Other"


def scorer_tag(scorer: str) -> str:
    """A short name for the scorer that labelled an item: "rules", "learned v…" or "staff".

    ``scorer`` is what items store: ``name/version`` (e.g. ``complaint-aware/1`` or
    ``learned/learned-20250301T101500123456Z``), or ``staff``.
    """
    name, _, version = (scorer or "").partition("/")
    if name == "staff":
        return "staff"
    if name == "learned":
        stamp = version.removeprefix("learned-")
        if len(stamp) >= 13 and stamp[8] == "T":
            return f"learned v{stamp[:8]}.{stamp[9:13]}"
        return f"learned {version}".strip()
    if name in ("complaint-aware", "textblob"):
        return "rules"
    return name


def check_needed(item: Any) -> str:
    """ "sentiment", "category", "sentiment/category" or "" for an item's stored labels.

    Sentiment needs a check below :data:`feedback.sentiment.LOW_CONFIDENCE` unless staff
    confirmed it; the category when the learned model was unsure of its own suggestion
    (staff setting the category clears that).
    """
    parts = []
    if not item.sentiment_confirmed and (item.sentiment_confidence or 0.0) < LOW_CONFIDENCE:
        parts.append("sentiment")
    confidence = item.category_confidence
    if confidence is not None and confidence < CATEGORY_CONFIDENCE:
        parts.append("category")
    return "/".join(parts)


def template_helpers() -> dict[str, Any]:
    """What card and item templates call to show who labelled an item and what to check."""
    return {"scorer_tag": scorer_tag, "check_needed": check_needed}
