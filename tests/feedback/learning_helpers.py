"""Labelled history made from templates, for the import, retraining and end-to-end tests.

The phrasing is a shop's own: complaints without the usual complaint words ("showed up in
pieces"), praise in plain words ("fits perfectly"), questions that mention cancelling. The
built-in rules get some of it wrong, so a model learned from it is measurably better.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

ITEMS = ["parcel", "sofa", "laptop", "blender", "jacket", "kettle", "mattress", "lamp"]
COMPLAINTS = {
    "Delivery": [
        "my {item} showed up at the neighbours three streets away",
        "the van came and went and my {item} is back at the depot",
        "tracking has said out for delivery on the {item} since monday",
        "the {item} was left on the doorstep in the rain",
        "courier says the {item} was handed over but nobody rang",
    ],
    "Billing": [
        "two payments went out for the one {item}",
        "the invoice for the {item} shows the full price not the sale price",
        "money for the returned {item} is not back on my card",
        "paid for next day on the {item} and got standard",
        "the {item} was billed to my old card after I updated it",
    ],
    "Product": [
        "my {item} showed up in pieces",
        "the {item} smells of smoke out of the box",
        "the {item} makes a grinding sound after a week",
        "the {item} is a different colour from the photos",
        "the {item} only works when it feels like it",
    ],
}
PRAISE = [
    "the {item} fits perfectly in the corner",
    "courier was early and the {item} is spot on",
    "the {item} is exactly the shade in the photos",
    "my mum loves the {item} you sent",
    "the {item} is solid and the instructions were clear",
]
QUESTIONS = [
    "can I cancel the {item} order before it ships",
    "does the {item} come with a plug for the uk",
    "what is the return window on the {item}",
    "is the {item} sold out or coming back",
    "do you deliver the {item} to the islands",
]
OPENERS = ["", "hi, ", "hello, ", "quick note: "]


def make_history(n_per_template: int = 6, seed: int = 7) -> list[dict[str, str]]:
    """Rows with text, sentiment, category, created and customer columns (a few hundred)."""
    rng = random.Random(seed)
    rows = []
    groups = [("negative", category, templates) for category, templates in COMPLAINTS.items()]
    groups += [("positive", "", PRAISE), ("neutral", "", QUESTIONS)]
    for label, category, templates in groups:
        for template in templates:
            for _ in range(n_per_template):
                text = rng.choice(OPENERS) + template.format(item=rng.choice(ITEMS))
                rows.append(
                    {
                        "text": text,
                        "sentiment": label,
                        "category": category,
                        "created": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d} "
                        f"{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00",
                        "customer": f"C{rng.randint(1000, 9999)}",
                    }
                )
    rng.shuffle(rows)
    return rows


def write_csv(path: Path, rows: list[dict[str, str]], columns: list[str] | None = None) -> Path:
    columns = columns or list(rows[0])
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def columns_of(rows: list[dict[str, str]]) -> tuple[list[str], list[str | None], list[str | None]]:
    """Texts, sentiments and categories, as `feedback.learning.train` takes them."""
    return (
        [row["text"] for row in rows],
        [row["sentiment"] or None for row in rows],
        [row["category"] or None for row in rows],
    )
