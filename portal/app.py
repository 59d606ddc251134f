"""The app factory: `create_app(settings)` builds one portal instance."""

from __future__ import annotations

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


def create_app(settings: Settings | None = None, *, manage_database: bool = True) -> Starlette:
    """Build the app. Tests pass `manage_database=False` and set up Tortoise themselves."""
    settings = settings or load_settings()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if not manage_database:
            yield
            return
        async with RegisterTortoise(app, config=settings.tortoise_config()):
            yield

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
