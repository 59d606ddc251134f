"""Files browsers ask for at fixed addresses, sent on to the static folder."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse


async def favicon(request: Request) -> RedirectResponse:
    """`GET /favicon.ico`: browsers (and tools) ask for it whatever the page links to.

    The icon is an SVG in static/; a permanent redirect lets the browser cache the answer
    instead of asking again on every page (a 404 is asked for again).
    """
    return RedirectResponse(
        str(request.url_for("static", path="favicon.svg")),
        status_code=301,
        headers={"Cache-Control": "public, max-age=86400"},
    )
