"""How long scoring adds to one form submission, with the rules and with a learned model.

Run from the repository root::

    python bench/scoring_latency.py [--data PATH] [--rows N] [--messages N]

Intake scores one message per submission through ``feedback.sentiment.score_text``, which
asks the installation's model store for the scorer in use (a cached object, looked up again
at most every few seconds) and scores the subject and message. This script times exactly
that call, one message at a time, for:

* the cold-start rules (no learned model activated);
* a learned model trained on ``--rows`` messages of ``--data`` (default: the airline dev file
  next to the repository; a small template set when it is missing), saved, activated through
  the pointer file and loaded the way an app process loads it.

It prints the median, 95th and 99th percentile and the worst call in milliseconds, and the
budget: scoring must add less than 2 ms to a submission. The first call after loading is a
warm-up and not counted. Times are wall-clock on one core; another busy process on the
machine shows up in the tail.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

from feedback import model_store  # noqa: E402
from feedback.learning import train  # noqa: E402
from feedback.sentiment import score_text  # noqa: E402

DEFAULT_DATA = REPO_ROOT.parent / "shared" / "data" / "airline_dev.csv"
BUDGET_MS = 2.0


def load(path: Path, rows: int) -> tuple[list[str], list[str | None], list[str | None]]:
    """Texts, sentiments and categories of the first ``rows`` rows of a labelled file."""
    if not path.exists():
        from tests.feedback.learning_helpers import columns_of, make_history

        print(f"({path} not found: using the template history)")
        return columns_of(make_history(n_per_template=20))
    texts, sentiments, categories = [], [], []
    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            texts.append(row["text"])
            sentiments.append(row["airline_sentiment"].strip().lower() or None)
            reason = (row.get("negativereason") or "").strip()
            categories.append(None if reason.lower() in ("", "can't tell") else reason)
            if len(texts) >= rows:
                break
    return texts, sentiments, categories


def time_calls(messages: list[str]) -> list[float]:
    """Milliseconds of ``score_text`` per message (after one warm-up call)."""
    score_text(messages[0])
    times = []
    for message in messages:
        started = time.perf_counter()
        score_text(message)
        times.append((time.perf_counter() - started) * 1000)
    return times


def report(name: str, times: list[float]) -> bool:
    ordered = sorted(times)

    def pct(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    ok = pct(0.99) < BUDGET_MS
    print(
        f"{name:<34} median {statistics.median(ordered):6.3f}  p95 {pct(0.95):6.3f}  "
        f"p99 {pct(0.99):6.3f}  max {ordered[-1]:6.3f} ms   "
        f"{'within' if ok else 'OVER'} the {BUDGET_MS:g} ms budget (p99)"
    )
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--rows", type=int, default=20_000, help="training rows (default: all)")
    parser.add_argument("--messages", type=int, default=3000, help="submissions to time")
    args = parser.parse_args(argv)

    texts, sentiments, categories = load(args.data, args.rows)
    # Submissions are subject + message; the file's messages stand in for both.
    messages = [f"Feedback\n{text}" for text in texts[: args.messages]]

    with tempfile.TemporaryDirectory() as var:
        var_dir = Path(var)
        model_store.configure(var_dir)
        ok = report("rules (no learned model)", time_calls(messages))

        started = time.perf_counter()
        model = train(texts, sentiments, categories)
        print(f"(trained on {len(texts):,} messages in {time.perf_counter() - started:.1f} s)")
        filename = model_store.model_filename(model.version)
        model.save(model_store.model_path(var_dir, filename))
        model_store.write_pointer(
            var_dir, model_store.ActivePointer(model.version, filename, ("negative",))
        )
        started = time.perf_counter()
        scorer = model_store.current_scorer(var_dir, wait=True)
        print(f"(loaded {scorer.name}/{scorer.version} in {time.perf_counter() - started:.2f} s)")
        ok = report(f"learned model ({len(texts):,} rows)", time_calls(messages)) and ok

        batch = messages[:2000]
        started = time.perf_counter()
        scorer.score_many(batch)
        rate = len(batch) / (time.perf_counter() - started)
        print(f"(batch scoring with the learned model, as `portal score`: {rate:,.0f} msg/s)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
