"""A sentiment and complaint-category model learned from one installation's confirmed labels.

Staff confirm or correct the sentiment (and, for complaints, the category) of messages on the
board. Once there are at least :data:`MIN_TRAINING_ITEMS` confirmed sentiments, :func:`train`
fits a :class:`LearnedModel` on them:

* features: TF-IDF word 1–2-grams and character 2–5-grams of the cleaned message, plus the
  cold-start complaint-aware scorer's evidence (VADER score, complaint and praise cue weights,
  emoji, question kind, shouting) so a small installation starts from what the cold-start
  scorer already knows;
* a sentiment head whose decision threshold for "negative" is tuned by cross-validation on
  the training rows only: the most accurate threshold that still catches
  :data:`NEGATIVE_RECALL_FLOOR` of the complaints;
* a category head trained on the rows that have a category, when at least two categories
  have :data:`MIN_CATEGORY_EXAMPLES` examples.

Each head (:class:`BlendedHead`) is logistic regression fitted by SGD on every feature,
averaged with complement naive Bayes on the TF-IDF part (:data:`BAYES_WEIGHT`): the two make
different mistakes on short texts, and the blend was more accurate in cross-validation on the
airline messages for every weight from 0.1 to 0.25 and smoothing from 0.1 to 0.3 tried.

Before the final fit, a held-back slice measures the model against the cold-start scorer; the
:class:`TrainingReport` says whether the learned model is ``good_enough`` to replace it. The
final model is then refitted on every labelled row with the same threshold.

This module is pure: no database and no web; the caller loads labels and stores the model file.
"""

from __future__ import annotations

import os
import tempfile
import time
import warnings
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from feedback.sentiment import LABELS, ComplaintAwareScorer, Sentiment, clean_text, get_scorer

#: Minimum confirmed sentiment labels before training is attempted.
MIN_TRAINING_ITEMS = 50
#: Categories with fewer confirmed examples than this are left out of the category head.
MIN_CATEGORY_EXAMPLES = 5
#: Customers' complaints missed are worse than false alarms: the decision threshold for
#: "negative" is lowered (tuned by cross-validation on the training rows) until at least this
#: share of negative messages is caught. The product target is 0.92; the floor sits a little
#: above it because recall on new messages scatters around the cross-validated figure.
NEGATIVE_RECALL_FLOOR = 0.93
#: A learned model may lose at most this much negative recall to the cold-start scorer on the
#: held-back slice and still count as good enough.
NEGATIVE_RECALL_TOLERANCE = 0.05
#: Fewer held-back sentiments than this cannot show that the model is good enough.
MIN_HOLDOUT_ITEMS = 10

#: Share of complement naive Bayes in each head's probabilities (the rest: logistic regression).
BAYES_WEIGHT = 0.2
_BAYES_ALPHA = 0.3

MODEL_FORMAT = 2  # 2: blended heads (format 1 files are refused: retrain)
_INNER_FOLDS = 5
_SENTIMENT_ALPHA = 5e-5
_CATEGORY_ALPHA = 1e-4
_CUE_FEATURE_SCALE = 0.5
_WORD_TOKENS = r"(?u)\b\w[\w']*\b"  # words, keeping contractions such as "didn't" whole
_THRESHOLD_GRID = np.round(np.arange(0.20, 0.605, 0.01), 2)


class NotEnoughTrainingData(ValueError):
    """Raised by :func:`train` when there are too few confirmed labels to learn from."""


