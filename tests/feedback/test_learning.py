"""The per-installation learned model, trained on synthetic labelled feedback."""

from __future__ import annotations

import random
from datetime import datetime
from pathlib import Path

import pytest

from feedback import learning
from feedback.learning import (
    MIN_CATEGORY_EXAMPLES,
    MIN_TRAINING_ITEMS,
    LearnedModel,
    NotEnoughTrainingData,
    TrainingReport,
    train,
)
from feedback.sentiment import LABELS, Sentiment

ITEMS = ["order", "parcel", "sofa", "laptop", "blender", "jacket", "phone case", "mattress"]
COMPLAINTS = {
    "Delivery": [
        "my {item} never arrived",
        "the courier left my {item} in the rain",
        "{item} delivery is three days late",
        "tracking says delivered but no {item} here",
        "still waiting for the {item} to be shipped",
    ],
    "Billing": [
        "you charged my card twice for the {item}",
        "I was overcharged for the {item}",
        "where is the refund for my {item}",
        "the invoice for the {item} has the wrong price",
        "I paid for express shipping of the {item} and was billed again",
    ],
    "Quality": [
        "the {item} broke after one week",
        "the {item} arrived scratched and damaged",
        "the {item} stopped working already",
        "cheap materials, the {item} fell apart",
        "the {item} is faulty and makes a noise",
    ],
}
PRAISE = [
    "love my new {item}, thank you",
    "the {item} is brilliant, great quality",
    "fast delivery and the {item} is perfect",
    "really happy with the {item}, well done",
    "excellent {item}, will buy again",
]
QUESTIONS = [
    "do you sell the {item} in blue",
    "what size is the {item}",
    "can I collect the {item} from the shop",
    "is the {item} in stock at the moment",
    "which warranty comes with the {item}",
]
OPENERS = ["", "hi, ", "hello, ", "quick note: ", "@shop "]


def make_rows(n_per_template: int = 4, seed: int = 1) -> tuple[list, list, list]:
    """Texts, sentiments and categories built from templates (a few hundred rows)."""
    rng = random.Random(seed)
    texts: list[str] = []
    sentiments: list[str | None] = []
    categories: list[str | None] = []
    for category, templates in COMPLAINTS.items():
        for template in templates:
            for _ in range(n_per_template):
                texts.append(rng.choice(OPENERS) + template.format(item=rng.choice(ITEMS)))
                sentiments.append("negative")
                categories.append(category)
    for label, templates in (("positive", PRAISE), ("neutral", QUESTIONS)):
        for template in templates:
            for _ in range(n_per_template):
                texts.append(rng.choice(OPENERS) + template.format(item=rng.choice(ITEMS)))
                sentiments.append(label)
                categories.append(None)
    order = list(range(len(texts)))
    rng.shuffle(order)
    return [texts[i] for i in order], [sentiments[i] for i in order], [categories[i] for i in order]


@pytest.fixture(scope="module")
def model() -> LearnedModel:
    return train(*make_rows())


@pytest.mark.parametrize(
    ("text", "label", "category"),
    [
        ("My jacket never arrived and the courier won't answer", "negative", "Delivery"),
        ("You charged me twice for the sofa!", "negative", "Billing"),
        ("The blender broke after two days", "negative", "Quality"),
        ("Thank you, I love the new mattress", "positive", None),
        ("Do you sell the laptop in silver?", "neutral", None),
    ],
)
def test_it_learns_sentiment_and_category(
    model: LearnedModel, text: str, label: str, category: str | None
) -> None:
    result = model.score(text)
    assert result.label == label
    if category is not None:
        assert result.category == category
    assert result.category in model.categories
    assert 0.0 <= result.category_confidence <= 1.0


def test_it_fills_in_a_sane_report(model: LearnedModel) -> None:
    report = model.report
    assert isinstance(report, TrainingReport)
    assert report.n_train > 0 and report.n_holdout > 0
    assert report.n_items == len(make_rows()[0])
    for figure in (
        report.sentiment_accuracy,
        report.negative_recall,
        report.category_accuracy,
        report.baseline_accuracy,
    ):
        assert figure is not None and 0.0 <= figure <= 1.0
    assert report.sentiment_accuracy >= 0.9
    assert report.category_accuracy >= 0.8
    assert report.good_enough  # templates are easy to learn; the cold-start scorer is generic
    assert report.sentiment_accuracy > report.baseline_accuracy
    assert report.categories == ("Billing", "Delivery", "Quality")
    assert datetime.fromisoformat(report.trained_at).utcoffset().total_seconds() == 0
    assert report.version == model.version and model.version.startswith("learned-")
    assert report.to_dict()["categories"] == ["Billing", "Delivery", "Quality"]


def test_it_behaves_as_a_scorer(model: LearnedModel) -> None:
    texts = ["where is my refund for the phone case", "", "what size is the jacket"]
    results = model.score_many(texts)
    assert results == [model.score(text) for text in texts]
    assert model.score_many([]) == []
    for result in results:
        assert isinstance(result, Sentiment)
        assert result.label in LABELS
        assert -1.0 <= result.score <= 1.0 and 0.0 <= result.confidence <= 1.0
        assert (result.scorer, result.version) == ("learned", model.version)
    assert (results[1].label, results[1].category) == ("neutral", None)


