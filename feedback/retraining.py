"""Retraining the installation's model from its training examples, safely and off the loop.

:func:`retrain` trains on every labelled :class:`TrainingExample` (imported history and staff
corrections), saves the model file, records a :class:`ScorerModel` row and activates it only
when the model was good enough on its held-back slice (:class:`feedback.learning.TrainingReport`).
The scikit-learn work runs in a worker thread (``asyncio.to_thread``), so a web process keeps
answering requests meanwhile.

Only one process trains at a time: the single :class:`RetrainState` row is claimed with a
conditional UPDATE (``claimed_until`` empty or expired), the way the sweeper claims its
warnings. A claim expires after :data:`CLAIM_MINUTES`, so a process that died mid-training
does not block retraining for ever.

:func:`retrain_if_due` is what the app's background task calls every few minutes: it retrains
once at least ``threshold`` examples were labelled since the last attempt.
"""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from feedback import model_store
from feedback.learning import NotEnoughTrainingData, TrainingReport, train
from feedback.models import RetrainState, ScorerModel, TrainingExample
from feedback.privacy import REDACTED
from feedback.sentiment import Scorer, get_scorer

log = logging.getLogger("portal.learning")

CLAIM_MINUTES = 30
#: Model files kept on disk: the active one and this many most recent (rows stay as history).
KEEP_MODEL_FILES = 5
_STATE_ID = 1


@dataclass
class RetrainResult:
    """What one retraining attempt did."""

    status: str  # "trained" | "not_enough" | "busy"
    message: str
    n_examples: int = 0
    report: TrainingReport | None = None
    scorer_model: ScorerModel | None = None
    activated: bool = False
    seconds: float = 0.0


def holder_name() -> str:
    """Who holds a retraining claim: this host and process."""
    return f"{socket.gethostname()}:{os.getpid()}"


def _labelled() -> Q:
    # An erased example (feedback.privacy) keeps its row, but never teaches the model again,
    # even if a later import or correction labels it.
    labelled = Q(sentiment__isnull=False) | Q(category__isnull=False)
    return labelled & ~Q(text__startswith=REDACTED)


# -- the claim ----------------------------------------------------------------------------------


async def _state() -> RetrainState:
    state = await RetrainState.get_or_none(id=_STATE_ID)
    if state is None:
        try:
            state = await RetrainState.create(id=_STATE_ID)
        except IntegrityError:  # another process created it first
            state = await RetrainState.get(id=_STATE_ID)
    return state


async def claim(holder: str, now: datetime) -> bool:
    """Claim the right to retrain until ``now`` + :data:`CLAIM_MINUTES`; True if this call won."""
    await _state()
    won = (
        await RetrainState.filter(id=_STATE_ID)
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .update(claimed_by=holder[:120], claimed_until=now + timedelta(minutes=CLAIM_MINUTES))
    )
    return won == 1


async def _release(holder: str, attempted_at: datetime, outcome: str) -> None:
    await RetrainState.filter(id=_STATE_ID, claimed_by=holder[:120]).update(
        claimed_by="", claimed_until=None, last_attempt_at=attempted_at, last_outcome=outcome[:500]
    )


async def retraining_since(now: datetime) -> RetrainState | None:
    """The claim row when a retraining is running now, else ``None``."""
    state = await RetrainState.get_or_none(id=_STATE_ID)
    if state is None or state.claimed_until is None or state.claimed_until < now:
        return None
    return state


async def last_attempt() -> RetrainState | None:
    return await RetrainState.get_or_none(id=_STATE_ID)


# -- retraining ---------------------------------------------------------------------------------


async def load_examples() -> tuple[list[str], list[str | None], list[str | None]]:
    """Texts, sentiments and categories of every labelled example, oldest first."""
    rows = (
        await TrainingExample.filter(_labelled())
        .order_by("id")
        .values_list("text", "sentiment", "category")
    )
    texts = [str(text) for text, _, _ in rows]
    sentiments = [sentiment for _, sentiment, _ in rows]
    categories = [category for _, _, category in rows]
    return texts, sentiments, categories


async def retrain(var_dir: Path, *, now: datetime, holder: str, seed: int = 0) -> RetrainResult:
    """Train, save, record and (if good enough) activate a model; see the module docs.

    ``now`` is when the examples are read: examples labelled later count towards the next
    automatic retraining.
    """
    if not await claim(holder, now):
        state = await retraining_since(now)
        who = f" ({state.claimed_by})" if state and state.claimed_by else ""
        return RetrainResult("busy", f"another retraining is running{who}")
    started = time.perf_counter()
    try:
        result = await _train_and_store(var_dir, now=now, seed=seed)
    except BaseException as exc:
        await _release(holder, now, f"failed: {type(exc).__name__}: {exc}")
        raise
    result.seconds = round(time.perf_counter() - started, 2)
    await _release(holder, now, result.message)
    return result


