"""The model store: the fast single-message path, the pointer file, reloading, and how the
board words who labelled an item and what to check."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from feedback import model_store
from feedback.compiled_model import CompiledModel
from feedback.intake import suggest_labels
from feedback.label_review import CATEGORY_CONFIDENCE, check_needed, scorer_tag
from feedback.learning import LearnedModel
from feedback.sentiment import LOW_CONFIDENCE, Sentiment, current_scorer, get_scorer
from tests.feedback.learning_helpers import make_history

MESSAGES = [
    *(row["text"] for row in make_history(n_per_template=3, seed=99)),
    "",
    "   ",
    "!!!",
    "😡😡😡",
    "@shop",
    "WHERE IS MY PARCEL??? Still nothing after 3 weeks, I want a refund",
    "Thanks so much, the lamp is lovely and it came early",
    "Can I change the delivery address for my order?",
    "the kettle is not bad at all",
]


def test_the_compiled_model_scores_exactly_like_the_learned_one(
    trained_model: LearnedModel,
) -> None:
    compiled = CompiledModel(trained_model)
    expected = trained_model.score_many(MESSAGES)
    for text, want in zip(MESSAGES, expected, strict=True):
        got = compiled.score(text)
        assert (got.label, got.category, got.scorer, got.version) == (
            want.label,
            want.category,
            want.scorer,
            want.version,
        ), text
        assert got.score == pytest.approx(want.score, abs=1e-4)
        assert got.confidence == pytest.approx(want.confidence, abs=1e-4)
        if want.category_confidence is None:
            assert got.category_confidence is None
        else:
            assert got.category_confidence == pytest.approx(want.category_confidence, abs=1e-4)
    assert compiled.score_many(MESSAGES) == expected  # batches go through scikit-learn


def test_it_suggests_categories_only_for_the_labels_that_had_them(
    trained_model: LearnedModel,
) -> None:
    compiled = CompiledModel(trained_model, category_labels=["negative"])
    complaint = compiled.score("two payments went out for the one lamp")
    praise = compiled.score("my mum loves the kettle you sent")
    assert (complaint.label, complaint.category) == ("negative", "Billing")
    assert (praise.label, praise.category, praise.category_confidence) == ("positive", None, None)
    batch = compiled.score_many(["my mum loves the kettle you sent"] * 20)
    assert {(r.category, r.category_confidence) for r in batch} == {(None, None)}


def test_category_labels_are_those_mostly_categorised() -> None:
    sentiments = ["negative"] * 10 + ["positive"] * 10 + ["neutral"] * 10 + [None]
    categories = ["Billing"] * 9 + [None] + [None] * 9 + ["Staff"] + ["Product"] * 3 + [None] * 7
    categories += ["Billing"]
    assert model_store.category_labels(sentiments, categories) == ("negative", "neutral")


def test_it_refuses_unsafe_model_names(tmp_path) -> None:
    assert model_store.model_filename("learned-1") == "sentiment-learned-1.joblib"
    for version in ("../x", "a/b", ""):
        with pytest.raises(ValueError):
            model_store.model_filename(version)
    with pytest.raises(ValueError):
        model_store.model_path(tmp_path, "../secret.joblib")


def _activate_by_file(var_dir, model: LearnedModel) -> model_store.ActivePointer:
    """What another process does when it activates a model: the file, then the pointer."""
    filename = model_store.model_filename(model.version)
    model.save(model_store.model_path(var_dir, filename))
    pointer = model_store.ActivePointer(model.version, filename, ("negative",))
    model_store.write_pointer(var_dir, pointer)
    return pointer


def test_it_uses_the_rules_until_a_model_is_activated(tmp_path, trained_model) -> None:
    store = model_store.ModelStore(tmp_path)
    assert store.current(wait=True) is get_scorer(None)
    _activate_by_file(tmp_path, trained_model)
    assert store.current(wait=True).version == trained_model.version
    model_store.clear_pointer(tmp_path)
    assert store.current(wait=True) is get_scorer(None)


def test_it_notices_a_new_model_without_blocking(tmp_path, trained_model, monkeypatch) -> None:
    store = model_store.ModelStore(tmp_path)
    assert store.current() is get_scorer(None)
    _activate_by_file(tmp_path, trained_model)
    assert store.current() is get_scorer(None)  # checked a moment ago: not looked at again
    monkeypatch.setattr(model_store, "CHECK_SECONDS", 0.0)
    first = store.current()  # starts loading in a thread, answers with what it has
    deadline = time.monotonic() + 30
    while store.version is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert first is get_scorer(None) or first.version == trained_model.version
    assert store.current().version == trained_model.version


def test_a_broken_model_file_leaves_the_rules_in_use(tmp_path, caplog) -> None:
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / "sentiment-x.joblib").write_bytes(b"not a model")
    model_store.write_pointer(tmp_path, model_store.ActivePointer("x", "sentiment-x.joblib"))
    store = model_store.ModelStore(tmp_path)
    assert store.current(wait=True) is get_scorer(None)
    assert "cannot load the active sentiment model" in caplog.text


def test_an_unconfigured_process_scores_with_the_rules(monkeypatch) -> None:
    monkeypatch.setattr(model_store, "_installation", None)
    assert current_scorer() is get_scorer(None)


# -- intake's category suggestion ---------------------------------------------------------------


def _learned(category: str | None, confidence: float | None) -> Sentiment:
    return Sentiment("negative", -0.8, 0.9, "learned", "learned-1", category, confidence)


@pytest.mark.parametrize(
    ("submitted", "result", "category", "suggested"),
    [
        ("Other", _learned("Billing", 0.8), "Billing", "Billing"),  # generic → suggestion
        ("Delivery", _learned("Billing", 0.8), "Delivery", "Billing"),  # a choice is kept
        ("Other", _learned("Billing", CATEGORY_CONFIDENCE - 0.01), "Other", ""),  # unsure
        ("Other", _learned("Late Flight", 0.9), "Other", "Late Flight"),  # not on the form
        ("Other", Sentiment("negative", -0.5, 0.7, "complaint-aware", "1"), "Other", ""),
    ],
)
def test_intake_takes_a_confident_suggestion_only_instead_of_other(
    monkeypatch, tmp_path, submitted, result, category, suggested
) -> None:
    monkeypatch.setattr(
        model_store, "_installation", model_store.Installation(tmp_path, ("Billing", "Other"))
    )
    labels = suggest_labels(submitted, result)
    assert (labels.category, labels.suggested_category) == (category, suggested)
    assert labels.category_confidence == result.category_confidence


# -- what the board shows -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scorer", "tag"),
    [
        ("complaint-aware/1", "rules"),
        ("textblob/1", "rules"),
        ("staff", "staff"),
        ("learned/learned-20250301T101500123456Z", "learned v20250301.1015"),
        ("learned/custom", "learned custom"),
        ("", ""),
    ],
)
def test_it_names_the_scorer_shortly(scorer: str, tag: str) -> None:
    assert scorer_tag(scorer) == tag


def _item(confidence: float, category_confidence: float | None, confirmed: bool = False):
    return SimpleNamespace(
        sentiment_confidence=confidence,
        sentiment_confirmed=confirmed,
        category_confidence=category_confidence,
    )


@pytest.mark.parametrize(
    ("item", "check"),
    [
        (_item(0.9, None), ""),
        (_item(LOW_CONFIDENCE - 0.01, None), "sentiment"),
        (_item(LOW_CONFIDENCE - 0.01, None, confirmed=True), ""),
        (_item(0.9, CATEGORY_CONFIDENCE - 0.01), "category"),
        (_item(0.9, CATEGORY_CONFIDENCE), ""),
        (_item(0.2, 0.2), "sentiment/category"),
    ],
)
def test_it_asks_to_check_doubtful_labels(item, check: str) -> None:
    assert check_needed(item) == check
