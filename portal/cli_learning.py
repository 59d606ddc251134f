"""`portal import`, `portal retrain` and `portal score`: history, the learned model, batches.

Each command has an async body that takes the parsed arguments, the settings and the output
streams (``run_import``, ``run_retrain``, ``run_score``), so tests run them in-process on
their own database; the ``cmd_*`` wrappers open and close the database for the console.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TextIO

from feedback.history_import import (
    DEFAULT_BATCH_SIZE,
    NO_CATEGORY_VALUES,
    ImportFileError,
    ImportOptions,
    RowError,
    import_history,
    parse_label_map,
)
from feedback.sentiment import Scorer, get_scorer
from portal.settings import Settings, load_settings

SCORE_COLUMNS = ("label", "score", "confidence", "category", "scorer")
SCORE_CHUNK = 256
EXIT_ERROR = 2
NOT_UTF8 = "the file is not UTF-8 text (save it as UTF-8 CSV)"


def _positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return number


def add_parsers(sub: Any, run: Callable[[Settings, Callable[[], Awaitable[int]]], int]) -> None:
    """Register the three commands; ``run`` opens the database around an async body."""

    def command(body: Callable[..., Awaitable[int]]) -> Callable[[argparse.Namespace], int]:
        def handler(args: argparse.Namespace) -> int:
            settings = load_settings()
            if body is run_score and _database_missing(settings):
                # Nothing to look up: score with the rules rather than create an empty database.
                return asyncio.run(run_score(args, settings, sys.stdout, sys.stderr, db=False))
            if body is not run_score and _database_missing(settings):
                print(
                    f"error: no database at {settings.database_url}: run `portal migrate`",
                    file=sys.stderr,
                )
                return EXIT_ERROR
            return run(settings, lambda: body(args, settings, sys.stdout, sys.stderr))

        return handler

    imp = sub.add_parser(
        "import",
        help="import past feedback from a CSV file as examples to learn from",
        description="Import past feedback (e.g. an export from another tool) as training "
        "examples. Bad rows are reported on stderr with their line numbers and skipped; "
        "re-running the same file adds nothing twice.",
    )
    imp.add_argument("file", type=Path)
    imp.add_argument("--text-column", required=True, help="column with the message text")
    imp.add_argument("--sentiment-column", help="negative / neutral / positive")
    imp.add_argument("--category-column", help="the category or complaint reason")
    imp.add_argument("--created-column", help="when it was sent (ISO 8601, dd-mm-yyyy HH:MM, …)")
    imp.add_argument("--customer-column", help="a customer key (e-mail, account number)")
    imp.add_argument("--batch-size", type=_positive_int, default=DEFAULT_BATCH_SIZE)
    imp.add_argument(
        "--label-map",
        default="",
        help='other sentiment labels, e.g. "neg=negative,pos=positive,mixed=" (empty: none)',
    )
    imp.add_argument(
        "--no-category",
        default=",".join(sorted(NO_CATEGORY_VALUES - {""})),
        help="comma-separated category values that mean no category (default: %(default)s)",
    )
    imp.set_defaults(func=command(run_import))

    retrain = sub.add_parser(
        "retrain",
        help="train the sentiment model on the imported and confirmed examples",
        description="Train on every labelled example, save and record the model, and use it "
        "for new feedback if it beats the built-in rules on held-back examples.",
    )
    retrain.set_defaults(func=command(run_retrain))

    score = sub.add_parser(
        "score",
        help="score a CSV file's texts; CSV to stdout",
        description="Write label,score,confidence,category,scorer for every row of the input, "
        "in order, using this installation's model (the built-in rules without one).",
    )
    score.add_argument("--csv", required=True, type=Path, dest="csv_file", metavar="FILE.csv")
    score.add_argument("--column", required=True, help="the column holding the text")
    score.set_defaults(func=command(run_score))


# -- import --------------------------------------------------------------------------------------


async def run_import(args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO) -> int:
    """`portal import FILE --text-column … [--sentiment-column …] …`."""
    from portal.clock import utcnow

    try:
        label_map = parse_label_map(args.label_map)
    except ValueError as exc:
        print(f"error: --label-map: {exc}", file=err)
        return EXIT_ERROR
    options = ImportOptions(
        text_column=args.text_column,
        sentiment_column=args.sentiment_column,
        category_column=args.category_column,
        created_column=args.created_column,
        customer_column=args.customer_column,
        batch_size=args.batch_size,
        label_map=label_map,
        no_category_values=frozenset(
            {""} | {v.strip().lower() for v in args.no_category.split(",") if v.strip()}
        ),
    )
    name = args.file.name

    def report_error(error: RowError) -> None:
        print(f"{name}:{error.line}: {error.message} — skipped", file=err)

    started = time.perf_counter()
    try:
        report = await import_history(args.file, options, now=utcnow(), on_error=report_error)
    except ImportFileError as exc:
        print(f"error: {name}: {exc}", file=err)
        return EXIT_ERROR
    seconds = time.perf_counter() - started
    print(
        f"imported {report.imported:,}, updated {report.updated:,}, "
        f"duplicates {report.duplicates:,}, skipped {report.skipped:,} "
        f"({'see the lines above' if report.skipped else 'no bad rows'}) in {seconds:.1f} s",
        file=out,
    )
    if report.imported or report.updated:
        print(
            "Run `portal retrain` to learn from them now; the app also retrains by itself "
            f"after {settings.retrain_after} new labels.",
            file=out,
        )
    return 0


# -- retrain -------------------------------------------------------------------------------------


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f}%"


async def run_retrain(
    args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO
) -> int:
    """`portal retrain`: train, record, activate if good enough, print the report."""
    from feedback import model_store
    from feedback.retraining import holder_name, retrain
    from feedback.sentiment import DEFAULT_SCORER
    from portal.clock import utcnow

    result = await retrain(settings.var_dir, now=utcnow(), holder=holder_name())
    if result.status != "trained" or result.report is None or result.scorer_model is None:
        print(f"{result.message}", file=err)
        if result.status == "not_enough":
            print(
                "Import past feedback (`portal import`) or correct labels on the board first.",
                file=err,
            )
        return 1
    report = result.report
    row = result.scorer_model
    print(
        f"trained learned/{report.version} on {result.n_examples:,} examples "
        f"in {result.seconds:.1f} s (fitting {report.train_seconds:.1f} s)",
        file=out,
    )
    print(
        f"held back {report.n_holdout:,} examples with a sentiment "
        f"({report.n_category_holdout:,} with a known category) to compare:",
        file=out,
    )
    rows = [
        ("", "learned", f"rules ({DEFAULT_SCORER})"),
        ("accuracy", _pct(report.sentiment_accuracy), _pct(report.baseline_accuracy)),
        (
            "negative recall",
            _pct(report.negative_recall),
            _pct(report.baseline_negative_recall),
        ),
        ("category accuracy", _pct(report.category_accuracy), "— (no categories)"),
    ]
    for label, learned, rules in rows:
        print(f"  {label:<18} {learned:>8}   {rules}", file=out)
    if result.activated:
        print("used: yes — new feedback is scored with this model from now on", file=out)
    else:
        print(
            "used: no — it did not beat the built-in rules on the held-back examples "
            "(the scorer in use is unchanged)",
            file=out,
        )
    print(f"model file: {model_store.model_path(settings.var_dir, row.path)}", file=out)
    return 0


# -- score ---------------------------------------------------------------------------------------


class ScoreInputError(Exception):
    """The input cannot be scored (unreadable, not CSV, no such column)."""


def score_csv(handle: TextIO, column: str, scorer: Scorer, out: TextIO) -> int:
    """Stream ``handle``'s rows to ``out`` as scored CSV; returns the number of rows.

    Reads and writes :data:`SCORE_CHUNK` rows at a time, so memory stays flat however long
    the file. Raises :class:`ScoreInputError` (with the line number) on bad input.
    """
    reader = csv.reader(handle)
    writer = csv.writer(out, lineterminator="\n")
    try:
        header = [name.strip() for name in next(reader)]
    except StopIteration:
        raise ScoreInputError("the file is empty") from None
    except UnicodeDecodeError:
        raise ScoreInputError(NOT_UTF8) from None
    except csv.Error as exc:
        raise ScoreInputError(f"line 1: {exc}") from None
    if column not in header:
        raise ScoreInputError(
            f"no column named {column!r}; the file has: " + ", ".join(repr(h) for h in header)
        )
    index = header.index(column)
    writer.writerow(SCORE_COLUMNS)
    count = 0
    chunk: list[str] = []

    def flush() -> None:
        for result in scorer.score_many(chunk):
            writer.writerow(
                (
                    result.label,
                    f"{result.score:.4f}",
                    f"{result.confidence:.4f}",
                    result.category or "",
                    f"{result.scorer}/{result.version}",
                )
            )
        out.flush()
        chunk.clear()

    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise ScoreInputError(f"line {reader.line_num}: {exc}") from None
        except UnicodeDecodeError:
            raise ScoreInputError(f"after line {reader.line_num}: {NOT_UTF8}") from None
        chunk.append(fields[index] if index < len(fields) else "")
        count += 1
        if len(chunk) >= SCORE_CHUNK:
            flush()
    if chunk:
        flush()
    return count


async def installation_scorer(settings: Settings, err: TextIO) -> Scorer:
    """The installation's active model (from its database), or the cold-start scorer."""
    from feedback.retraining import active_scorer

    try:
        return await active_scorer(settings.var_dir)
    except (OSError, ValueError) as exc:
        print(f"warning: the active model cannot be used ({exc}); using the rules", file=err)
        return get_scorer(None)