@dataclass
class TrainingReport:
    """How a trained model did on the held-back slice, next to the cold-start scorer."""

    n_train: int  # labelled rows the held-back figures were learned from
    n_holdout: int  # held-back rows with a sentiment
    sentiment_accuracy: float | None
    negative_recall: float | None  # None when the held-back slice has no negative message
    category_accuracy: float | None  # None when the model has no categories
    baseline_accuracy: float | None  # cold-start scorer on the same held-back rows
    good_enough: bool
    trained_at: str  # ISO 8601, UTC
    version: str
    baseline_negative_recall: float | None = None
    n_category_holdout: int = 0
    negative_threshold: float | None = None  # P(negative) at or above which we say negative
    categories: tuple[str, ...] = ()
    n_items: int = 0  # labelled rows in the final model
    train_seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The report as plain JSON-friendly values."""
        data = asdict(self)
        data["categories"] = list(self.categories)
        return data


# --------------------------------------------------------------------------------------------
# Features


#: Columns of the cold-start evidence block, which comes last in every feature row.
N_CUE_FEATURES = 9


def _cue_features(scorer: ComplaintAwareScorer, texts: Sequence[str]) -> np.ndarray:
    rows = []
    for text in texts:
        evidence = scorer.analyse(text)
        if evidence is None:
            rows.append((0.0,) * N_CUE_FEATURES)
            continue
        label = evidence.sentiment.label
        rows.append(
            (
                evidence.sentiment.score,
                evidence.vader,
                evidence.complaint / 3.0,
                evidence.praise / 2.0,
                evidence.emoji / 2.0,
                float(evidence.info_question),
                float(evidence.shouting),
                float(label == "negative"),
                float(label == "positive"),
            )
        )
    return np.asarray(rows, dtype=np.float64) * _CUE_FEATURE_SCALE


def _prepare(text: str) -> str:
    return clean_text(text or "").lower()


@dataclass
class _Featurizer:
    """Word and character TF-IDF plus the cold-start scorer's evidence."""

    word: Any = None
    char: Any = None
    scorer: ComplaintAwareScorer | None = field(default=None, repr=False)

    def fit_transform(
        self, texts: Sequence[str], cues: np.ndarray | None = None
    ) -> sparse.csr_matrix:
        """Learn the vocabularies from ``texts`` and return their feature matrix."""
        from sklearn.feature_extraction.text import TfidfVectorizer

        min_df = 2 if len(texts) >= 200 else 1
        self.word = TfidfVectorizer(
            ngram_range=(1, 2),
            min_df=min_df,
            sublinear_tf=True,
            token_pattern=_WORD_TOKENS,
            dtype=np.float32,
        )
        self.char = TfidfVectorizer(
            analyzer="char_wb",
            ngram_range=(2, 5),
            min_df=min_df,
            sublinear_tf=True,
            max_features=150_000,
            dtype=np.float32,
        )
        prepared = [_prepare(text) for text in texts]
        return self._stack(
            self.word.fit_transform(prepared), self.char.fit_transform(prepared), texts, cues
        )

    def transform(self, texts: Sequence[str], cues: np.ndarray | None = None) -> sparse.csr_matrix:
        """Feature matrix of ``texts`` with the learned vocabularies."""
        prepared = [_prepare(text) for text in texts]
        return self._stack(
            self.word.transform(prepared), self.char.transform(prepared), texts, cues
        )

    def cue_features(self, texts: Sequence[str]) -> np.ndarray:
        """The cold-start scorer's evidence as a dense block of features."""
        if self.scorer is None:
            self.scorer = _cold_start_scorer()
        return _cue_features(self.scorer, texts)

    def _stack(
        self, word: Any, char: Any, texts: Sequence[str], cues: np.ndarray | None
    ) -> sparse.csr_matrix:
        if cues is None:
            cues = self.cue_features(texts)
        cue_block = sparse.csr_matrix(cues.astype(np.float32))
        return sparse.hstack([word, char, cue_block], format="csr")

    def __getstate__(self) -> dict[str, Any]:
        # The cold-start scorer (VADER lexicon and all) is rebuilt on load, not pickled.
        return {"word": self.word, "char": self.char, "scorer": None}


def _cold_start_scorer() -> ComplaintAwareScorer:
    scorer = get_scorer(None)
    assert isinstance(scorer, ComplaintAwareScorer)
    return scorer


# --------------------------------------------------------------------------------------------
# Decisions


def _decide(proba: np.ndarray, classes: Sequence[str], threshold: float | None) -> np.ndarray:
    """Labels from class probabilities: "negative" when P(negative) >= threshold, else argmax."""
    classes_array = np.asarray(classes)
    labels = classes_array[np.argmax(proba, axis=1)]
    if threshold is None or "negative" not in classes:
        return labels
    negative = list(classes).index("negative")
    others = proba.copy()
    others[:, negative] = -1.0
    labels = classes_array[np.argmax(others, axis=1)]
    labels[proba[:, negative] >= threshold] = "negative"
    return labels


