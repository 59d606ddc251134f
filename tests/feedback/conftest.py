"""Fixtures for the learning tests: an installation of one's own, a model trained once."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from feedback import model_store
from feedback.compiled_model import CompiledModel
from feedback.learning import LearnedModel, train
from feedback.models import ScorerModel
from feedback.retraining import activate
from portal.settings import Settings
from tests.feedback.learning_helpers import columns_of, make_history


@pytest.fixture
def installation(db: Settings, tmp_path) -> Iterator[Settings]:
    """The test database with a var dir of the test's own (so its model files are its own).

    The process-wide scorer is pointed at it for the test and back afterwards, so no other
    test ever scores with a model trained here.
    """
    settings = dataclasses.replace(db, var_dir=tmp_path / "var")
    model_store.configure(settings.var_dir, settings.categories)
    yield settings
    model_store.store_for(settings.var_dir).forget()
    model_store.configure(db.var_dir, db.categories)


@pytest.fixture(scope="session")
def trained_model() -> LearnedModel:
    """A model learned from the template history (good enough: it beats the rules)."""
    model = train(*columns_of(make_history()))
    assert model.report.good_enough
    return model


async def install_model(settings: Settings, model: LearnedModel) -> ScorerModel:
    """Store and activate ``model`` as `portal retrain` would (file, row, pointer)."""
    filename = model_store.model_filename(model.version)
    model.save(model_store.model_path(settings.var_dir, filename))
    now = datetime.now(UTC)
    row = await ScorerModel.create(
        version=model.version,
        path=filename,
        trained_at=now,
        n_examples=model.report.n_items,
        report={**model.report.to_dict(), "category_labels": ["negative"]},
        good_enough=True,
    )
    await activate(
        row, settings.var_dir, now=now, scorer=CompiledModel(model, category_labels=["negative"])
    )
    return row
