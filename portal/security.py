"""Signing, CSRF tokens, request-size limits and security headers.

One signing helper with a purpose per use: a token signed for one purpose (a tracking
link) is never accepted for another (a CSRF token).
"""

from __future__ import annotations

import hmac
import re
import secrets
from typing import Any
from urllib.parse import urlsplit

from itsdangerous import BadSignature, SignatureExpired, URLSafeSerializer, URLSafeTimedSerializer
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
CSRF_MAX_AGE_SECONDS = 24 * 3600  # a customer may take their time writing a complaint


def same_site_path(target: Any, default: str) -> str:
    """`target` if it is a path on this site, else `default` (no open redirects)."""
    text = str(target or "")
    parts = urlsplit(text)
    if (
        not text.startswith("/")
        or text.startswith("//")
        or "\\" in text
        or parts.scheme
        or parts.netloc
        or any(ord(ch) < 32 for ch in text)
    ):
        return default
    return text


class InvalidToken(Exception):
    """A signed value was tampered with, expired, or signed for another purpose."""


class CSRFError(Exception):
    """A state-changing request without a valid CSRF token."""


class Signer:
    """Signs small values for one installation's secret key."""

    def __init__(self, secret_key: str) -> None:
        self._secret_key = secret_key

    def sign(self, value: Any, purpose: str) -> str:
        return URLSafeSerializer(self._secret_key, salt=purpose).dumps(value)

    def unsign(self, token: str, purpose: str) -> Any:
        try:
            return URLSafeSerializer(self._secret_key, salt=purpose).loads(token)
        except BadSignature as exc:
            raise InvalidToken(purpose) from exc

    def sign_timed(self, value: Any, purpose: str) -> str:
        return URLSafeTimedSerializer(self._secret_key, salt=purpose).dumps(value)

    def unsign_timed(self, token: str, purpose: str, max_age: int) -> Any:
        try:
            return URLSafeTimedSerializer(self._secret_key, salt=purpose).loads(
                token, max_age=max_age
            )
        except (BadSignature, SignatureExpired) as exc:
            raise InvalidToken(purpose) from exc


def csrf_token(request: Request) -> str:
    """The CSRF token for this browser session (a signed, timed copy of a per-session secret)."""
    session = request.session
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(16)
    signer: Signer = request.app.state.signer
    return signer.sign_timed(session["csrf"], purpose="csrf")


def check_csrf(request: Request, form: FormData | None) -> None:
    """Raise CSRFError unless the form field or header carries this session's token."""
    token = request.headers.get(CSRF_HEADER) or (form.get(CSRF_FIELD) if form else None)
    expected = request.session.get("csrf")
    if not token or not expected or not isinstance(token, str):
        raise CSRFError("missing")
    signer: Signer = request.app.state.signer
    try:
        value = signer.unsign_timed(token, purpose="csrf", max_age=CSRF_MAX_AGE_SECONDS)
    except InvalidToken as exc:
        raise CSRFError("invalid") from exc
    if not hmac.compare_digest(str(value), str(expected)):
        raise CSRFError("invalid")


async def read_form(request: Request, *, check: bool = True) -> FormData:
    """Parse a form post (size-limited by the middleware) and check its CSRF token.

    Every state-changing handler reads its input through this function, so CSRF is never
    forgotten; `tests/portal/test_csrf.py` walks the route table to prove it.
    """
    form = await request.form(max_files=0, max_fields=200, max_part_size=64 * 1024)
    if check:
        check_csrf(request, form)
    return form


async def read_upload_form(request: Request, *, max_files: int) -> FormData:
    """Parse a multipart form that may carry files (CSRF checked by the caller, who keeps
    what was typed when the token fails). Files are spooled to disk by the parser; the body
    limit for these routes is `Settings.upload_max_body_bytes`. Up to a few more files than
    allowed are parsed, so "too many" is told next to the field rather than as a 400.
    """
    return await request.form(
        max_files=max_files + 5 if max_files else 0, max_fields=200, max_part_size=64 * 1024
    )


class BodySizeLimitMiddleware:
    """Answer 413 to request bodies over `max_bytes` (declared or streamed).

    Multipart POSTs to a path that fully matches one of `upload_paths` (the forms that take
    files) may have up to `upload_max_bytes` instead; every other request keeps `max_bytes`.
    """

    def __init__(
        self,
        app: ASGIApp,
        max_bytes: int,
        *,
        upload_max_bytes: int = 0,
        upload_paths: tuple[str, ...] = (),
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.upload_max_bytes = max(upload_max_bytes, max_bytes)
        self.upload_paths = tuple(re.compile(pattern) for pattern in upload_paths)

    def limit_for(self, scope: Scope) -> int:
        content_type = dict(scope["headers"]).get(b"content-type", b"")
        if (
            scope.get("method") == "POST"
            and content_type.lower().startswith(b"multipart/form-data")
            and any(pattern.fullmatch(scope.get("path", "")) for pattern in self.upload_paths)
        ):
            return self.upload_max_bytes
        return self.max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        max_bytes = self.limit_for(scope)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > max_bytes:
            await _too_large(send)
            return
        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if not response_started:
                await _too_large(send)


class _BodyTooLarge(Exception):
    pass


async def _too_large(send: Send) -> None:
    body = b"Request too large."
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
]


class SecurityHeadersMiddleware:
    """Add a strict CSP and related headers to every response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
