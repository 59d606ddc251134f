"""Languages and time zones for the viewer.

The language comes from `?lang=` (the visible switcher, remembered in a cookie), then that
cookie, then Accept-Language. Translations are Babel catalogues under
`portal/translations/`; the current one lives in a context variable so Jinja's i18n
extension and Python code (`gettext`) both see the request's language.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_currency
from babel.support import NullTranslations, Translations
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
DEFAULT_LANGUAGE = "en"
LANG_COOKIE = "lang"
TZ_COOKIE = "tz"

_current_language: contextvars.ContextVar[str] = contextvars.ContextVar(
    "language", default=DEFAULT_LANGUAGE
)


@cache
def translations_for(language: str) -> NullTranslations:
    if language == DEFAULT_LANGUAGE:
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [language], domain="messages")


def current_language() -> str:
    return _current_language.get()


@contextlib.contextmanager
def use_language(language: str) -> Iterator[str]:
    """Translate in `language` (a shipped one, else the default) inside the block.

    For text made outside a request in the reader's language: e-mail to a customer.
    """
    chosen = normalise_language(language) or DEFAULT_LANGUAGE
    token = _current_language.set(chosen)
    try:
        yield chosen
    finally:
        _current_language.reset(token)


def gettext(message: str) -> str:
    return translations_for(current_language()).ugettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    return translations_for(current_language()).ungettext(singular, plural, n)


def N_(message: str) -> str:  # noqa: N802 - the gettext convention for "mark, translate later"
    """Mark a string for extraction; it is translated where it is shown."""
    return message


def normalise_language(value: str | None) -> str | None:
    """Map `zh-CN`, `zh_cn`, `zh-Hans` … onto a shipped language code, or None."""
    if not value:
        return None
    value = value.strip().replace("-", "_")
    for code in LANGUAGES:
        if value.lower() == code.lower():
            return code
    try:
        locale = Locale.parse(value)
    except (ValueError, TypeError, UnknownLocaleError):
        return None
    if (
        locale.language == "zh"
        and locale.script in (None, "Hans")
        and locale.territory
        in (
            None,
            "CN",
            "SG",
        )
    ):
        return "zh_CN"
    if locale.language == "en":
        return "en"
    return None


def parse_accept_language(header: str) -> list[str]:
    """Accept-Language values, best first (ties keep their order)."""
    choices: list[tuple[float, int, str]] = []
    for position, part in enumerate(header.split(",")):
        pieces = part.strip().split(";")
        tag = pieces[0].strip()
        quality = 1.0
        for param in pieces[1:]:
            name, _, value = param.strip().partition("=")
            if name == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if tag and tag != "*" and quality > 0:
            choices.append((-quality, position, tag))
    return [tag for _, _, tag in sorted(choices)]


def choose_language(query: str | None, cookie: str | None, accept: str) -> str:
    for candidate in (query, cookie, *parse_accept_language(accept)):
        language = normalise_language(candidate)
        if language:
            return language
    return DEFAULT_LANGUAGE


def safe_zone(name: str | None, fallback: str) -> ZoneInfo:
    try:
        return ZoneInfo(name) if name else ZoneInfo(fallback)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo(fallback)


def format_when(moment: datetime | None, zone: ZoneInfo, language: str | None = None) -> str:
    """A date and time in the viewer's zone, with the zone named ("23 Nov 2026, 14:05 CET")."""
    if moment is None:
        return ""
    local = moment.astimezone(zone)
    locale = Locale.parse(language or current_language())
    # The medium date with the short time: minutes are as precise as people read a time.
    pattern = locale.datetime_formats["medium"].format(
        locale.time_formats["short"].pattern, locale.date_formats["medium"].pattern
    )
    text = format_datetime(local, pattern, tzinfo=zone, locale=locale)
    return f"{text} {local.tzname() or zone.key}"


# Babel's "en" writes days the American way ("Nov 9, 2026"): the dashboard has always written
# "9 Nov 2026" (and "9 Nov" on chart axes), so English keeps that pattern; other languages
# get their own order and words from the locale's skeletons ("2026年11月9日").
_DAY_PATTERNS = {"en": ("d MMM y", "d MMM")}


def format_day(day: date, language: str | None = None, *, year: bool = True) -> str:
    """A calendar day in the viewer's language: "9 Nov 2026" / "2026年11月9日" (or, with
    `year=False`, "9 Nov" / "11月9日" for chart axes)."""
    language = language or current_language()
    patterns = _DAY_PATTERNS.get(language)
    if patterns is not None:
        return format_date(day, patterns[0] if year else patterns[1], locale=language)
    return format_skeleton("yMMMd" if year else "MMMd", day, locale=language)


def format_money(amount: Decimal | None, currency: str, language: str | None = None) -> str:
    """An amount in the installation's currency, as the reader writes money ("$12.50")."""
    if amount is None:
        return ""
    return format_currency(amount, currency, locale=language or current_language())


class LocaleMiddleware:
    """Pick the request's language and remember an explicit choice in a cookie."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from starlette.requests import HTTPConnection

        connection = HTTPConnection(scope)
        requested = normalise_language(connection.query_params.get("lang"))
        language = choose_language(
            requested,
            connection.cookies.get(LANG_COOKIE),
            connection.headers.get("accept-language", ""),
        )
        scope.setdefault("state", {})["language"] = language
        token = _current_language.set(language)

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and requested:
                cookie = f"{LANG_COOKIE}={requested}; Path=/; Max-Age=31536000; SameSite=Lax"
                message.setdefault("headers", []).append((b"set-cookie", cookie.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_cookie)
        finally:
            _current_language.reset(token)


# The default configurable lists (settings.py), marked so Babel extracts them. Names an
# installation adds itself are shown as typed when no translation exists.
DEFAULT_LIST_NAMES = [
    N_("Product"),
    N_("Delivery"),
    N_("Billing"),
    N_("Service"),
    N_("Website"),
    N_("Staff"),
    N_("Other"),
    N_("Phone"),
    N_("Store"),
    N_("E-mail"),
    N_("Mobile app"),
]
