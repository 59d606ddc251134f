"""A learned model prepared for scoring one message at a time, fast.

:class:`feedback.learning.LearnedModel` scores through scikit-learn, whose per-call checks
cost about 3 ms for a single message: more than a form submission may spend on scoring. Its
pieces are all linear, though: TF-IDF vectors (sublinear term frequency, IDF weights, L2
norm) of word and character n-grams, the cold-start scorer's evidence, and two heads that
blend one-vs-rest logistic regression with complement naive Bayes (both linear in the
features). :class:`CompiledModel` keeps the vectorizers' analyzers and vocabularies and all
the heads' weights in one row-per-feature matrix, so one message costs a dictionary lookup
per n-gram and a small matrix product (about 0.3 ms). It gives the same results as the
wrapped model (``tests/feedback/test_model_store.py`` checks that on many messages) and hands
batches to it, where scikit-learn is fast.
"""

from __future__ import annotations

import copy
import math
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from feedback.learning import N_CUE_FEATURES, LearnedModel, TrainingReport, _prepare
from feedback.sentiment import Sentiment

# Below this many messages the compiled path is faster than scikit-learn's batch path.
_BATCH_FROM = 16


class _Block:
    """One TF-IDF vectorizer: analyzer, vocabulary, IDF weights and its column offset."""

    def __init__(self, vectorizer: Any, offset: int) -> None:
        self.analyze: Callable[[str], list[str]] = vectorizer.build_analyzer()
        self.vocabulary: dict[str, int] = vectorizer.vocabulary_
        self.idf = np.asarray(vectorizer.idf_, dtype=np.float64)
        self.sublinear = bool(vectorizer.sublinear_tf)
        self.offset = offset
        self.size = len(self.vocabulary)
        if vectorizer.norm != "l2" or not vectorizer.use_idf or vectorizer.binary:
            raise ValueError("only L2-normalised TF-IDF vectorizers can be compiled")

    def features(self, prepared: str) -> tuple[list[int], np.ndarray]:
        """Columns and TF-IDF values of one prepared message's known n-grams."""
        vocabulary = self.vocabulary
        columns: list[int] = []
        counts: list[int] = []
        for token, count in Counter(self.analyze(prepared)).items():
            column = vocabulary.get(token)
            if column is not None:
                columns.append(column)
                counts.append(count)
        if not columns:
            return [], np.zeros(0)
        values = np.array(counts, dtype=np.float64)
        if self.sublinear:
            values = np.log(values) + 1.0
        values *= self.idf[columns]
        norm = math.sqrt(float(values @ values))
        if norm > 0:
            values /= norm
        return [self.offset + c for c in columns], values


