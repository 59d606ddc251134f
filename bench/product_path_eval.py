"""Measure the learned model the way an installation gets it: import, retrain, score.

Run from the repository root::

    .venv/bin/python bench/product_path_eval.py [--data PATH] [--test-share 0.2] [--seed 0]

Splits the labelled file (default ``../shared/data/airline_dev.csv``; columns ``text``,
``airline_sentiment``, ``negativereason``, ``tweet_created``, ``airline``) into a history
part and a held-out part at random, then, in a new installation (a temporary folder with its
own SQLite database), runs the real console commands:

1. ``portal migrate``
2. ``portal import HISTORY.csv --text-column text --sentiment-column airline_sentiment
   --category-column negativereason --created-column tweet_created --customer-column airline``
3. ``portal retrain``
4. ``portal score --csv HELD_OUT.csv --column text``

and compares the scored labels and categories with the held-out rows' own: three-way
accuracy, negative recall, and category accuracy on the rows whose reason is one of the real
complaint categories (blank and "Can't Tell" excluded). It prints each command's time too.
Unlike ``bench/sentiment_eval.py`` (cross-validation of the learning code), this goes through
everything in between: the import's cleaning, the stored model, the compiled scorer and the
CSV output.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "airline_dev.csv"
NO_CATEGORY = {"", "can't tell"}
PORTAL = [sys.executable, "-m", "portal.cli"]


def run(command: list[str], env: dict[str, str], stdout=None) -> float:
    """Run one console command; return its wall-clock seconds (fail loudly on an error)."""
    started = time.perf_counter()
    result = subprocess.run(  # noqa: S603 -- our own console command, fixed arguments
        command, cwd=REPO_ROOT, env=env, stdout=stdout or subprocess.PIPE, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command[2:])} failed with status {result.returncode}")
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Split, import, retrain, score and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--test-share", type=float, default=0.2)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    with args.data.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        fieldnames = list(reader.fieldnames or [])
        rows = list(reader)
    random.Random(args.seed).shuffle(rows)
    n_test = int(len(rows) * args.test_share)
    held_out, history = rows[:n_test], rows[n_test:]

    with tempfile.TemporaryDirectory(prefix="portal-product-eval-") as folder:
        folder_path = Path(folder)
        history_csv = folder_path / "history.csv"
        held_out_csv = folder_path / "held_out.csv"
        for path, part in ((history_csv, history), (held_out_csv, held_out)):
            with path.open("w", newline="", encoding="utf-8") as handle:
                writer = csv.DictWriter(handle, fieldnames=fieldnames)
                writer.writeheader()
                writer.writerows(part)
        env = {
            **os.environ,
            "PORTAL_VAR_DIR": str(folder_path / "var"),
            "DATABASE_URL": f"sqlite://{folder_path / 'portal.db'}",
            "PORTAL_RETRAIN_AFTER": "0",
        }
        timings = {"migrate": run([*PORTAL, "migrate"], env)}
        timings["import"] = run(
            [
                *PORTAL,
                "import",
                str(history_csv),
                "--text-column",
                "text",
                "--sentiment-column",
                "airline_sentiment",
                "--category-column",
                "negativereason",
                "--created-column",
                "tweet_created",
                "--customer-column",
                "airline",
            ],
            env,
        )
        timings["retrain"] = run([*PORTAL, "retrain"], env)
        scored_csv = folder_path / "scored.csv"
        with scored_csv.open("w", encoding="utf-8") as out:
            timings["score"] = run(
                [*PORTAL, "score", "--csv", str(held_out_csv), "--column", "text"], env, out
            )
        with scored_csv.open(newline="", encoding="utf-8") as handle:
            scored = list(csv.DictReader(handle))

    assert len(scored) == len(held_out), "portal score must write one row per input row"
    gold = [row["airline_sentiment"].strip().lower() for row in held_out]
    labels = [row["label"] for row in scored]
    negatives = [label for label, g in zip(labels, gold, strict=True) if g == "negative"]
    with_reason = [
        (row["negativereason"].strip(), out["category"])
        for row, out in zip(held_out, scored, strict=True)
        if row["negativereason"].strip().lower() not in NO_CATEGORY
    ]
    scorers = sorted({row["scorer"] for row in scored})
    print(
        f"history {len(history):,} rows, held out {len(held_out):,} "
        f"(seed {args.seed}); scorer: {', '.join(scorers)}"
    )
    print(
        "times: "
        + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in timings.items())
        + " (each includes the command's start-up)"
    )
    accuracy = sum(a == b for a, b in zip(labels, gold, strict=True)) / len(gold)
    recall = sum(label == "negative" for label in negatives) / len(negatives)
    category = sum(a == b for a, b in with_reason) / len(with_reason)
    print(f"three-way accuracy   {accuracy:.3f}")
    print(f"negative recall      {recall:.3f}")
    print(f"category accuracy    {category:.3f}  ({len(with_reason):,} rows with a real reason)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