def _tune_negative_threshold(
    features: sparse.csr_matrix, labels: np.ndarray, seed: int
) -> float | None:
    """Pick the P(negative) threshold from out-of-fold predictions on the rows given.

    The threshold is the most accurate one whose out-of-fold negative recall reaches
    :data:`NEGATIVE_RECALL_FLOOR`; if no threshold does, the one with the highest recall.
    Only the rows passed in (the training rows) are used. Returns ``None`` (plain argmax)
    when some class has too few rows for cross-validation or there is no negative class.
    """
    from sklearn.model_selection import StratifiedKFold

    classes, counts = np.unique(labels, return_counts=True)
    if "negative" not in classes or len(classes) < 2:
        return None
    n_folds = min(_INNER_FOLDS, int(counts.min()))
    if n_folds < 2:
        return None
    out_of_fold = np.zeros((len(labels), len(classes)))
    folds = StratifiedKFold(n_splits=n_folds, shuffle=True, random_state=seed)
    for fit_rows, predict_rows in folds.split(np.zeros(len(labels)), labels):
        model = _fit_quietly(_sentiment_classifier(seed), features[fit_rows], labels[fit_rows])
        out_of_fold[predict_rows] = model.predict_proba(features[predict_rows])
    negatives = labels == "negative"
    candidates = []
    for threshold in _THRESHOLD_GRID:
        predicted = _decide(out_of_fold, list(classes), float(threshold))
        recall = float((predicted[negatives] == "negative").mean())
        accuracy = float((predicted == labels).mean())
        candidates.append((recall >= NEGATIVE_RECALL_FLOOR, accuracy, recall, float(threshold)))
    reaching = [c for c in candidates if c[0]]
    if reaching:
        best_accuracy = max(c[1] for c in reaching)
        best = [c[3] for c in reaching if c[1] == best_accuracy]
    else:
        best_recall = max(c[2] for c in candidates)
        best = [c[3] for c in candidates if c[2] == best_recall]
    # Among equally good thresholds take the highest: the fewest false alarms.
    return max(best)


class BlendedHead:
    """Logistic regression on every feature blended with complement naive Bayes on TF-IDF.

    Behaves like a scikit-learn classifier for this module (``fit``, ``predict_proba``,
    ``classes_``). Naive Bayes needs non-negative features, so it reads the TF-IDF columns
    only, not the cold-start evidence block (the last :data:`N_CUE_FEATURES` columns).
    """

    def __init__(self, logistic: Any, bayes_weight: float = BAYES_WEIGHT) -> None:
        self.logistic = logistic
        self.bayes: Any = None
        self.bayes_weight = bayes_weight
        self.classes_: np.ndarray = np.array([])

    def fit(self, features: sparse.csr_matrix, labels: np.ndarray) -> BlendedHead:
        """Fit both models on the same rows."""
        from sklearn.naive_bayes import ComplementNB

        self.logistic.fit(features, labels)
        self.bayes = ComplementNB(alpha=_BAYES_ALPHA).fit(_text_columns(features), labels)
        self.classes_ = self.logistic.classes_
        return self

    def predict_proba(self, features: sparse.csr_matrix) -> np.ndarray:
        """Class probabilities: the weighted mean of the two models'."""
        logistic = self.logistic.predict_proba(features)
        bayes = self.bayes.predict_proba(_text_columns(features))
        return (1.0 - self.bayes_weight) * logistic + self.bayes_weight * bayes


def _text_columns(features: sparse.csr_matrix) -> sparse.csr_matrix:
    return features[:, : features.shape[1] - N_CUE_FEATURES]


def _sentiment_classifier(seed: int) -> BlendedHead:
    return BlendedHead(_logistic_sgd(_SENTIMENT_ALPHA, seed))


def _category_classifier(seed: int) -> BlendedHead:
    # Classes weighted inversely to their frequency, so a catch-all category does not swamp
    # the rarer ones (+0.8 points of cross-validated category accuracy on the dev file).
    return BlendedHead(_logistic_sgd(_CATEGORY_ALPHA, seed, class_weight="balanced"))


def _logistic_sgd(alpha: float, seed: int, class_weight: str | None = None) -> Any:
    """Logistic regression fitted by SGD: as accurate here as L-BFGS and ten times faster."""
    from sklearn.linear_model import SGDClassifier

    return SGDClassifier(
        loss="log_loss",
        alpha=alpha,
        max_iter=100,
        tol=1e-4,
        random_state=seed,
        class_weight=class_weight,
    )


