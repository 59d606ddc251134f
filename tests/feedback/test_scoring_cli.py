"""`portal score --csv FILE --column text`: one scored CSV row per input row, in order."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

from feedback.sentiment import get_scorer
from portal.cli import build_parser
from portal.cli_learning import SCORE_CHUNK, SCORE_COLUMNS, run_score
from tests.feedback.conftest import install_model

REPO = Path(__file__).resolve().parents[2]


async def _score(settings, path: Path, column: str = "text") -> tuple[int, str, str]:
    args = build_parser().parse_args(["score", "--csv", str(path), "--column", column])
    out, err = io.StringIO(), io.StringIO()
    code = await run_score(args, settings, out, err)
    return code, out.getvalue(), err.getvalue()


def _rows(output: str) -> list[dict[str, str]]:
    reader = csv.DictReader(io.StringIO(output))
    assert tuple(reader.fieldnames or ()) == SCORE_COLUMNS
    return list(reader)


def _input(tmp_path: Path, texts: list[str]) -> Path:
    path = tmp_path / "export.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text"])
        writer.writerows([(str(n), text) for n, text in enumerate(texts)])
    return path


TEXTS = [
    "I want a refund now. This is unacceptable.",
    "Thank you, the new kettle is lovely!",
    'A message\nover two lines, with "quotes", and commas',
    "",
    "What time do you open on Sunday?",
]


async def test_it_scores_every_row_in_order_with_the_rules_without_a_model(
    installation, tmp_path
) -> None:
    code, out, err = await _score(installation, _input(tmp_path, TEXTS))
    assert (code, err) == (0, "")
    rows = _rows(out)
    rules = get_scorer(None)
    assert [row["label"] for row in rows] == [rules.score(text).label for text in TEXTS]
    assert [row["label"] for row in rows][:2] == ["negative", "positive"]
    assert {row["scorer"] for row in rows} == {f"complaint-aware/{rules.version}"}
    assert {row["category"] for row in rows} == {""}
    first = rows[0]
    assert -1 <= float(first["score"]) < 0 and 0 <= float(first["confidence"]) <= 1


async def test_it_uses_the_installations_learned_model(
    installation, trained_model, tmp_path
) -> None:
    await install_model(installation, trained_model)
    texts = [
        "hello, the van came and went and my lamp is back at the depot",
        "two payments went out for the one kettle",
        "my mum loves the sofa you sent",
    ] * 7  # 21 rows: the batch path of the model, not the one-message path
    code, out, _ = await _score(installation, _input(tmp_path, texts))
    assert code == 0
    rows = _rows(out)
    assert len(rows) == len(texts)
    assert {row["scorer"] for row in rows} == {f"learned/{trained_model.version}"}
    assert [(row["label"], row["category"]) for row in rows[:3]] == [
        ("negative", "Delivery"),
        ("negative", "Billing"),
        # In the app only complaints get a suggestion in this history; an export shows the
        # model's best category on every row, next to its label.
        ("positive", rows[2]["category"]),
    ]
    assert rows[2]["category"] in trained_model.categories


async def test_it_keeps_the_order_across_chunks(installation, tmp_path) -> None:
    texts = [
        f"Order {n} arrived broken, I want a refund" if n % 3 else f"Thanks {n}!"
        for n in range(SCORE_CHUNK * 2 + 5)
    ]
    code, out, _ = await _score(installation, _input(tmp_path, texts))
    labels = [row["label"] for row in _rows(out)]
    assert code == 0 and len(labels) == len(texts)
    assert labels == ["positive" if n % 3 == 0 else "negative" for n in range(len(texts))]


async def test_it_explains_a_missing_column_and_exits_2(installation, tmp_path) -> None:
    code, out, err = await _score(installation, _input(tmp_path, TEXTS), column="message")
    assert (code, out) == (2, "")
    assert err == "error: export.csv: no column named 'message'; the file has: 'id', 'text'\n"


async def test_it_explains_an_unreadable_file_and_exits_2(installation, tmp_path) -> None:
    code, out, err = await _score(installation, tmp_path / "missing.csv")
    assert (code, out) == (2, "")
    assert err.startswith("error: cannot read") and "missing.csv" in err
    binary = tmp_path / "photo.csv"
    binary.write_bytes(b"text\n\xff\xfe\x00\x01broken\n")
    code, _, err = await _score(installation, binary)
    assert code == 2 and "not UTF-8" in err


def test_the_console_command_exits_2_on_a_missing_column(tmp_path) -> None:
    """The exit status is the point here, so this one runs the real console command."""
    path = _input(tmp_path, TEXTS[:2])
    env = {
        **os.environ,
        "PORTAL_VAR_DIR": str(tmp_path / "var"),
        "DATABASE_URL": f"sqlite://{tmp_path / 'none.db'}",
    }
    done = subprocess.run(
        [sys.executable, "-m", "portal.cli", "score", "--csv", str(path), "--column", "body"],
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        timeout=120,
    )
    assert done.returncode == 2
    assert "no column named 'body'" in done.stderr and done.stdout == ""
    assert not (tmp_path / "none.db").exists()  # no empty database made on the way