def test_it_round_trips_through_a_file(model: LearnedModel, tmp_path: Path) -> None:
    path = tmp_path / "models" / "sentiment.joblib"
    model.save(path)
    assert [p.name for p in path.parent.iterdir()] == ["sentiment.joblib"]  # no temp file left
    loaded = LearnedModel.load(path)
    texts = ["the sofa arrived damaged", "great blender, thanks", "is the phone case in stock"]
    assert loaded.score_many(texts) == model.score_many(texts)
    assert loaded.report == model.report and loaded.version == model.version

    model.save(path)  # overwriting an existing model is fine too
    assert LearnedModel.load(path).version == model.version


def test_it_refuses_files_that_are_not_models(tmp_path: Path) -> None:
    import joblib

    path = tmp_path / "other.joblib"
    joblib.dump({"something": "else"}, path)
    with pytest.raises(ValueError, match="not a learned sentiment model"):
        LearnedModel.load(path)


def test_it_asks_for_retraining_after_a_scikit_learn_upgrade(
    model: LearnedModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "sentiment.joblib"
    model.save(path)
    monkeypatch.setattr(learning, "_sklearn_version", lambda: "99.0")
    with pytest.raises(ValueError, match="retrain"):
        LearnedModel.load(path)


@pytest.mark.parametrize("n_items", [0, 1, 10, MIN_TRAINING_ITEMS - 1])
def test_it_refuses_to_train_on_too_few_labels(n_items: int) -> None:
    texts, sentiments, categories = make_rows()
    with pytest.raises(ValueError, match=f"at least {MIN_TRAINING_ITEMS}"):
        train(texts[:n_items], sentiments[:n_items], categories[:n_items])


def test_it_counts_only_rows_with_a_sentiment_towards_the_minimum() -> None:
    texts, _, categories = make_rows()
    sentiments = ["negative"] * (MIN_TRAINING_ITEMS - 1) + [None] * (
        len(texts) - MIN_TRAINING_ITEMS + 1
    )
    with pytest.raises(NotEnoughTrainingData):
        train(texts, sentiments, categories)


def test_it_needs_two_sentiment_labels() -> None:
    texts = [f"complaint number {i}" for i in range(MIN_TRAINING_ITEMS + 10)]
    with pytest.raises(NotEnoughTrainingData, match="two sentiment labels"):
        train(texts, ["negative"] * len(texts), [None] * len(texts))


@pytest.mark.parametrize(
    ("sentiments", "categories", "message"),
    [
        (["negative"] * 3, [None] * 4, "same length"),
        (["furious"] * 4, [None] * 4, "unknown sentiment label"),
    ],
)
def test_it_rejects_malformed_input(sentiments: list, categories: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        train(["a", "b", "c", "d"], sentiments, categories)


def test_it_trains_each_head_on_the_rows_that_have_its_label() -> None:
    texts, sentiments, categories = make_rows()
    sentiments = [None if i % 5 == 0 else s for i, s in enumerate(sentiments)]
    sentiments = [s.upper() if s and i % 7 == 0 else s for i, s in enumerate(sentiments)]
    categories = [c if i % 3 else None for i, c in enumerate(categories)]
    model = train(texts, sentiments, categories, seed=3)
    assert model.categories == ("Billing", "Delivery", "Quality")
    assert model.score("the laptop never arrived").category == "Delivery"


def test_it_drops_categories_with_too_few_examples() -> None:
    texts, sentiments, categories = make_rows()
    rare = MIN_CATEGORY_EXAMPLES - 1
    texts += [f"the app crashed on page {i}" for i in range(rare)]
    sentiments += ["negative"] * rare
    categories += ["Software"] * rare
    model = train(texts, sentiments, categories)
    assert "Software" not in model.categories


def test_it_works_without_categories() -> None:
    texts, sentiments, _ = make_rows()
    model = train(texts, sentiments, [None] * len(texts))
    assert model.categories == ()
    assert model.report.category_accuracy is None
    result = model.score("my order never arrived")
    assert (result.category, result.category_confidence) == (None, None)


def test_it_is_not_good_enough_without_a_held_back_slice() -> None:
    model = train(*make_rows(), holdout_fraction=0.0)
    assert model.report.n_holdout == 0
    assert model.report.sentiment_accuracy is None
    assert model.report.good_enough is False


def test_it_is_reproducible_with_a_seed() -> None:
    rows = make_rows(n_per_template=3)
    first, second = train(*rows, seed=5), train(*rows, seed=5)
    texts = ["the mattress is faulty", "love it", "what size is the sofa"]
    assert [(s.label, s.score, s.category) for s in first.score_many(texts)] == [
        (s.label, s.score, s.category) for s in second.score_many(texts)
    ]