def _fit_quietly(classifier: Any, features: sparse.csr_matrix, labels: np.ndarray) -> Any:
    """Fit, ignoring convergence warnings (the iteration cap is generous; results are checked)."""
    from sklearn.exceptions import ConvergenceWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        classifier.fit(features, labels)
    return classifier


# --------------------------------------------------------------------------------------------
# The model


class LearnedModel:
    """A per-installation model; implements :class:`feedback.sentiment.Scorer` ("learned")."""

    name = "learned"

    def __init__(
        self,
        featurizer: _Featurizer,
        sentiment_classifier: Any,
        negative_threshold: float | None,
        category_classifier: Any | None,
        report: TrainingReport,
    ) -> None:
        self._featurizer = featurizer
        self._sentiment = sentiment_classifier
        self._negative_threshold = negative_threshold
        self._category = category_classifier
        self.report = report
        self.version = report.version
        self._sklearn_version = _sklearn_version()

    @property
    def categories(self) -> tuple[str, ...]:
        """The categories this model can suggest (empty when it has no category head)."""
        if self._category is None:
            return ()
        return tuple(str(c) for c in self._category.classes_)

    def score(self, text: str) -> Sentiment:
        """Score one message, with a suggested category when the model has categories."""
        return self.score_many([text])[0]

    def score_many(self, texts: Sequence[str]) -> list[Sentiment]:
        """Score many messages in one batch (much faster than one at a time)."""
        texts = list(texts)
        if not texts:
            return []
        return self.score_rows(self._featurizer.transform(texts), texts)

    def score_rows(self, features: sparse.csr_matrix, texts: Sequence[str]) -> list[Sentiment]:
        """Score messages whose feature rows are already computed."""
        classes = [str(c) for c in self._sentiment.classes_]
        proba = self._sentiment.predict_proba(features)
        labels = _decide(proba, classes, self._negative_threshold)
        index = {label: i for i, label in enumerate(classes)}
        p_negative = proba[:, index["negative"]] if "negative" in index else np.zeros(len(texts))
        p_positive = proba[:, index["positive"]] if "positive" in index else np.zeros(len(texts))
        if self._category is not None:
            category_proba = self._category.predict_proba(features)
            category_names = [str(c) for c in self._category.classes_]
            best = np.argmax(category_proba, axis=1)
        results = []
        for row, (text, label) in enumerate(zip(texts, labels, strict=True)):
            if not (text or "").strip():
                results.append(Sentiment("neutral", 0.0, 0.05, self.name, self.version))
                continue
            category = category_confidence = None
            if self._category is not None:
                category = category_names[best[row]]
                category_confidence = round(float(category_proba[row, best[row]]), 4)
            results.append(
                Sentiment(
                    label=str(label),
                    score=round(float(np.clip(p_positive[row] - p_negative[row], -1, 1)), 4),
                    confidence=round(float(proba[row, index[str(label)]]), 4),
                    scorer=self.name,
                    version=self.version,
                    category=category,
                    category_confidence=category_confidence,
                )
            )
        return results

    def save(self, path: Path) -> None:
        """Write the model to ``path`` atomically (temporary file in the same folder + rename)."""
        import joblib

        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(handle, "wb") as tmp_file:
                joblib.dump({"format": MODEL_FORMAT, "model": self}, tmp_file, compress=3)
                tmp_file.flush()
                os.fsync(tmp_file.fileno())
            os.replace(tmp_name, path)
        except BaseException:
            Path(tmp_name).unlink(missing_ok=True)
            raise

    @classmethod
    def load(cls, path: Path) -> LearnedModel:
        """Read a model written by :meth:`save`.

        The file is a pickle: load only files this installation wrote itself. Raises
        ``ValueError`` when the file is not a model of this format or was written with another
        scikit-learn version (retrain then; the cold-start scorer covers the gap).
        """
        import joblib

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # version mismatch is reported below, clearly
            payload = joblib.load(Path(path))
        if not isinstance(payload, dict) or payload.get("format") != MODEL_FORMAT:
            raise ValueError(f"{path} is not a learned sentiment model of format {MODEL_FORMAT}")
        model = payload["model"]
        if not isinstance(model, cls):
            raise ValueError(f"{path} does not hold a LearnedModel")
        if model._sklearn_version != _sklearn_version():
            raise ValueError(
                f"{path} was trained with scikit-learn {model._sklearn_version}, this is "
                f"{_sklearn_version()}: retrain the model"
            )
        return model


