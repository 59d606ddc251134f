"""The app factory: `create_app(settings)` builds one portal instance."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import timedelta
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from tortoise.contrib.starlette import RegisterTortoise

from feedback import model_store
from feedback.attachments import AttachmentStore
from feedback.outbox import MailServer, send_due
from feedback.retraining import holder_name, retrain_if_due, sync_pointer
from feedback.sentiment import current_scorer
from portal.errors import exception_handlers
from portal.i18n import LocaleMiddleware
from portal.routes import UPLOAD_PATHS, routes
from portal.security import BodySizeLimitMiddleware, SecurityHeadersMiddleware, Signer
from portal.settings import Settings, load_settings
from portal.staff_links import staff_mail_for
from portal.templating import build_templates
from triage.defaults import ensure_defaults
from triage.escalation import PURGE_PER_PASS, sweep

log = logging.getLogger("portal.sweeper")
PURGE_EVERY = timedelta(hours=1)
learning_log = logging.getLogger("portal.learning")
mail_log = logging.getLogger("portal.mail")


async def run_sweeper(settings: Settings, state: Any) -> None:
    """Warn and escalate in the background. Every app process runs one; claims keep it safe.

    Each finished pass is stamped on ``state.last_sweep_at`` (``GET /healthz`` reads it).
    """
    from portal.clock import utcnow

    staff_mail = staff_mail_for(settings)
    next_purge_at = utcnow()
    while True:
        await asyncio.sleep(settings.sweep_interval_seconds)
        try:
            # Retention is counted in days: looking once an hour is enough (sooner while a
            # backlog is being worked through).
            purge = settings.retention_days is not None and utcnow() >= next_purge_at
            report = await sweep(
                utcnow(),
                settings.default_timezone,
                staff_mail=staff_mail,
                no_contact_days=settings.at_risk_no_contact_days,
                retention_days=settings.retention_days if purge else None,
                attachment_store=AttachmentStore(settings.attachment_dir),
            )
            if purge and len(report.purged) < PURGE_PER_PASS:
                next_purge_at = utcnow() + PURGE_EVERY
            state.last_sweep_at = utcnow()
            if report.warned or report.escalated:
                log.info("sweep: warned %s, escalated %s", report.warned, report.escalated)
            if report.purged:
                log.info("sweep: erased %d inactive customers (retention)", len(report.purged))
        except Exception:  # keep sweeping: one bad item must not stop escalations
            log.exception("sweep failed")


async def run_retrainer(settings: Settings) -> None:
    """Retrain the learned model in the background once enough new labels have arrived.

    Every app process runs one; the claim on the retrain_state row lets only one train at a
    time. The scikit-learn work runs in a worker thread, so requests are answered meanwhile.
    Each round also makes the pointer file agree with the database's active model.
    """
    from portal.clock import utcnow

    while True:
        await asyncio.sleep(settings.retrain_check_seconds)
        try:
            await sync_pointer(settings.var_dir)
            result = await retrain_if_due(
                settings.var_dir,
                threshold=settings.retrain_after,
                now=utcnow(),
                holder=holder_name(),
            )
            if result is not None:
                learning_log.info("automatic retraining: %s", result.message)
        except Exception:  # keep checking: a failed attempt is recorded and retried later
            learning_log.exception("automatic retraining failed")


async def run_mail_sender(settings: Settings, wakeup: asyncio.Event) -> None:
    """Send the outbox every `mail_send_seconds`, or at once when a handler wakes it.

    Every app process runs one; claims on the outbox rows keep each mail sent once.
    """
    from portal.clock import utcnow

    server = MailServer.from_settings(settings)
    holder = holder_name()
    while True:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(wakeup.wait(), timeout=settings.mail_send_seconds)
        wakeup.clear()
        try:
            report = await send_due(server, now=utcnow(), holder=holder)
            if report.retrying or report.failed:
                mail_log.warning(
                    "mail: sent %s, will retry %s, failed %s (%s)",
                    report.sent,
                    report.retrying,
                    report.failed,
                    report.errors[-1],
                )
            elif report.sent:
                mail_log.info("mail: sent %s", report.sent)
        except Exception:  # keep sending: a database hiccup must not stop customer mail
            mail_log.exception("sending mail failed")


async def _warm_up_scorer(settings: Settings) -> None:
    """Load the active learned model before the first submission needs it."""
    try:
        await sync_pointer(settings.var_dir)
        await asyncio.to_thread(current_scorer, settings.var_dir, wait=True)
    except Exception:  # the cold-start scorer covers it; the retrainer tries again
        learning_log.exception("could not load the learned model at start")


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Starlette:
    """Build the app. Tests pass `manage_database=False` and set up Tortoise themselves."""
    settings = settings or load_settings()
    # Scoring at intake uses this installation's learned model (files under var/models).
    model_store.configure(settings.var_dir, settings.categories)

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        async with RegisterTortoise(app, config=settings.tortoise_config()):
            await ensure_defaults(settings.default_timezone)
            await _warm_up_scorer(settings)
            from portal.clock import utcnow

            app.state.background_since = utcnow()
            background = [
                asyncio.create_task(run_sweeper(settings, app.state)),
                asyncio.create_task(run_retrainer(settings)),
            ]
            if settings.mail_configured:
                background.append(
                    asyncio.create_task(run_mail_sender(settings, app.state.mail_wakeup))
                )
            else:
                mail_log.warning(
                    "mail is not configured (PORTAL_SMTP_HOST is empty): mails to customers "
                    "wait in the outbox until it is"
                )
            try:
                yield
            finally:
                # "Retrain now" tasks too: a cancelled retraining releases its claim.
                background += list(getattr(app.state, "retrain_tasks", ()))
                for task in background:
                    task.cancel()
                for task in background:
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    middleware = [
        Middleware(SecurityHeadersMiddleware),
        Middleware(
            BodySizeLimitMiddleware,
            max_bytes=settings.max_body_bytes,
            upload_max_bytes=settings.upload_max_body_bytes,
            upload_paths=UPLOAD_PATHS,
        ),
        Middleware(
            SessionMiddleware,
            secret_key=str(settings.secret_key),
            session_cookie="portal_session",
            max_age=settings.session_max_age_seconds,
            same_site="lax",
            https_only=settings.secure_cookies,
        ),
        Middleware(LocaleMiddleware),
    ]
    app = Starlette(
        debug=settings.debug,
        routes=routes,
        middleware=middleware,
        exception_handlers=exception_handlers,  # type: ignore[arg-type]
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.signer = Signer(str(settings.secret_key))
    app.state.templates = build_templates()
    app.state.mail_wakeup = asyncio.Event()
    return app