async def _train_and_store(var_dir: Path, *, now: datetime, seed: int) -> RetrainResult:
    texts, sentiments, categories = await load_examples()
    try:
        model = await asyncio.to_thread(train, texts, sentiments, categories, seed=seed)
    except NotEnoughTrainingData as exc:
        return RetrainResult("not_enough", f"not trained: {exc}", n_examples=len(texts))
    filename = model_store.model_filename(model.version)
    await asyncio.to_thread(model.save, model_store.model_path(var_dir, filename))
    labels = model_store.category_labels(
        [(s or "").strip().lower() or None for s in sentiments],
        [(c or "").strip() or None for c in categories],
    )
    report: dict[str, Any] = {**model.report.to_dict(), "category_labels": list(labels)}
    row = await ScorerModel.create(
        version=model.version,
        path=filename,
        trained_at=now,
        n_examples=len(texts),
        report=report,
        good_enough=model.report.good_enough,
    )
    activated = False
    if model.report.good_enough:
        from feedback.compiled_model import CompiledModel

        scorer = CompiledModel(model, category_labels=labels)
        await activate(row, var_dir, now=now, scorer=scorer)
        activated = True
    elif model_store.load_problem(var_dir) is not None:
        # The active model cannot be loaded and its replacement is not good enough: say so
        # in the database (the rules score), instead of naming a model nobody can use.
        await deactivate_all(var_dir)
    await prune_model_files(var_dir)
    verdict = (
        "in use"
        if activated
        else "not used: not better than the cold-start scorer on the held-back examples"
    )
    return RetrainResult(
        "trained",
        f"trained learned/{model.version} on {len(texts)} examples ({verdict})",
        n_examples=len(texts),
        report=model.report,
        scorer_model=row,
        activated=activated,
    )


async def activate(
    row: ScorerModel, var_dir: Path, *, now: datetime, scorer: Scorer | None = None
) -> None:
    """Make ``row`` the one active model (database, pointer file and this process's cache)."""
    async with in_transaction():
        await ScorerModel.filter(is_active=True).exclude(id=row.id).update(is_active=False)
        await ScorerModel.filter(id=row.id).update(is_active=True, activated_at=now)
    row.is_active, row.activated_at = True, now
    pointer = pointer_for(row)
    await asyncio.to_thread(model_store.write_pointer, var_dir, pointer)
    if scorer is not None:
        model_store.store_for(var_dir).install(scorer, pointer)


async def deactivate_all(var_dir: Path) -> None:
    """No learned model in use: the cold-start scorer scores (database, pointer, cache)."""
    await ScorerModel.filter(is_active=True).update(is_active=False)
    await asyncio.to_thread(model_store.clear_pointer, var_dir)
    model_store.store_for(var_dir).forget()


async def prune_model_files(var_dir: Path, keep: int = KEEP_MODEL_FILES) -> list[str]:
    """Delete the files of older models (never the active one); returns the names deleted.

    Only files the ``scorer_model`` table names are touched; the rows stay, with their reports.
    """
    rows = await ScorerModel.all().order_by("-trained_at", "-id").values_list("path", "is_active")
    kept = {path for path, _ in rows[:keep]} | {path for path, active in rows if active}
    deleted = []
    for path, _ in rows[keep:]:
        if path in kept:
            continue
        file = model_store.model_path(var_dir, path)
        if file.exists():
            await asyncio.to_thread(file.unlink, missing_ok=True)
            deleted.append(path)
    return deleted


def pointer_for(row: ScorerModel) -> model_store.ActivePointer:
    report = row.report if isinstance(row.report, dict) else {}
    return model_store.ActivePointer(
        version=row.version,
        path=row.path,
        category_labels=tuple(report.get("category_labels") or ()),
    )


# -- automatic retraining -----------------------------------------------------------------------


async def new_labels_since_last_attempt() -> int:
    """Examples labelled since the last retraining attempt (or ever, before the first)."""
    state = await RetrainState.get_or_none(id=_STATE_ID)
    latest = await ScorerModel.all().order_by("-trained_at").first()
    moments = [
        moment
        for moment in (state.last_attempt_at if state else None, latest and latest.trained_at)
        if moment is not None
    ]
    query = TrainingExample.filter(_labelled())
    if moments:
        query = query.filter(labelled_at__gt=max(moments))
    return await query.count()


async def retrain_if_due(
    var_dir: Path, *, threshold: int, now: datetime, holder: str
) -> RetrainResult | None:
    """Retrain when at least ``threshold`` examples were labelled since the last attempt,
    or at once when the active model cannot be used (written by an older version of the
    model format or of scikit-learn: after an upgrade the rules would otherwise score until
    enough new labels arrived)."""
    if threshold <= 0:
        return None
    unusable = model_store.load_problem(var_dir) is not None
    if not unusable and await new_labels_since_last_attempt() < threshold:
        return None
    if await retraining_since(now) is not None:
        return None
    return await retrain(var_dir, now=now, holder=holder)


async def sync_pointer(var_dir: Path) -> None:
    """Make the pointer file agree with the database's active model.

    A process on another machine (sharing the database and ``var/models``) or a restored
    database can leave them apart; the app checks this at start and every few minutes.
    """
    active = await ScorerModel.filter(is_active=True).order_by("-activated_at").first()
    pointer = await asyncio.to_thread(model_store.read_pointer, var_dir)
    if active is None:
        if pointer is not None:
            await asyncio.to_thread(model_store.clear_pointer, var_dir)
        return
    wanted = pointer_for(active)
    if pointer == wanted:
        return
    if not model_store.model_path(var_dir, active.path).exists():
        log.warning("the active model's file %s is missing under %s", active.path, var_dir)
        return
    await asyncio.to_thread(model_store.write_pointer, var_dir, wanted)


async def active_scorer(var_dir: Path) -> Scorer:
    """The installation's active model loaded from its file (for the console command).

    Falls back to the cold-start scorer when no model is active; raises ``ValueError`` or
    ``OSError`` when the active model's file cannot be used.
    """
    active = await ScorerModel.filter(is_active=True).order_by("-activated_at").first()
    if active is None:
        return get_scorer(None)
    return await asyncio.to_thread(model_store.load_model, var_dir, pointer_for(active))