def _sklearn_version() -> str:
    import sklearn

    return str(sklearn.__version__)


# --------------------------------------------------------------------------------------------
# Training


def _normalise(value: str | None, allowed: Sequence[str] | None = None) -> str | None:
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    if allowed is not None:
        value = value.lower()
        if value not in allowed:
            raise ValueError(f"unknown sentiment label {value!r}; expected one of {allowed}")
    return value


@dataclass
class _Heads:
    sentiment: Any
    negative_threshold: float | None
    category: Any | None


def _fit_heads(
    features: sparse.csr_matrix,
    sentiments: Sequence[str | None],
    categories: Sequence[str | None],
    seed: int,
    *,
    negative_threshold: float | None = None,
    tune_threshold: bool = True,
) -> _Heads:
    """Fit the sentiment head (and threshold) and the category head on the given rows."""
    sentiment_rows = np.array([i for i, s in enumerate(sentiments) if s is not None], dtype=int)
    sentiment_labels = np.array([sentiments[i] for i in sentiment_rows])
    sentiment_features = features[sentiment_rows]
    if tune_threshold:
        negative_threshold = _tune_negative_threshold(sentiment_features, sentiment_labels, seed)
    sentiment = _fit_quietly(_sentiment_classifier(seed), sentiment_features, sentiment_labels)

    category = None
    counts: dict[str, int] = {}
    for value in categories:
        if value is not None:
            counts[value] = counts.get(value, 0) + 1
    kept = {name for name, count in counts.items() if count >= MIN_CATEGORY_EXAMPLES}
    if len(kept) >= 2:
        category_rows = np.array([i for i, c in enumerate(categories) if c in kept], dtype=int)
        category_labels = np.array([categories[i] for i in category_rows])
        category = _fit_quietly(
            _category_classifier(seed), features[category_rows], category_labels
        )
    return _Heads(sentiment, negative_threshold, category)


def _holdout_split(
    n_rows: int, strata: list[str], holdout_fraction: float, seed: int
) -> tuple[list[int], list[int]]:
    from sklearn.model_selection import train_test_split

    indices = list(range(n_rows))
    if holdout_fraction <= 0:
        return indices, []
    _, counts = np.unique(strata, return_counts=True)
    stratify = strata if counts.min() >= 2 else None
    train_rows, holdout_rows = train_test_split(
        indices, test_size=holdout_fraction, random_state=seed, stratify=stratify
    )
    return sorted(train_rows), sorted(holdout_rows)


def _recall(gold: Sequence[str], predicted: Sequence[str], label: str) -> float | None:
    relevant = [p for g, p in zip(gold, predicted, strict=True) if g == label]
    if not relevant:
        return None
    return sum(p == label for p in relevant) / len(relevant)


def _accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float | None:
    if not gold:
        return None
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)


