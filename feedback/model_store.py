"""Where an installation keeps its learned models, and which scorer is in use right now.

Models live under ``<var_dir>/models`` as versioned files (``sentiment-<version>.joblib``,
written atomically by :meth:`feedback.learning.LearnedModel.save`). The ``scorer_model``
table records every trained model; activating one also writes the small ``ACTIVE`` pointer
file next to them (JSON: version, file, which sentiments get a category suggestion).

The pointer is what scoring at intake looks at, so a submission never costs a database
query: :func:`current_scorer` keeps the active model loaded once per process and checks the
pointer's modification time at most every :data:`CHECK_SECONDS`. When another process
activates a newer model, the next check notices and loads it in a background thread (the old
model, or the cold-start scorer, keeps scoring meanwhile), so no request waits for a load.

:func:`configure` tells the process which installation it serves (the app factory and the
console command call it); without it, scoring uses the cold-start scorer.
"""

from __future__ import annotations

import json
import logging
import os
import re
import tempfile
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from feedback.sentiment import Scorer, get_scorer

log = logging.getLogger("portal.learning")

MODELS_DIR = "models"
POINTER_FILE = "ACTIVE"
#: How often (seconds) a process looks at the pointer file for a newly activated model.
CHECK_SECONDS = 3.0
#: A sentiment label gets category suggestions when at least this share of the training
#: examples with that label had a category (complaint reasons, say, exist only for complaints).
CATEGORY_LABEL_SHARE = 0.2
_VERSION_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


@dataclass(frozen=True)
class ActivePointer:
    """What the ``ACTIVE`` file says: the model in use and how to apply its categories."""

    version: str
    path: str  # file name under var/models
    category_labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Installation:
    """The installation this process serves."""

    var_dir: Path
    categories: tuple[str, ...] = ()


_installation: Installation | None = None


def configure(var_dir: Path, categories: Iterable[str] = ()) -> None:
    """Serve this installation: its model files under ``var_dir`` and its category list."""
    global _installation
    _installation = Installation(Path(var_dir), tuple(categories))


def installation() -> Installation | None:
    """The configured installation (``None`` until :func:`configure` is called)."""
    return _installation


def models_dir(var_dir: Path) -> Path:
    return Path(var_dir) / MODELS_DIR


def model_filename(version: str) -> str:
    """``sentiment-<version>.joblib``; the version must be a plain file-name fragment."""
    if not _VERSION_RE.match(version):
        raise ValueError(f"unsafe model version {version!r}")
    return f"sentiment-{version}.joblib"


def model_path(var_dir: Path, filename: str) -> Path:
    """The file of a stored model (only a bare file name is accepted, never a path)."""
    if Path(filename).name != filename or not filename.endswith(".joblib"):
        raise ValueError(f"not a model file name: {filename!r}")
    return models_dir(var_dir) / filename


def category_labels(
    sentiments: Sequence[str | None], categories: Sequence[str | None]
) -> tuple[str, ...]:
    """The sentiment labels whose examples usually carry a category (see the module docs)."""
    totals: dict[str, int] = {}
    with_category: dict[str, int] = {}
    for sentiment, category in zip(sentiments, categories, strict=True):
        if sentiment is None:
            continue
        totals[sentiment] = totals.get(sentiment, 0) + 1
        if category is not None:
            with_category[sentiment] = with_category.get(sentiment, 0) + 1
    return tuple(
        sorted(
            label
            for label, total in totals.items()
            if with_category.get(label, 0) >= CATEGORY_LABEL_SHARE * total
        )
    )


# -- the pointer file ---------------------------------------------------------------------------


