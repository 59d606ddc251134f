"""`portal retrain`, automatic retraining, and which scorer intake uses afterwards."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta

import pytest

from feedback import model_store
from feedback.learning import MIN_TRAINING_ITEMS
from feedback.models import (
    FeedbackItem,
    RetrainState,
    ScorerModel,
    TrainingExample,
    TrainingSource,
)
from feedback.retraining import (
    claim,
    prune_model_files,
    retrain,
    retrain_if_due,
    sync_pointer,
)
from feedback.sentiment import current_scorer, get_scorer
from portal.app import create_app
from portal.cli import build_parser
from portal.cli_learning import run_retrain
from tests.conftest import get_csrf, sign_in, submit
from tests.feedback.conftest import install_model
from tests.feedback.learning_helpers import make_history
from tests.triage.board_helpers import soup


@pytest.fixture
def app(installation):
    return create_app(installation, manage_database=False)


def _now() -> datetime:
    return datetime.now(UTC)


async def _add_examples(rows, *, source: str = "import", at: datetime | None = None) -> None:
    at = at or _now() - timedelta(minutes=5)
    await TrainingExample.bulk_create(
        [
            TrainingExample(
                text=row["text"],
                sentiment=row["sentiment"] or None,
                category=row["category"] or None,
                source=TrainingSource(source),
                source_key=f"{source}:{n}",
                created_at=at,
                labelled_at=at,
            )
            for n, row in enumerate(rows)
        ]
    )


async def _retrain_cli(settings) -> tuple[int, str, str]:
    args = build_parser().parse_args(["retrain"])
    out, err = io.StringIO(), io.StringIO()
    code = await run_retrain(args, settings, out, err)
    return code, out.getvalue(), err.getvalue()


async def test_it_explains_that_there_are_too_few_examples(installation) -> None:
    await _add_examples(make_history(n_per_template=1)[:10])
    code, out, err = await _retrain_cli(installation)
    assert (code, out) == (1, "")
    assert f"need at least {MIN_TRAINING_ITEMS} confirmed sentiment labels" in err
    assert "got 10" in err and "portal import" in err
    assert await ScorerModel.all().count() == 0
    assert model_store.read_pointer(installation.var_dir) is None
    state = await RetrainState.get()
    assert state.claimed_until is None and state.last_outcome.startswith("not trained: need")


async def test_it_trains_records_and_uses_a_good_enough_model(installation, client) -> None:
    await _add_examples(make_history())
    code, out, err = await _retrain_cli(installation)
    assert (code, err) == (0, "")
    row = await ScorerModel.get()
    assert row.good_enough and row.is_active and row.activated_at is not None
    assert row.n_examples == len(make_history())
    assert row.report["good_enough"] is True and row.report["category_labels"] == ["negative"]
    assert row.report["sentiment_accuracy"] > row.report["baseline_accuracy"]
    assert model_store.model_path(installation.var_dir, row.path).is_file()
    assert row.path == f"sentiment-{row.version}.joblib"
    assert model_store.read_pointer(installation.var_dir) == model_store.ActivePointer(
        row.version, row.path, ("negative",)
    )
    lines = out.splitlines()
    assert lines[0].startswith(f"trained learned/{row.version} on {row.n_examples} examples")
    assert lines[3].split()[:2] == ["accuracy", "100.0%"]
    assert lines[4].split()[:2] == ["negative", "recall"]
    assert lines[5].split()[:2] == ["category", "accuracy"]
    assert "used: yes" in out and str(installation.var_dir / "models") in out

    # Intake now scores with it.
    response = await submit(
        client,
        category="Delivery",
        subject="Where is it",
        message="the van came and went and my sofa is back at the depot",
    )
    assert response.status_code == 303
    item = await FeedbackItem.get()
    assert item.sentiment_scorer == f"learned/{row.version}"
    assert (item.sentiment_label, item.suggested_category) == ("negative", "Delivery")
    assert item.category_confidence is not None and item.category_confidence > 0.5


async def test_it_keeps_the_rules_when_the_model_is_no_better(installation, client) -> None:
    """Labels that the rules themselves gave: the model cannot beat them, so it is not used."""
    rows = make_history()
    rules = get_scorer(None)
    await _add_examples([{**row, "sentiment": rules.score(row["text"]).label} for row in rows])
    code, out, _ = await _retrain_cli(installation)
    assert code == 0 and "used: no" in out
    row = await ScorerModel.get()
    assert (row.good_enough, row.is_active) == (False, False)
    assert model_store.model_path(installation.var_dir, row.path).is_file()  # kept, recorded
    assert model_store.read_pointer(installation.var_dir) is None
    await submit(client)
    assert (await FeedbackItem.get()).sentiment_scorer == f"{rules.name}/{rules.version}"


async def test_a_newer_model_replaces_the_active_one(installation, trained_model) -> None:
    first = await install_model(installation, trained_model)
    await _add_examples(make_history())
    result = await retrain(installation.var_dir, now=_now(), holder="test")
    assert result.activated
    active = await ScorerModel.filter(is_active=True).values_list("version", flat=True)
    assert active == [result.report.version] and result.report.version != first.version
    assert current_scorer(installation.var_dir).version == result.report.version


async def test_only_one_process_trains_at_a_time(installation) -> None:
    await _add_examples(make_history())
    now = _now()
    first, second = await asyncio.gather(
        retrain(installation.var_dir, now=now, holder="web-1"),
        retrain(installation.var_dir, now=now, holder="web-2"),
    )
    assert sorted([first.status, second.status]) == ["busy", "trained"]
    assert await ScorerModel.all().count() == 1
    assert (await RetrainState.get()).claimed_until is None  # released


async def test_a_stale_claim_expires(installation) -> None:
    now = _now()
    assert await claim("crashed-process", now - timedelta(hours=2))
    assert not await claim("web-1", now - timedelta(hours=2))  # still held then
    assert await claim("web-1", now)  # expired since


async def test_it_retrains_by_itself_once_enough_new_labels_arrived(installation) -> None:
    long_ago = _now() - timedelta(days=1)
    rows = make_history()
    await _add_examples(rows[:100], at=long_ago)
    # The last attempt was after those: they do not count again.
    await RetrainState.create(id=1, last_attempt_at=long_ago + timedelta(minutes=1))
    assert await retrain_if_due(installation.var_dir, threshold=20, now=_now(), holder="w") is None
    await _add_examples(rows[100:119], source="staff")  # 19 new labels
    assert await retrain_if_due(installation.var_dir, threshold=20, now=_now(), holder="w") is None
    await TrainingExample.filter(source_key="import:0").update(labelled_at=_now())  # the 20th
    result = await retrain_if_due(installation.var_dir, threshold=20, now=_now(), holder="w")
    assert result is not None and result.status == "trained" and result.n_examples == 119
    # Nothing new since that attempt: not due again.
    assert await retrain_if_due(installation.var_dir, threshold=20, now=_now(), holder="w") is None


async def test_it_keeps_the_files_of_the_active_and_the_recent_models(installation) -> None:
    folder = model_store.models_dir(installation.var_dir)
    folder.mkdir(parents=True)
    start = _now() - timedelta(days=10)
    for n in range(7):
        (folder / f"sentiment-v{n}.joblib").write_bytes(b"model")
        await ScorerModel.create(
            version=f"v{n}",
            path=f"sentiment-v{n}.joblib",
            trained_at=start + timedelta(days=n),
            n_examples=100,
            report={},
            is_active=n == 0,  # the oldest is still the one in use
        )
    (folder / "notes.joblib").write_bytes(b"not ours")
    assert await prune_model_files(installation.var_dir, keep=5) == ["sentiment-v1.joblib"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "notes.joblib",
        *(f"sentiment-v{n}.joblib" for n in (0, 2, 3, 4, 5, 6)),
    ]
    assert await ScorerModel.all().count() == 7  # the history stays


async def test_the_pointer_follows_the_database(installation, trained_model) -> None:
    row = await install_model(installation, trained_model)
    model_store.clear_pointer(installation.var_dir)
    await sync_pointer(installation.var_dir)
    assert model_store.read_pointer(installation.var_dir).version == row.version
    await ScorerModel.filter(id=row.id).update(is_active=False)
    await sync_pointer(installation.var_dir)
    assert model_store.read_pointer(installation.var_dir) is None


# -- the managers' page --------------------------------------------------------------------------


async def test_a_manager_sees_the_scorer_in_use_and_can_retrain(
    installation, client, app, manager
) -> None:
    await _add_examples(make_history())
    await sign_in(client, manager)
    page = soup((await client.get("/manage/scoring")).text)
    assert "built-in rules" in page.select_one("#scorer-in-use").text
    counts = page.select_one("#example-counts").get_text(" ", strip=True)
    assert counts.startswith(f"{len(make_history())} examples: {len(make_history())} imported")

    token = await get_csrf(client, "/manage/scoring")
    response = await client.post("/manage/scoring/retrain", data={"csrf_token": token})
    assert response.status_code == 303 and response.headers["location"].endswith("/manage/scoring")
    await asyncio.gather(*app.state.retrain_tasks)  # the background retraining
    row = await ScorerModel.get()
    assert row.is_active
    page = soup((await client.get("/manage/scoring")).text)
    assert page.select_one("#notice").text.startswith("Retraining started")
    assert row.version in page.select_one("#scorer-in-use").text
    assert page.select_one("#report-accuracy").text.startswith("100.0%")
    assert page.select_one(f"#model-{row.id} .used").text == "in use"
    assert "trained learned/" in page.select_one("#last-attempt").text


async def test_the_scoring_page_polls_while_a_retraining_runs(installation, client, manager):
    await claim("web-7:123", _now())
    await sign_in(client, manager)
    response = await client.get("/manage/scoring", headers={"HX-Request": "true"})
    fragment = soup(response.text)
    assert fragment.find("html") is None and "HX-Request" in response.headers["vary"]
    status = fragment.select_one("#scoring-status")
    assert status["hx-trigger"] == "every 5s"
    assert "web-7:123" in fragment.select_one("#retraining").text
    assert fragment.select_one("#retrain-form") is None


async def test_an_agent_cannot_see_or_start_retraining(installation, client, agent) -> None:
    await sign_in(client, agent)
    assert (await client.get("/manage/scoring")).status_code == 403
    token = await get_csrf(client, "/staff/items")
    response = await client.post("/manage/scoring/retrain", data={"csrf_token": token})
    assert response.status_code == 403
    assert await RetrainState.all().count() == 0


# -- after an upgrade: the active model's file is of an older format ---------------------------


async def _install_unusable_model(settings, model) -> ScorerModel:
    """An active model whose file this version cannot load, as after an upgrade."""
    import joblib

    row = await install_model(settings, model)
    path = model_store.model_path(settings.var_dir, row.path)
    joblib.dump({"format": 1, "model": model}, path)  # what an older version wrote
    model_store.store_for(settings.var_dir).forget()  # a freshly started process
    assert current_scorer(settings.var_dir, wait=True).name == get_scorer(None).name
    assert "format" in model_store.load_problem(settings.var_dir)
    return row


async def test_it_retrains_at_once_when_the_active_model_cannot_be_used(
    installation, trained_model
) -> None:
    old = await _install_unusable_model(installation, trained_model)
    await _add_examples(make_history(), at=_now() - timedelta(days=1))
    await RetrainState.create(id=1, last_attempt_at=_now() - timedelta(hours=1))  # no new labels

    result = await retrain_if_due(installation.var_dir, threshold=50, now=_now(), holder="w")

    assert result is not None and result.activated
    assert result.report.version != old.version
    assert current_scorer(installation.var_dir).version == result.report.version
    assert model_store.load_problem(installation.var_dir) is None
    assert await retrain_if_due(installation.var_dir, threshold=50, now=_now(), holder="w") is None


async def test_it_stops_naming_an_unusable_model_when_no_replacement_is_good_enough(
    installation, trained_model
) -> None:
    await _install_unusable_model(installation, trained_model)
    rules = get_scorer(None)
    await _add_examples(
        [{**row, "sentiment": rules.score(row["text"]).label} for row in make_history()]
    )
    result = await retrain_if_due(installation.var_dir, threshold=50, now=_now(), holder="w")
    assert result is not None and not result.activated
    assert await ScorerModel.filter(is_active=True).count() == 0
    assert model_store.read_pointer(installation.var_dir) is None
    assert model_store.load_problem(installation.var_dir) is None  # no loop of retrainings


async def test_the_scoring_page_says_the_active_model_cannot_be_used(
    installation, client, manager, trained_model
) -> None:
    row = await _install_unusable_model(installation, trained_model)
    await sign_in(client, manager)
    page = soup((await client.get("/manage/scoring")).text)
    problem = page.select_one("#model-problem")
    assert problem is not None and problem.get("role") == "alert"
    assert row.version in problem.text and "built-in rules" in problem.text