async def run_score(
    args: argparse.Namespace, settings: Settings, out: TextIO, err: TextIO, *, db: bool = True
) -> int:
    """`portal score --csv FILE.csv --column text` (``db=False``: no database, the rules)."""
    try:
        handle = args.csv_file.open(newline="", encoding="utf-8-sig")  # noqa: ASYNC230
    except OSError as exc:
        print(f"error: cannot read {args.csv_file}: {exc.strerror or exc}", file=err)
        return EXIT_ERROR
    from feedback.compiled_model import CompiledModel

    with handle:
        scorer = await installation_scorer(settings, err) if db else get_scorer(None)
        if isinstance(scorer, CompiledModel):
            # Every row gets the model's best category (the app suggests one only for the
            # labels whose history had categories): an export is read row by row, and a
            # complaint taken for neutral still shows what it is about.
            scorer = scorer.for_every_label()
        try:
            score_csv(handle, args.column, scorer, out)
        except ScoreInputError as exc:
            print(f"error: {args.csv_file.name}: {exc}", file=err)
            return EXIT_ERROR
    return 0


def run_with_db(settings: Settings, body: Callable[[], Awaitable[int]]) -> int:
    """Run an async command body with the database open (the console entry point)."""
    from portal.cli import _with_db

    return int(asyncio.run(_with_db(settings, body)))


def _database_missing(settings: Settings) -> bool:
    """An SQLite file that does not exist yet (opening it would create an empty one)."""
    if not settings.is_sqlite:
        return False
    path = settings.database_url.removeprefix("sqlite://")
    return path != ":memory:" and not Path(path).exists()
