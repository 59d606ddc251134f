"""Import past feedback from a CSV export (another tool's history) as training examples.

Each row becomes one :class:`TrainingExample` (``source="import"``) with its text and, when
the columns are given, its sentiment, category, creation time and customer key. Rows are
checked first and a row with bad data is reported with its line number and skipped whole:

* empty text, or text over :data:`MAX_TEXT` characters;
* a sentiment that is not negative/neutral/positive after the optional label map;
* a creation time in none of the accepted formats (ISO 8601, ``dd-mm-yyyy HH:MM``,
  ``yyyy-mm-dd HH:MM:SS``; without a zone it is taken as UTC);
* a category or customer key that is too long, or a row whose field count is not the header's.

Good rows are written in batches, one transaction per batch, so an interruption never leaves
a batch half written. A row's identity is a hash of its creation time, customer key and text
(its ``source_key``), not of its position in the file: importing the same file again, or a
later export that overlaps it, adds nothing twice; a row whose labels changed since is updated.
A blank category, or one of :data:`NO_CATEGORY_VALUES` ("Can't tell", "n/a", …), means none.
No customers are created: the customer key is kept on the example only.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from feedback.models import TrainingExample, TrainingSource
from feedback.sentiment import LABELS

MAX_TEXT = 10_000
MAX_CATEGORY = 100
MAX_CUSTOMER_KEY = 254
DEFAULT_BATCH_SIZE = 500
NO_CATEGORY_VALUES = frozenset(
    {"", "can't tell", "cannot tell", "n/a", "na", "none", "unknown", "-"}
)
NOT_UTF8 = "the file is not UTF-8 text (save it as UTF-8 CSV)"
_DATE_FORMATS = ("%d-%m-%Y %H:%M", "%Y-%m-%d %H:%M:%S")


class ImportFileError(Exception):
    """The file cannot be imported at all (unreadable, not CSV, a named column missing)."""


@dataclass(frozen=True)
class ImportOptions:
    """Which columns hold what; only ``text_column`` is required."""

    text_column: str
    sentiment_column: str | None = None
    category_column: str | None = None
    created_column: str | None = None
    customer_column: str | None = None
    batch_size: int = DEFAULT_BATCH_SIZE
    label_map: Mapping[str, str | None] = field(default_factory=dict)
    no_category_values: frozenset[str] = NO_CATEGORY_VALUES


@dataclass(frozen=True)
class RowError:
    line: int  # the line the row starts on (the header is line 1)
    message: str


@dataclass
class ImportReport:
    imported: int = 0
    updated: int = 0
    duplicates: int = 0
    skipped: int = 0
    errors: list[RowError] = field(default_factory=list)


@dataclass(frozen=True)
class HistoryRow:
    """One checked row, ready to store."""

    line: int
    source_key: str
    text: str
    sentiment: str | None
    category: str | None
    created_at: datetime | None
    customer_key: str | None


def parse_label_map(text: str) -> dict[str, str | None]:
    """``"neg=negative,pos=positive,unsure="`` → ``{"neg": "negative", …, "unsure": None}``.

    Keys are compared lower-cased; an empty value means "no sentiment". Raises ``ValueError``.
    """
    result: dict[str, str | None] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        source, sep, target = part.partition("=")
        source, target = source.strip().lower(), target.strip().lower()
        if not sep or not source:
            raise ValueError(f"label map entries look like from=to, got {part.strip()!r}")
        if target and target not in LABELS:
            raise ValueError(f"label map target {target!r} is not one of {', '.join(LABELS)}")
        result[source] = target or None
    return result


def parse_created(value: str) -> datetime:
    """A creation time in one of the accepted formats, as an aware UTC datetime."""
    text = value.strip()
    moment: datetime | None = None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        for fmt in _DATE_FORMATS:
            try:
                moment = datetime.strptime(text, fmt)  # noqa: DTZ007 - zone added below
                break
            except ValueError:
                continue
    if moment is None:
        raise ValueError(
            f"unreadable date {text!r} (use ISO 8601, dd-mm-yyyy HH:MM or yyyy-mm-dd HH:MM:SS)"
        )
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def _source_key(created: datetime | None, customer: str | None, text: str) -> str:
    identity = "\x1f".join((created.isoformat() if created else "", customer or "", text))
    return "import:" + hashlib.sha256(identity.encode("utf-8")).hexdigest()


def _clean_text(value: str) -> str:
    # NUL is refused by PostgreSQL; line endings as the web form stores them.
    return value.replace("\x00", "").replace("\r\n", "\n").strip()


class _Columns:
    def __init__(self, header: list[str], options: ImportOptions) -> None:
        names = [name.strip() for name in header]
        wanted = {
            "text": options.text_column,
            "sentiment": options.sentiment_column,
            "category": options.category_column,
            "created": options.created_column,
            "customer": options.customer_column,
        }
        missing = [name for name in wanted.values() if name and name not in names]
        if missing:
            raise ImportFileError(
                f"no column named {', '.join(repr(m) for m in missing)}; the file has: "
                + ", ".join(repr(n) for n in names)
            )
        self.width = len(names)
        self.index = {key: names.index(name) for key, name in wanted.items() if name}


def _check_row(
    fields: list[str], columns: _Columns, options: ImportOptions, line: int
) -> HistoryRow:
    """The checked row, or ``ValueError`` saying what is wrong with it."""
    if len(fields) != columns.width:
        raise ValueError(f"the row has {len(fields)} fields, the header has {columns.width}")
    index = columns.index
    text = _clean_text(fields[index["text"]])
    if not text:
        raise ValueError("the text is empty")
    if len(text) > MAX_TEXT:
        raise ValueError(f"the text is {len(text):,} characters long (at most {MAX_TEXT:,})")
    sentiment = None
    if "sentiment" in index:
        raw = fields[index["sentiment"]].strip()
        key = raw.lower()
        if key in options.label_map:
            sentiment = options.label_map[key]
        elif key in LABELS:
            sentiment = key
        elif key:
            raise ValueError(
                f"unknown sentiment label {raw!r} (expected {', '.join(LABELS)}; "
                "map others with --label-map)"
            )
    category = None
    if "category" in index:
        category = fields[index["category"]].strip() or None
        if category is not None and category.lower() in options.no_category_values:
            category = None
        if category is not None and len(category) > MAX_CATEGORY:
            raise ValueError(f"the category is longer than {MAX_CATEGORY} characters")
    created = None
    if "created" in index and fields[index["created"]].strip():
        created = parse_created(fields[index["created"]])
    customer = None
    if "customer" in index:
        customer = fields[index["customer"]].strip() or None
        if customer is not None and len(customer) > MAX_CUSTOMER_KEY:
            raise ValueError(f"the customer key is longer than {MAX_CUSTOMER_KEY} characters")
    return HistoryRow(
        line=line,
        source_key=_source_key(created, customer, text),
        text=text,
        sentiment=sentiment,
        category=category,
        created_at=created,
        customer_key=customer,
    )


def read_rows(handle: TextIO, options: ImportOptions) -> Iterator[HistoryRow | RowError]:
    """Checked rows and row errors, in file order (no database involved).

    Raises :class:`ImportFileError` when the header lacks a named column or the file is not
    readable as UTF-8 CSV.
    """
    reader = csv.reader(handle)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFileError("the file is empty") from None
    except UnicodeDecodeError:
        raise ImportFileError(NOT_UTF8) from None
    except csv.Error as exc:
        raise ImportFileError(f"line 1: {exc}") from None
    columns = _Columns(header, options)
    previous_end = reader.line_num
    while True:
        start = previous_end + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ImportFileError(f"line {start}: {exc}") from None
        except UnicodeDecodeError:
            # Decoding runs ahead of the CSV reader, so the bad byte is somewhere after here.
            raise ImportFileError(f"after line {previous_end}: {NOT_UTF8}") from None
        previous_end = reader.line_num
        if not fields or (len(fields) == 1 and not fields[0].strip()):
            continue  # blank line
        try:
            yield _check_row(fields, columns, options, start)
        except ValueError as exc:
            yield RowError(start, str(exc))


async def _write_batch(rows: list[HistoryRow], now: datetime, report: ImportReport) -> None:
    """Store one batch in one transaction: new rows created, changed labels updated."""
    unique: dict[str, HistoryRow] = {}
    in_file_duplicates = 0
    for row in rows:
        if row.source_key in unique:
            in_file_duplicates += 1
        else:
            unique[row.source_key] = row
    for attempt in range(2):
        try:
            async with in_transaction():
                existing = {
                    example.source_key: example
                    for example in await TrainingExample.filter(source_key__in=list(unique))
                }
                new = [
                    TrainingExample(
                        text=row.text,
                        sentiment=row.sentiment,
                        category=row.category,
                        source=TrainingSource.IMPORT,
                        source_key=row.source_key,
                        customer_key=row.customer_key,
                        created_at=row.created_at or now,
                        labelled_at=now,
                    )
                    for key, row in unique.items()
                    if key not in existing
                ]
                if new:
                    await TrainingExample.bulk_create(new)
                changed = 0
                for key, example in existing.items():
                    row = unique[key]
                    if (example.sentiment, example.category) != (row.sentiment, row.category):
                        await TrainingExample.filter(id=example.id).update(
                            sentiment=row.sentiment, category=row.category, labelled_at=now
                        )
                        changed += 1
            break
        except IntegrityError:
            if attempt:  # a concurrent import of the same rows won twice: give up loudly
                raise
    report.imported += len(new)
    report.updated += changed
    report.duplicates += in_file_duplicates + len(existing) - changed


async def import_history(
    path: Path,
    options: ImportOptions,
    *,
    now: datetime,
    on_error: Callable[[RowError], None] | None = None,
) -> ImportReport:
    """Import ``path``; see the module docs. ``on_error`` hears about each skipped row."""
    if options.batch_size < 1:
        raise ValueError("the batch size must be at least 1")
    report = ImportReport()
    batch: list[HistoryRow] = []
    try:
        handle = Path(path).open(newline="", encoding="utf-8-sig")  # noqa: ASYNC230
    except OSError as exc:
        raise ImportFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    with handle:
        for row in read_rows(handle, options):
            if isinstance(row, RowError):
                report.skipped += 1
                report.errors.append(row)
                if on_error is not None:
                    on_error(row)
                continue
            batch.append(row)
            if len(batch) >= options.batch_size:
                await _write_batch(batch, now, report)
                batch = []
        if batch:
            await _write_batch(batch, now, report)
    return report