def train(
    texts: Sequence[str],
    sentiments: Sequence[str | None],
    categories: Sequence[str | None],
    *,
    holdout_fraction: float = 0.2,
    seed: int = 0,
) -> LearnedModel:
    """Learn a sentiment (and category) model from confirmed labels.

    ``texts``, ``sentiments`` and ``categories`` run in parallel; a row may lack a sentiment or
    a category (``None`` or blank) and each head learns from the rows that have its label.
    Sentiments must be one of :data:`feedback.sentiment.LABELS`. A ``holdout_fraction`` of the
    rows is held back to compare the model with the cold-start scorer (see
    :class:`TrainingReport`); the returned model is then refitted on all rows.

    Raises :class:`NotEnoughTrainingData` (a ``ValueError``) with fewer than
    :data:`MIN_TRAINING_ITEMS` confirmed sentiments or fewer than two sentiment labels in use,
    and ``ValueError`` for mismatched lengths or unknown sentiment labels.
    """
    started = time.perf_counter()
    texts = [text or "" for text in texts]
    if not (len(texts) == len(sentiments) == len(categories)):
        raise ValueError("texts, sentiments and categories must have the same length")
    if not 0.0 <= holdout_fraction < 0.9:
        raise ValueError("holdout_fraction must be in [0, 0.9)")
    clean_sentiments = [_normalise(s, LABELS) for s in sentiments]
    clean_categories = [_normalise(c) for c in categories]

    n_sentiments = sum(s is not None for s in clean_sentiments)
    if n_sentiments < MIN_TRAINING_ITEMS:
        raise NotEnoughTrainingData(
            f"need at least {MIN_TRAINING_ITEMS} confirmed sentiment labels to train, "
            f"got {n_sentiments}"
        )
    if len({s for s in clean_sentiments if s is not None}) < 2:
        raise NotEnoughTrainingData("need confirmed examples of at least two sentiment labels")

    keep = [i for i in range(len(texts)) if clean_sentiments[i] or clean_categories[i]]
    texts = [texts[i] for i in keep]
    clean_sentiments = [clean_sentiments[i] for i in keep]
    clean_categories = [clean_categories[i] for i in keep]

    # The vocabularies and IDF weights are learned once from every text given (no labels are
    # involved); the held-back rows' labels are used only for the report below.
    featurizer = _Featurizer()
    features = featurizer.fit_transform(texts)

    strata = [s or "none" for s in clean_sentiments]
    train_rows, holdout_rows = _holdout_split(len(texts), strata, holdout_fraction, seed)
    first = _fit_heads(
        features[train_rows],
        [clean_sentiments[i] for i in train_rows],
        [clean_categories[i] for i in train_rows],
        seed,
    )
    probe = LearnedModel(
        featurizer, first.sentiment, first.negative_threshold, first.category, _blank_report()
    )

    held = [i for i in holdout_rows if clean_sentiments[i] is not None]
    held_gold = [str(clean_sentiments[i]) for i in held]
    accuracy = negative_recall = baseline_accuracy = baseline_recall = None
    if held:
        predicted = [s.label for s in probe.score_rows(features[held], [texts[i] for i in held])]
        baseline = [s.label for s in _cold_start_scorer().score_many([texts[i] for i in held])]
        accuracy = _accuracy(held_gold, predicted)
        negative_recall = _recall(held_gold, predicted, "negative")
        baseline_accuracy = _accuracy(held_gold, baseline)
        baseline_recall = _recall(held_gold, baseline, "negative")
    category_accuracy = None
    known = set(probe.categories)
    held_categories = [i for i in holdout_rows if clean_categories[i] in known]
    if held_categories:
        suggested = probe.score_rows(features[held_categories], [texts[i] for i in held_categories])
        category_accuracy = _accuracy(
            [str(clean_categories[i]) for i in held_categories], [s.category for s in suggested]
        )

    good_enough = bool(
        accuracy is not None
        and baseline_accuracy is not None
        and len(held) >= MIN_HOLDOUT_ITEMS
        and accuracy > baseline_accuracy
        and (
            negative_recall is None
            or baseline_recall is None
            or negative_recall >= baseline_recall - NEGATIVE_RECALL_TOLERANCE
        )
    )

    final = first
    if holdout_rows:
        final = _fit_heads(
            features,
            clean_sentiments,
            clean_categories,
            seed,
            negative_threshold=first.negative_threshold,
            tune_threshold=False,
        )
    now = datetime.now(UTC)
    version = "learned-" + now.strftime("%Y%m%dT%H%M%S%fZ")
    report = TrainingReport(
        n_train=len(train_rows),
        n_holdout=len(held),
        sentiment_accuracy=_round(accuracy),
        negative_recall=_round(negative_recall),
        category_accuracy=_round(category_accuracy),
        baseline_accuracy=_round(baseline_accuracy),
        good_enough=good_enough,
        trained_at=now.isoformat(timespec="seconds"),
        version=version,
        baseline_negative_recall=_round(baseline_recall),
        n_category_holdout=len(held_categories),
        negative_threshold=final.negative_threshold,
        categories=tuple(str(c) for c in final.category.classes_) if final.category else (),
        n_items=len(texts),
        train_seconds=round(time.perf_counter() - started, 2),
    )
    return LearnedModel(
        featurizer, final.sentiment, final.negative_threshold, final.category, report
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _blank_report() -> TrainingReport:
    return TrainingReport(
        n_train=0,
        n_holdout=0,
        sentiment_accuracy=None,
        negative_recall=None,
        category_accuracy=None,
        baseline_accuracy=None,
        good_enough=False,
        trained_at="",
        version="learned-holdout",
    )
