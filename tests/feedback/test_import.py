"""`portal import`: past feedback from a CSV file becomes training examples, row by row."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta, timezone

import pytest

from feedback.history_import import ImportOptions, import_history, parse_created, parse_label_map
from feedback.models import Customer, TrainingExample
from portal.cli import build_parser
from portal.cli_learning import run_import
from tests.feedback.learning_helpers import make_history, write_csv

HEADER = "text,sentiment,category,created,customer\n"


async def _import(settings, *argv: str) -> tuple[int, str, str]:
    """Run `portal import …` in-process; returns (exit code, stdout, stderr)."""
    args = build_parser().parse_args(["import", *argv])
    out, err = io.StringIO(), io.StringIO()
    code = await run_import(args, settings, out, err)
    return code, out.getvalue(), err.getvalue()


FULL = [
    "--text-column",
    "text",
    "--sentiment-column",
    "sentiment",
    "--category-column",
    "category",
    "--created-column",
    "created",
    "--customer-column",
    "customer",
]


async def test_it_imports_labelled_rows_as_examples(installation, tmp_path) -> None:
    path = tmp_path / "history.csv"
    path.write_text(
        HEADER
        + "Parcel never came,Negative,Delivery,2024-03-01 10:00:00,C-1\n"
        + "Lovely sofa,positive,,01-03-2024 11:30,C-2\n"
        + "Do you open on Sundays?,neutral,Can't Tell,2024-03-02T09:15:00Z,\n"
    )
    code, out, err = await _import(installation, str(path), *FULL)
    assert (code, err) == (0, "")
    assert out.startswith("imported 3, updated 0, duplicates 0, skipped 0")
    rows = (
        await TrainingExample.all()
        .order_by("id")
        .values("text", "sentiment", "category", "source", "customer_key", "created_at", "item_id")
    )
    assert [(r["text"], r["sentiment"], r["category"], r["customer_key"]) for r in rows] == [
        ("Parcel never came", "negative", "Delivery", "C-1"),
        ("Lovely sofa", "positive", None, "C-2"),
        ("Do you open on Sundays?", "neutral", None, None),  # "Can't Tell" means no category
    ]
    assert {r["source"] for r in rows} == {"import"} and {r["item_id"] for r in rows} == {None}
    assert [r["created_at"] for r in rows] == [
        datetime(2024, 3, 1, 10, 0, tzinfo=UTC),
        datetime(2024, 3, 1, 11, 30, tzinfo=UTC),
        datetime(2024, 3, 2, 9, 15, tzinfo=UTC),
    ]
    assert await Customer.all().count() == 0  # customer keys are kept, never made up as people


async def test_it_reports_bad_rows_with_their_line_numbers_and_skips_them(
    installation, tmp_path
) -> None:
    path = tmp_path / "export.csv"
    path.write_text(
        HEADER
        + "Fine row,negative,Billing,2024-01-01 10:00:00,C1\n"  # line 2
        + '"A message\nover two lines",positive,,2024-01-01 10:00:00,C2\n'  # lines 3-4
        + ",negative,Billing,2024-01-01 10:00:00,C3\n"  # line 5: no text
        + "Meh,so-so,,2024-01-01 10:00:00,C4\n"  # line 6: unknown label
        + "When?,neutral,,yesterday,C5\n"  # line 7: bad date
        + f"{'x' * 10_001},negative,,2024-01-01 10:00:00,C6\n"  # line 8: too long
        + "Too,few,fields\n"  # line 9
        + "\n"  # line 10: blank, ignored
        + "Last good one,neutral,,31-12-2023 23:59,C7\n"  # line 11
    )
    code, out, err = await _import(installation, str(path), *FULL)
    assert code == 0
    assert err.splitlines() == [
        "export.csv:5: the text is empty — skipped",
        "export.csv:6: unknown sentiment label 'so-so' (expected negative, neutral, positive; "
        "map others with --label-map) — skipped",
        "export.csv:7: unreadable date 'yesterday' (use ISO 8601, dd-mm-yyyy HH:MM or "
        "yyyy-mm-dd HH:MM:SS) — skipped",
        "export.csv:8: the text is 10,001 characters long (at most 10,000) — skipped",
        "export.csv:9: the row has 3 fields, the header has 5 — skipped",
    ]
    assert out.startswith("imported 3, updated 0, duplicates 0, skipped 5 (see the lines above)")
    texts = await TrainingExample.all().order_by("id").values_list("text", flat=True)
    assert texts == ["Fine row", "A message\nover two lines", "Last good one"]


async def test_it_can_be_run_again_without_duplicating(installation, tmp_path) -> None:
    rows = make_history(n_per_template=2)
    path = write_csv(tmp_path / "history.csv", rows)
    first = await _import(installation, str(path), *FULL, "--batch-size", "7")
    assert first[0] == 0 and first[1].startswith(f"imported {len(rows)}, updated 0, duplicates 0")
    again = await _import(installation, str(path), *FULL, "--batch-size", "11")
    assert again[1].startswith(f"imported 0, updated 0, duplicates {len(rows)}, skipped 0")
    assert await TrainingExample.all().count() == len(rows)

    # A later export of the same history: one label corrected, one new row, rows reordered.
    rows[0] = {**rows[0], "sentiment": "neutral", "category": ""}
    later = [*reversed(rows), {**rows[1], "text": "A message sent later", "customer": "C-9"}]
    path = write_csv(tmp_path / "later.csv", later)
    code, out, _ = await _import(installation, str(path), *FULL)
    assert out.startswith(f"imported 1, updated 1, duplicates {len(rows) - 1}, skipped 0")
    assert await TrainingExample.all().count() == len(rows) + 1
    corrected = await TrainingExample.get(text=rows[0]["text"], customer_key=rows[0]["customer"])
    assert (corrected.sentiment, corrected.category) == ("neutral", None)


async def test_it_counts_a_repeated_row_in_one_file_once(installation, tmp_path) -> None:
    path = tmp_path / "twice.csv"
    line = "Same words,negative,Billing,2024-01-01 10:00:00,C1\n"
    path.write_text(HEADER + line + line + "Same words,negative,Billing,2024-01-01 10:00:00,C2\n")
    _, out, _ = await _import(installation, str(path), *FULL)
    assert out.startswith("imported 2, updated 0, duplicates 1")  # another customer: another row


async def test_a_failing_batch_leaves_nothing_of_itself_behind(
    installation, tmp_path, monkeypatch
) -> None:
    rows = make_history(n_per_template=1)[:10]
    path = write_csv(tmp_path / "history.csv", rows)
    original = TrainingExample.bulk_create.__func__
    calls = []

    async def bulk_create_then_fail(cls, objects, *args, **kwargs):
        calls.append(len(objects))
        await original(cls, objects, *args, **kwargs)  # the rows are written…
        if len(calls) == 2:
            raise RuntimeError("disk full")  # …and then the batch fails

    monkeypatch.setattr(TrainingExample, "bulk_create", classmethod(bulk_create_then_fail))
    options = ImportOptions(text_column="text", sentiment_column="sentiment", batch_size=4)
    with pytest.raises(RuntimeError, match="disk full"):
        await import_history(path, options, now=datetime.now(UTC))
    stored = await TrainingExample.all().order_by("id").values_list("text", flat=True)
    assert calls == [4, 4]
    assert stored == [row["text"] for row in rows[:4]]  # the first batch, all of it, only it


async def test_it_maps_other_sentiment_labels(installation, tmp_path) -> None:
    path = tmp_path / "labels.csv"
    path.write_text("text,mood\nAwful,NEG\nGreat,pos\nNo idea,mixed\nOkay,neutral\nHmm,sideways\n")
    code, out, err = await _import(
        installation,
        str(path),
        "--text-column",
        "text",
        "--sentiment-column",
        "mood",
        "--label-map",
        "neg=negative, pos=positive, mixed=",
    )
    assert code == 0 and err.startswith("labels.csv:6: unknown sentiment label 'sideways'")
    labels = await TrainingExample.all().order_by("id").values_list("text", "sentiment")
    assert labels == [
        ("Awful", "negative"),
        ("Great", "positive"),
        ("No idea", None),
        ("Okay", "neutral"),  # the standard labels still work
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [("neg=grumpy", "not one of"), ("negative", "look like from=to"), ("=negative", "from=to")],
)
def test_it_refuses_a_malformed_label_map(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_label_map(text)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-03-01T10:15:00Z", datetime(2024, 3, 1, 10, 15, tzinfo=UTC)),
        ("2024-03-01T10:15:00+02:00", datetime(2024, 3, 1, 8, 15, tzinfo=UTC)),
        ("2024-03-01", datetime(2024, 3, 1, tzinfo=UTC)),
        ("24-02-2015 11:35", datetime(2015, 2, 24, 11, 35, tzinfo=UTC)),
        ("2015-02-24 11:35:59", datetime(2015, 2, 24, 11, 35, 59, tzinfo=UTC)),
        (" 2015-02-24 11:35:59 ", datetime(2015, 2, 24, 11, 35, 59, tzinfo=UTC)),
    ],
)
def test_it_reads_the_accepted_date_formats(value: str, expected: datetime) -> None:
    moment = parse_created(value)
    assert moment == expected and moment.tzinfo is not None
    assert moment.utcoffset() == timezone(timedelta(0)).utcoffset(None)


@pytest.mark.parametrize("value", ["24/02/2015 11:35", "02-24-2015 11:35", "soon", "2015-13-01"])
def test_it_refuses_other_dates(value: str) -> None:
    with pytest.raises(ValueError, match="unreadable date"):
        parse_created(value)


async def test_it_explains_a_missing_column_or_file_and_exits_2(installation, tmp_path) -> None:
    path = tmp_path / "export.csv"
    path.write_text("body,label\nHello,neutral\n")
    code, out, err = await _import(installation, str(path), "--text-column", "text")
    assert (code, out) == (2, "")
    assert err == "error: export.csv: no column named 'text'; the file has: 'body', 'label'\n"
    code, _, err = await _import(installation, str(tmp_path / "gone.csv"), "--text-column", "x")
    assert code == 2 and err.startswith("error: gone.csv: cannot read")
    assert await TrainingExample.all().count() == 0
