"""The managers' "Scoring" page: the scorer in use, its report, the examples, "Retrain now".

Retraining takes seconds to minutes, so "Retrain now" starts it as a background task of the
app (the scikit-learn work runs in a worker thread) and answers at once with a 303; the page
shows "retraining…" and refreshes itself until the claim is released.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from tortoise.functions import Count

from feedback import model_store
from feedback.models import ScorerModel, TrainingExample
from feedback.retraining import (
    holder_name,
    last_attempt,
    new_labels_since_last_attempt,
    retrain,
    retraining_since,
)
from feedback.sentiment import DEFAULT_SCORER
from portal.auth import require_role
from portal.clock import utcnow
from portal.models import Role
from portal.security import read_form
from portal.templating import render

log = logging.getLogger("portal.learning")
PAGE = "manager/scoring.html"
STATUS_FRAGMENT = "manager/partials/_scoring_status.html"
NOTICE_KEY = "manage_notice"  # shown by manager/base.html after the redirect
RECENT_MODELS = 10


async def _context() -> dict[str, Any]:
    now = utcnow()
    by_source = {
        row["source"]: row["n"]
        for row in await TrainingExample.all()
        .group_by("source")
        .annotate(n=Count("id"))
        .values("source", "n")
    }
    return {
        "section": "scoring",
        "active": await ScorerModel.filter(is_active=True).order_by("-activated_at").first(),
        "models": await ScorerModel.all().order_by("-trained_at", "-id").limit(RECENT_MODELS),
        "examples": {
            "total": sum(by_source.values()),
            "import": by_source.get("import", 0),
            "staff": by_source.get("staff", 0),
            "with_sentiment": await TrainingExample.filter(sentiment__isnull=False).count(),
            "with_category": await TrainingExample.filter(category__isnull=False).count(),
        },
        "new_labels": await new_labels_since_last_attempt(),
        "running": await retraining_since(now),
        "attempt": await last_attempt(),
        "cold_start": DEFAULT_SCORER,
    }


async def scoring(request: Request) -> Response:
    """The page; for htmx (its own polling while a retraining runs) the status part alone."""
    await require_role(request, Role.MANAGER)
    context = await _context()
    settings = request.app.state.settings
    context["retrain_after"] = settings.retrain_after
    context["load_problem"] = model_store.load_problem(settings.var_dir)
    notice = request.session.pop(NOTICE_KEY, "")
    return render(request, PAGE, {**context, "notice": notice}, fragment=STATUS_FRAGMENT)


async def scoring_retrain(request: Request) -> Response:
    """Start a retraining in the background (unless one is running) and go back to the page."""
    await require_role(request, Role.MANAGER)
    await read_form(request)
    settings = request.app.state.settings
    if await retraining_since(utcnow()) is not None:
        request.session[NOTICE_KEY] = "A retraining is already running."
    else:
        start_retraining(request.app.state, settings.var_dir)
        request.session[NOTICE_KEY] = (
            "Retraining started. This page shows the new model when it is ready."
        )
    return RedirectResponse(request.url_for("manage_scoring"), status_code=303)


def start_retraining(state: Any, var_dir: Any) -> asyncio.Task[Any]:
    """Run :func:`retrain` as a task of the app (kept referenced until it ends)."""
    tasks: set[asyncio.Task[Any]] = getattr(state, "retrain_tasks", None) or set()
    state.retrain_tasks = tasks

    async def run() -> None:
        try:
            result = await retrain(var_dir, now=utcnow(), holder=holder_name())
            log.info("retrain now: %s", result.message)
        except Exception:
            log.exception("retraining failed")

    task = asyncio.create_task(run(), name="retrain-now")
    tasks.add(task)
    task.add_done_callback(tasks.discard)
    return task