def write_pointer(var_dir: Path, pointer: ActivePointer) -> None:
    """Write ``ACTIVE`` atomically (temporary file + rename), so readers never see half."""
    folder = models_dir(var_dir)
    folder.mkdir(parents=True, exist_ok=True)
    data = asdict(pointer)
    data["category_labels"] = list(pointer.category_labels)
    handle, tmp_name = tempfile.mkstemp(prefix=".ACTIVE.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as tmp_file:
            json.dump(data, tmp_file)
            tmp_file.flush()
            os.fsync(tmp_file.fileno())
        os.replace(tmp_name, folder / POINTER_FILE)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise


def read_pointer(var_dir: Path) -> ActivePointer | None:
    """The active model according to ``ACTIVE``, or ``None`` when there is none."""
    try:
        data = json.loads((models_dir(var_dir) / POINTER_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    return ActivePointer(
        version=str(data["version"]),
        path=str(data["path"]),
        category_labels=tuple(str(label) for label in data.get("category_labels", ())),
    )


def clear_pointer(var_dir: Path) -> None:
    (models_dir(var_dir) / POINTER_FILE).unlink(missing_ok=True)


def load_model(var_dir: Path, pointer: ActivePointer) -> Scorer:
    """Load a stored model, ready to score single messages fast.

    Raises ``ValueError`` (or ``OSError``) when the file is missing or unusable.
    """
    from feedback.compiled_model import CompiledModel
    from feedback.learning import LearnedModel

    model = LearnedModel.load(model_path(var_dir, pointer.path))
    if model.version != pointer.version:
        raise ValueError(f"{pointer.path} holds {model.version}, not {pointer.version}")
    return CompiledModel(model, category_labels=pointer.category_labels)


# -- the scorer in use --------------------------------------------------------------------------


class ModelStore:
    """One installation's scorer in use, cached in this process (see the module docs)."""

    def __init__(self, var_dir: Path) -> None:
        self.var_dir = Path(var_dir)
        self._lock = threading.Lock()
        self._scorer: Scorer | None = None  # the learned model in use, None: cold start
        self._version: str | None = None
        self._pointer_key: tuple[int, int, int] | None = None
        self._checked_at = float("-inf")
        self._loading: threading.Thread | None = None
        # Why the active model could not be loaded (a file from an older model format or
        # scikit-learn version, a missing file); None when it loaded or there is none.
        self.problem: str | None = None

    @property
    def version(self) -> str | None:
        """The version of the learned model in use, or ``None`` (cold start)."""
        return self._version

    def current(self, *, wait: bool = False) -> Scorer:
        """The active learned model, or the cold-start scorer when there is none (yet).

        With ``wait`` a newly activated model is loaded before returning (for the console
        command and the app's start); otherwise it loads in a background thread.
        """
        now = time.monotonic()
        if now - self._checked_at < CHECK_SECONDS and not wait:
            return self._scorer or get_scorer(None)
        self._checked_at = now
        key = self._stat_pointer()
        if key != self._pointer_key:
            if key is None:
                with self._lock:
                    self._scorer, self._version, self._pointer_key = None, None, None
                    self.problem = None
            elif wait:
                self._load(key)
            else:
                self._load_in_background(key)
        if wait and self._loading is not None:
            self._loading.join()
        return self._scorer or get_scorer(None)

    def install(self, scorer: Scorer, pointer: ActivePointer) -> None:
        """Use a model this process has just trained and activated, without reloading it."""
        with self._lock:
            self._scorer, self._version = scorer, pointer.version
            self._pointer_key = self._stat_pointer()
            self._checked_at = time.monotonic()
            self.problem = None

    def forget(self) -> None:
        """Drop the cached model (the next call looks at the pointer again)."""
        with self._lock:
            self._scorer, self._version, self._pointer_key = None, None, None
            self._checked_at = float("-inf")
            self.problem = None

    def _stat_pointer(self) -> tuple[int, int, int] | None:
        try:
            stat = (models_dir(self.var_dir) / POINTER_FILE).stat()
        except FileNotFoundError:
            return None
        return (stat.st_mtime_ns, stat.st_size, stat.st_ino)

    def _load_in_background(self, key: tuple[int, int, int]) -> None:
        with self._lock:
            if self._loading is not None and self._loading.is_alive():
                return
            self._loading = threading.Thread(
                target=self._load, args=(key,), name="model-loader", daemon=True
            )
            self._loading.start()

    def _load(self, key: tuple[int, int, int]) -> None:
        try:
            pointer = read_pointer(self.var_dir)
            if pointer is None:
                scorer, version = None, None
            elif pointer.version == self._version:
                scorer, version = self._scorer, self._version
            else:
                scorer, version = load_model(self.var_dir, pointer), pointer.version
        except (OSError, ValueError, KeyError) as exc:
            # Keep scoring with what we have; try again only when the pointer changes. The
            # retrainer sees the problem and trains a replacement (feedback.retraining).
            log.warning("cannot load the active sentiment model: %s", exc)
            with self._lock:
                self._pointer_key = key
                self.problem = str(exc)
            return
        with self._lock:
            self._scorer, self._version, self._pointer_key = scorer, version, key
            self.problem = None
        if version is not None:
            log.info("sentiment scoring now uses learned/%s", version)


_stores: dict[Path, ModelStore] = {}
_stores_lock = threading.Lock()


def store_for(var_dir: Path) -> ModelStore:
    """The process-wide store of one installation."""
    key = Path(var_dir).resolve()
    with _stores_lock:
        store = _stores.get(key)
        if store is None:
            store = _stores[key] = ModelStore(key)
        return store


def current_scorer(var_dir: Path | None = None, *, wait: bool = False) -> Scorer:
    """The scorer in use for ``var_dir`` (default: the configured installation)."""
    if var_dir is None:
        if _installation is None:
            return get_scorer(None)
        var_dir = _installation.var_dir
    return store_for(var_dir).current(wait=wait)


def load_problem(var_dir: Path) -> str | None:
    """Why this process cannot use the installation's active model, or None."""
    return store_for(var_dir).problem


def describe(scorer: Any) -> str:
    """``name/version`` of a scorer, as stored on items."""
    return f"{scorer.name}/{scorer.version}"