class CompiledModel:
    """A :class:`LearnedModel` that scores single messages without scikit-learn's overhead."""

    name = LearnedModel.name

    def __init__(self, model: LearnedModel, category_labels: Sequence[str] = ()) -> None:
        """``category_labels``: the sentiment labels that get a category suggestion (empty: all).

        An installation whose history has categories only for complaints gets no category
        guess for praise or questions.
        """
        self.model = model
        self.category_labels = frozenset(category_labels)
        self.version = model.version
        self.report: TrainingReport = model.report
        featurizer = model._featurizer
        self._featurizer = featurizer
        self._word = _Block(featurizer.word, 0)
        self._char = _Block(featurizer.char, self._word.size)
        self._cue_offset = self._word.size + self._char.size
        sentiment = model._sentiment
        self._sentiment_classes = [str(c) for c in sentiment.classes_]
        self._threshold = model._negative_threshold
        classes = self._sentiment_classes
        self._negative = classes.index("negative") if "negative" in classes else None
        self._positive = classes.index("positive") if "positive" in classes else None
        n_features = self._cue_offset + N_CUE_FEATURES
        if featurizer.cue_features(["x"]).shape[1] != N_CUE_FEATURES:
            raise ValueError("the model's feature layout is not the one this code knows")
        # Per head: logistic weights (n_classes x n_features) and naive Bayes log
        # probabilities, which read only the TF-IDF columns (zero rows for the cue block).
        blocks = [_head_blocks(sentiment, n_features)]
        self._category_classes: list[str] = []
        category = model._category
        if category is not None:
            self._category_classes = [str(c) for c in category.classes_]
            blocks.append(_head_blocks(category, n_features))
        self._n_sentiment = len(self._sentiment_classes)
        self._n_category = len(self._category_classes)
        self._sentiment_blend = sentiment.bayes_weight
        self._category_blend = category.bayes_weight if category is not None else 0.0
        # One row per feature; columns: sentiment logistic, sentiment Bayes, category logistic,
        # category Bayes. A message's values are the weighted sum of the rows of its features.
        self._weights = np.ascontiguousarray(
            np.hstack([matrix for logistic, bayes, _ in blocks for matrix in (logistic, bayes)])
        )
        self._intercepts = np.concatenate(
            [
                part
                for _, bayes, intercept in blocks
                for part in (intercept, np.zeros(bayes.shape[1]))
            ]
        )

    @property
    def categories(self) -> tuple[str, ...]:
        return tuple(self._category_classes)

    def decision(self, text: str) -> np.ndarray:
        """Decision values of both heads for one message (sentiment classes first)."""
        prepared = _prepare(text)
        word_columns, word_values = self._word.features(prepared)
        char_columns, char_values = self._char.features(prepared)
        cues = self._featurizer.cue_features([text])[0].astype(np.float32).astype(np.float64)
        total = self._intercepts.copy()
        if word_columns:
            total += word_values @ self._weights[word_columns]
        if char_columns:
            total += char_values @ self._weights[char_columns]
        total += cues @ self._weights[self._cue_offset :]
        return total

    def score(self, text: str) -> Sentiment:
        """Score one message (the same result as ``LearnedModel.score``)."""
        if not (text or "").strip():
            return Sentiment("neutral", 0.0, 0.05, self.name, self.version)
        decision = self.decision(text).tolist()
        n_sentiment, n_category = self._n_sentiment, self._n_category
        proba = _blend(
            decision[:n_sentiment], decision[n_sentiment : 2 * n_sentiment], self._sentiment_blend
        )
        label_index = self._decide(proba)
        label = self._sentiment_classes[label_index]
        p_negative = proba[self._negative] if self._negative is not None else 0.0
        p_positive = proba[self._positive] if self._positive is not None else 0.0
        category = category_confidence = None
        if self._category_classes and self._suggests_category(label):
            start = 2 * n_sentiment
            category_proba = _blend(
                decision[start : start + n_category],
                decision[start + n_category :],
                self._category_blend,
            )
            best = max(range(len(category_proba)), key=category_proba.__getitem__)
            category = self._category_classes[best]
            category_confidence = round(category_proba[best], 4)
        return Sentiment(
            label=label,
            score=round(min(1.0, max(-1.0, p_positive - p_negative)), 4),
            confidence=round(proba[label_index], 4),
            scorer=self.name,
            version=self.version,
            category=category,
            category_confidence=category_confidence,
        )

    def _decide(self, proba: list[float]) -> int:
        """The label's index: as :func:`feedback.learning._decide` for one row."""
        negative = self._negative
        if self._threshold is None or negative is None:
            return max(range(len(proba)), key=proba.__getitem__)
        if proba[negative] >= self._threshold:
            return negative
        others = [p if i != negative else -1.0 for i, p in enumerate(proba)]
        return max(range(len(others)), key=others.__getitem__)

    def score_many(self, texts: Sequence[str]) -> list[Sentiment]:
        """Score many messages (through scikit-learn when there are enough to batch)."""
        if len(texts) < _BATCH_FROM:
            return [self.score(text) for text in texts]
        return [
            result
            if result.category is None or self._suggests_category(result.label)
            else replace(result, category=None, category_confidence=None)
            for result in self.model.score_many(texts)
        ]

    def for_every_label(self) -> CompiledModel:
        """The same model, suggesting a category whatever the sentiment label.

        For scoring exports (`portal score`), where each row's category is read next to its
        label: a complaint the model took for neutral still gets its best category.
        """
        every = copy.copy(self)
        every.category_labels = frozenset()
        return every

    def _suggests_category(self, label: str) -> bool:
        return not self.category_labels or label in self.category_labels


def _head_blocks(head: Any, n_features: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A fitted :class:`BlendedHead` as row-per-feature weight blocks and intercepts."""
    logistic = np.asarray(head.logistic.coef_, dtype=np.float64)
    if len(logistic) == 1:
        raise ValueError("binary heads are not compiled")  # they have one row of weights
    bayes = np.zeros((n_features, len(head.classes_)))
    log_prob = np.asarray(head.bayes.feature_log_prob_, dtype=np.float64)
    bayes[: log_prob.shape[1]] = log_prob.T
    intercept = np.asarray(head.logistic.intercept_, dtype=np.float64)
    return logistic.T, bayes, intercept


def _blend(logistic: Sequence[float], bayes: Sequence[float], bayes_weight: float) -> list[float]:
    """As :meth:`BlendedHead.predict_proba` for one row of decision values."""
    logistic_proba = _ovr_proba(logistic)
    top = max(bayes)
    exp = [math.exp(value - top) for value in bayes]
    total = sum(exp)
    return [
        (1.0 - bayes_weight) * lp + bayes_weight * (e / total)
        for lp, e in zip(logistic_proba, exp, strict=True)
    ]


def _ovr_proba(decision: Sequence[float]) -> list[float]:
    """One-vs-rest logistic probabilities, normalised (as scikit-learn's SGD classifier)."""
    proba = [_expit(value) for value in decision]
    total = sum(proba)
    if total == 0:
        return [1.0 / len(proba)] * len(proba)
    return [p / total for p in proba]


def _expit(value: float) -> float:
    if value >= 0:
        return 1.0 / (1.0 + math.exp(-value))
    exp = math.exp(value)
    return exp / (1.0 + exp)
