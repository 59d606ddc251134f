"""Jinja2 set-up and the one helper that decides page vs fragment.

`render(request, page, fragment, context)`: a plain request gets the full page; an htmx
request (HX-Request, not boosted, not a history restore) gets the fragment alone. Every
such response sends `Vary: HX-Request` so caches keep the two apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, NoMatchFound
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
    env.globals["format_day"] = i18n.format_day  # in the request's language, like gettext
    env.globals["url_for"] = url_for  # Jinja2Templates keeps a url_for already set
    env.filters["in_field_order"] = in_field_order
    return Jinja2Templates(env=env, context_processors=[_request_context])


def in_field_order(errors: Mapping[str, Any], fields: Iterable[str]) -> list[tuple[str, Any]]:
    """A form's errors as (field, message) pairs in the order its fields are shown.

    An error summary lists the mistakes top to bottom as the form has them, whatever order
    the validator checked them in. A key not among `fields` (e.g. "form") comes last, in
    its own order.
    """
    position = {name: index for index, name in enumerate(fields)}
    return sorted(errors.items(), key=lambda pair: position.get(pair[0], len(position)))


def _named_routes(request: Request) -> dict[str, list[BaseRoute]]:
    """The app's routes by name, built on first use (the route table does not change)."""
    index = getattr(request.app.state, "routes_by_name", None)
    if index is None:
        index = {}
        for route in request.scope["router"].routes:
            name = getattr(route, "name", None)
            if name:
                index.setdefault(name, []).append(route)
        request.app.state.routes_by_name = index
    return index


@pass_context
def url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> URL:
    """Starlette's `url_for` for templates, the same absolute URL, found without a walk.

    Starlette tries every route in turn for each link, and a board of cards makes a few
    hundred links: that walk was a fifth of the board's time. Routes are looked up by name
    (an index per router); a name the index does not hold (a route inside a mount) falls
    back to Starlette's own lookup.
    """
    request: Request = context["request"]
    for route in _named_routes(request).get(name, ()):
        try:
            url_path = route.url_path_for(name, **path_params)
        except NoMatchFound:
            continue
        if url_path.host or url_path.protocol == "websocket":  # Starlette knows those
            break
        base = request.scope.get("portal.base_url")
        if base is None:
            base = request.scope["portal.base_url"] = str(request.base_url).rstrip("/")
        return URL(base + url_path)
    return request.url_for(name, **path_params)


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
        "money": lambda amount: i18n.format_money(amount, request.app.state.settings.currency),
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


def navigate(request: Request, url: str) -> Response:
    """After a change to the whole page: `HX-Redirect` for htmx, else 303 See Other."""
    vary = {"Vary": "HX-Request"}
    if is_fragment_request(request):
        current = urlsplit(request.headers.get("hx-current-url", ""))
        target = urlsplit(url)
        if (current.path, current.query) == (target.path, target.query):
            # A redirect that differs only by #fragment would just scroll: reload instead.
            return Response(status_code=200, headers={"HX-Refresh": "true", **vary})
        return Response(status_code=200, headers={"HX-Redirect": url, **vary})
    return RedirectResponse(url, status_code=303, headers=vary)
