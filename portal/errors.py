"""Friendly error pages (and JSON for API-style requests): never a stack trace."""

from __future__ import annotations

import logging
from urllib.parse import urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from portal.auth import Forbidden, SignInRequired
from portal.i18n import N_
from portal.security import CSRFError, same_site_path
from portal.templating import is_fragment_request, render

log = logging.getLogger("portal")

TITLES = {
    400: N_("That request could not be read"),
    403: N_("You are not allowed to do that"),
    404: N_("We could not find that page"),
    405: N_("That action is not available here"),
    410: N_("This conversation was erased"),
    413: N_("That was too large"),
    429: N_("Too many requests"),
    500: N_("Something went wrong on our side"),
}


def _wants_json(request: Request) -> bool:
    return "application/json" in request.headers.get("accept", "") and not is_fragment_request(
        request
    )


def error_page(request: Request, status: int, detail: str = "") -> Response:
    if _wants_json(request):
        return JSONResponse({"error": TITLES.get(status, "Error"), "detail": detail}, status)
    return render(
        request,
        "error.html",
        {"status": status, "title": TITLES.get(status, "Error"), "detail": detail},
        status_code=status,
    )


async def http_exception(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_page(request, exc.status_code)


def _return_path(request: Request) -> str:
    """Where to come back to after signing in: the page asked for, with its query string.

    For an htmx request that is the page the browser shows (``HX-Current-URL``), not the
    fragment's own address.
    """
    url = (
        urlsplit(request.headers.get("hx-current-url", ""))
        if is_fragment_request(request)
        else None
    )
    path, query = (
        (url.path, url.query) if url and url.path else (request.url.path, request.url.query)
    )
    return same_site_path(f"{path}?{query}" if query else path, "/staff/board")


async def sign_in_required(request: Request, exc: Exception) -> Response:
    target = request.url_for("sign_in").include_query_params(next=_return_path(request))
    if is_fragment_request(request):
        return Response(status_code=401, headers={"HX-Redirect": str(target)})
    if request.method != "GET":
        return error_page(request, 401 if _wants_json(request) else 403, N_("Sign in first."))
    return RedirectResponse(str(target), status_code=303)


async def forbidden(request: Request, exc: Exception) -> Response:
    return error_page(request, 403, N_("Your role does not give access to this page."))


async def csrf_failed(request: Request, exc: Exception) -> Response:
    return error_page(
        request,
        403,
        N_(
            "This form has expired or did not come from this site. Go back, reload "
            "the page and try again."
        ),
    )


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_page(request, 500)


exception_handlers = {
    HTTPException: http_exception,
    SignInRequired: sign_in_required,
    Forbidden: forbidden,
    CSRFError: csrf_failed,
    Exception: server_error,
}
