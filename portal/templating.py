"""Jinja2 set-up and the one helper that decides page vs fragment.

`render(request, page, fragment, context)`: a plain request gets the full page; an htmx
request (HX-Request, not boosted, not a history restore) gets the fragment alone. Every
such response sends `Vary: HX-Request` so caches keep the two apart.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from portal import i18n
from portal.security import CSRF_FIELD, csrf_token

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"


def build_templates() -> Jinja2Templates:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES_DIR),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        extensions=["jinja2.ext.i18n"],
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.install_gettext_callables(i18n.gettext, i18n.ngettext, newstyle=True)  # type: ignore[attr-defined]
    env.globals["LANGUAGES"] = i18n.LANGUAGES
    env.globals["CSRF_FIELD"] = CSRF_FIELD
    return Jinja2Templates(env=env, context_processors=[_request_context])


def viewer_zone(request: Request) -> Any:
    user = request.scope.get("state", {}).get("staff_user")
    preferred = (user.timezone if user is not None else "") or request.cookies.get(i18n.TZ_COOKIE)
    return i18n.safe_zone(preferred, request.app.state.settings.default_timezone)


def _request_context(request: Request) -> dict[str, Any]:
    zone = viewer_zone(request)

    def when(moment: datetime | None) -> str:
        return i18n.format_when(moment, zone)

    return {
        "csrf_token": lambda: csrf_token(request),
        "language": i18n.current_language(),
        "when": when,
        "zone_name": zone.key,
        "staff_user": request.scope.get("state", {}).get("staff_user"),
        "settings": request.app.state.settings,
    }


def is_fragment_request(request: Request) -> bool:
    headers = request.headers
    return (
        headers.get("hx-request") == "true"
        and headers.get("hx-boosted") != "true"
        and headers.get("hx-history-restore-request") != "true"
    )


def render(
    request: Request,
    page: str,
    context: dict[str, Any] | None = None,
    *,
    fragment: str | None = None,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """Render `page`, or `fragment` alone for an htmx request."""
    templates: Jinja2Templates = request.app.state.templates
    name = fragment if fragment and is_fragment_request(request) else page
    response = templates.TemplateResponse(
        request, name, context or {}, status_code=status_code, headers=headers
    )
    if fragment:
        response.headers["Vary"] = "HX-Request"
    return response
