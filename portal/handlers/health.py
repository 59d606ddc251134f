"""`GET /healthz`: is this app process able to serve? JSON for uptime monitors."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse

from portal.clock import utcnow
from portal.health import check_health


async def healthz(request: Request) -> JSONResponse:
    """200 with each check's state when the process can serve, else 503 (no customer data)."""
    state = request.app.state
    settings = state.settings
    health = await check_health(
        utcnow(),
        running_since=getattr(state, "background_since", None),
        last_sweep=getattr(state, "last_sweep_at", None),
        interval_seconds=settings.sweep_interval_seconds,
        mail_configured=settings.mail_configured,
    )
    return JSONResponse(
        health.as_json(),
        status_code=200 if health.healthy else 503,
        headers={"Cache-Control": "no-store"},
    )
