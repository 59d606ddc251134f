"""The app factory: `create_app(settings)` builds one portal instance."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from tortoise.contrib.starlette import RegisterTortoise

from portal.errors import exception_handlers
from portal.i18n import LocaleMiddleware
from portal.routes import routes
from portal.security import BodySizeLimitMiddleware, SecurityHeadersMiddleware, Signer
from portal.settings import Settings, load_settings
from portal.templating import build_templates
from triage.defaults import ensure_defaults
from triage.escalation import sweep

log = logging.getLogger("portal.sweeper")


async def run_sweeper(settings: Settings) -> None:
    """Warn and escalate in the background. Every app process runs one; claims keep it safe."""
    from portal.clock import utcnow

    while True:
        await asyncio.sleep(settings.sweep_interval_seconds)
        try:
            report = await sweep(utcnow(), settings.default_timezone)
            if report.warned or report.escalated:
                log.info("sweep: warned %s, escalated %s", report.warned, report.escalated)
        except Exception:  # keep sweeping: one bad item must not stop escalations
            log.exception("sweep failed")


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Starlette:
    """Build the app. Tests pass `manage_database=False` and set up Tortoise themselves."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        async with RegisterTortoise(app, config=settings.tortoise_config()):
            await ensure_defaults(settings.default_timezone)
            sweeper = asyncio.create_task(run_sweeper(settings))
            try:
                yield
            finally:
                sweeper.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await sweeper

    middleware = [
        Middleware(SecurityHeadersMiddleware),
        Middleware(BodySizeLimitMiddleware, max_bytes=settings.max_body_bytes),
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
    return app
