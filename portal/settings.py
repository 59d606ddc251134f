"""One settings object, read once from the environment (and an optional `.env` file).

Every value has a safe default so `make run` works on a fresh clone. Secrets are never
constants in code: when `SECRET_KEY` (or `SECRET_KEY_FILE`) is unset a random key is
generated once and kept in `./var/secret_key`.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from email.utils import parseaddr
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.config import Config
from starlette.datastructures import Secret

if TYPE_CHECKING:
    from feedback.attachments import AttachmentLimits

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _read_secret(config: Config, name: str, var_dir: Path) -> Secret:
    """`NAME`, else the contents of `NAME_FILE`, else a key generated once under var/."""
    value = config(name, default="")
    if value:
        return Secret(value)
    path = config(f"{name}_FILE", default="")
    if path:
        return Secret(Path(path).read_text().strip())
    key_file = var_dir / name.lower()
    if not key_file.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return Secret(key_file.read_text().strip())


def _optional_secret(config: Config, name: str) -> Secret:
    """`NAME`, else the contents of `NAME_FILE`, else empty (for optional credentials)."""
    value = config(name, default="")
    if not value and (path := config(f"{name}_FILE", default="")):
        value = Path(path).read_text().strip()
    return Secret(value)


def _header_value(name: str, value: str) -> str:
    """A value that goes into a mail header: refuse line breaks and other control characters."""
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in value):
        raise ValueError(f"{name} must not contain line breaks or control characters")
    return value.strip()


def _day_map(value: str) -> dict[str, int]:
    """'key:7,regular:0' -> {'key': 7, 'regular': 0}; fails loudly on a bad value."""
    result = {}
    for part in _csv(value):
        name, _, days = part.partition(":")
        if not days.strip().isdigit():
            raise ValueError(f"PORTAL_FOLLOW_UP_DAYS: expected segment:days, got {part!r}")
        result[name.strip()] = int(days)
    return result


def _is_plain_address(value: str) -> bool:
    local, _, domain = value.rpartition("@")
    allowed = set("abcdefghijklmnopqrstuvwxyz0123456789.-_")
    return (
        bool(local)
        and "." in domain
        and set(local) <= allowed
        and set(domain) <= allowed
        and len(local) <= 30  # room for "+<token>" within 64 characters
        and not local.startswith(".")
        and not local.endswith(".")
    )


#: How the outbox sender secures its SMTP connection (PORTAL_SMTP_SECURITY).
SMTP_SECURITY = {
    "starttls": "STARTTLS",  # connect in plain text, then upgrade (usually port 587)
    "tls": "implicit TLS",  # TLS from the first byte (usually port 465, "SMTPS")
    "none": "no encryption",  # a local relay or tests only
}
SMTP_DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 587}


def _smtp_security(config: Config) -> str:
    """PORTAL_SMTP_SECURITY, else the older PORTAL_SMTP_STARTTLS (true: starttls, false: none).

    Both may be set only when they agree; anything else fails loudly.
    """
    security = config("PORTAL_SMTP_SECURITY", default="").strip().lower()
    if security and security not in SMTP_SECURITY:
        raise ValueError(
            f"PORTAL_SMTP_SECURITY must be one of {', '.join(SMTP_SECURITY)}, got {security!r}"
        )
    starttls_text = config("PORTAL_SMTP_STARTTLS", default="").strip()
    if not starttls_text:
        return security or "starttls"
    starttls = config("PORTAL_SMTP_STARTTLS", cast=bool)
    if security and starttls != (security == "starttls"):
        raise ValueError(
            f"PORTAL_SMTP_STARTTLS={starttls_text} contradicts PORTAL_SMTP_SECURITY={security}: "
            "set PORTAL_SMTP_SECURITY alone"
        )
    return security or ("starttls" if starttls else "none")


def _readable_file(name: str, value: str) -> str:
    """A path that must name a readable file (checked at start-up, not at the first mail)."""
    if not value:
        return ""
    path = Path(value).expanduser()
    if not path.is_file():
        raise ValueError(f"{name}: no such file: {value!r}")
    try:
        path.read_bytes()
    except OSError as exc:
        raise ValueError(f"{name}: cannot read {value!r}: {exc.strerror}") from exc
    return str(path)


def _retention_days(value: str) -> int | None:
    """PORTAL_RETENTION_DAYS: empty = keep forever, else whole days (at least 30)."""
    from feedback.privacy import MIN_RETENTION_DAYS

    value = value.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) < MIN_RETENTION_DAYS:
        raise ValueError(
            f"PORTAL_RETENTION_DAYS must be a whole number of days, at least "
            f"{MIN_RETENTION_DAYS}, or empty to keep personal data; got {value!r}"
        )
    return int(value)


def _csv(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


@dataclass(frozen=True)
class Settings:
    """Everything configurable about one installation."""

    database_url: str
    secret_key: Secret
    base_url: str
    var_dir: Path
    debug: bool = False
    default_timezone: str = "UTC"
    default_language: str = "en"
    currency: str = "USD"  # ISO 4217: how remedy amounts (refunds, credits) are written
    max_body_bytes: int = 64 * 1024
    submissions_per_hour: int = 10
    form_min_seconds: int = 3  # feedback.bot_check: faster than this, the form asks again
    sign_in_failures_allowed: int = 5
    sign_in_lockout_minutes: int = 15
    session_max_age_seconds: int = 12 * 3600
    sweep_interval_seconds: int = 30
    categories: tuple[str, ...] = field(default_factory=tuple)
    touchpoints: tuple[str, ...] = field(default_factory=tuple)
    segments: tuple[str, ...] = field(default_factory=tuple)
    root_causes: tuple[str, ...] = field(default_factory=tuple)
    reopen_window_days: int = 14
    survey_change_days: int = 7
    # Days after resolving a complaint to follow up, by segment (0 = no follow-up by default).
    follow_up_days: dict[str, int] = field(default_factory=dict)
    at_risk_no_contact_days: int = 90
    # Retrain the learned model once this many examples were labelled since the last attempt
    # (0 turns automatic retraining off); the app checks every `retrain_check_seconds`.
    retrain_after: int = 50
    retrain_check_seconds: int = 300
    # E-mail to customers (feedback.outbox). No SMTP host: mail is not configured, and mails
    # wait in the outbox until it is.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: Secret = field(default_factory=lambda: Secret(""))
    # "starttls", "tls" (implicit, port 465) or "none" (SMTP_SECURITY).
    smtp_security: str = "starttls"
    # CA certificates (PEM) to trust for the SMTP server besides the system's; "" = system's.
    smtp_ca_file: str = ""
    mail_from: str = ""
    mail_send_seconds: int = 10
    # Mail staff the sweeper's warnings, breaches and quiet-channel alerts through the same
    # outbox (triage.staff_mail); False = in-app notifications only.
    staff_mail: bool = True
    # Mail from customers (feedback.inbound_mail): the support address they write to and that
    # replies go to (as plus-addresses with a signed item token); empty = inbound mail off.
    mail_in_address: str = ""
    mail_in_max_bytes: int = 10 * 1024 * 1024
    # Files on messages (feedback.attachments): per message, bytes per file, sniffed types.
    attachment_max_files: int = 5
    attachment_max_bytes: int = 10_000_000  # "10 MB" as the form shows sizes (decimal)
    attachment_types: tuple[str, ...] = (
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/pdf",
        "text/plain",
    )

    # Erase the personal data of customers inactive for longer than this many days, with no
    # open item (feedback.privacy, run by the sweeper); None = keep forever.
    retention_days: int | None = None

    @property
    def attachment_limits(self) -> AttachmentLimits:
        from feedback.attachments import AttachmentLimits

        return AttachmentLimits(
            self.attachment_max_files, self.attachment_max_bytes, self.attachment_types
        )

    @property
    def attachment_dir(self) -> Path:
        """Where attachments' bytes live (one file per content, named by its sha256)."""
        return self.var_dir / "attachments"

    @property
    def upload_max_body_bytes(self) -> int:
        """The body limit for the few routes that take files: every file at its largest,
        plus the multipart framing and the other fields (PORTAL_MAX_BODY_BYTES elsewhere).
        """
        return self.attachment_max_files * (self.attachment_max_bytes + 1024) + self.max_body_bytes

    @property
    def secure_cookies(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def smtp_starttls(self) -> bool:
        """The older on/off view of `smtp_security` (STARTTLS or not)."""
        return self.smtp_security == "starttls"

    @property
    def smtp_security_label(self) -> str:
        return SMTP_SECURITY[self.smtp_security]

    @property
    def mail_configured(self) -> bool:
        return bool(self.smtp_host)

    @property
    def mail_in_configured(self) -> bool:
        return bool(self.mail_in_address)

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    def tortoise_config(self) -> dict:
        """Tortoise ORM configuration; migrations live in the `migrations` package."""
        return tortoise_config(self.database_url)


MODEL_MODULES = ["portal.models", "feedback.models", "triage.models"]


def tortoise_config(database_url: str) -> dict:
    """The Tortoise config for a database URL (used by the app, the CLI and the tests)."""
    return {
        "connections": {"default": _with_sqlite_busy_timeout(database_url)},
        "apps": {
            "models": {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


#: How long an SQLite connection waits for another process's write to finish before giving up
#: with "database is locked". Several app processes (and `portal sweep`, `portal receive-mail`)
#: share one file; SQLite's default of 5 s ran out on a loaded 2-core machine.
SQLITE_BUSY_TIMEOUT_MS = 15_000


def _with_sqlite_busy_timeout(database_url: str) -> str:
    """The SQLite URL with a busy timeout (Tortoise runs URL parameters as PRAGMAs)."""
    if not database_url.startswith("sqlite://") or "busy_timeout=" in database_url:
        return database_url
    separator = "&" if "?" in database_url else "?"
    return f"{database_url}{separator}busy_timeout={SQLITE_BUSY_TIMEOUT_MS}"


def _check_attachment_limits(settings: Settings) -> None:
    from feedback.attachments import KNOWN_TYPES

    if not 0 <= settings.attachment_max_files <= 20:
        raise ValueError("PORTAL_ATTACHMENT_MAX_FILES must be between 0 (no files) and 20")
    if not 1024 <= settings.attachment_max_bytes <= 100 * 1024 * 1024:
        raise ValueError("PORTAL_ATTACHMENT_MAX_BYTES must be between 1024 and 104857600")
    unknown = set(settings.attachment_types) - set(KNOWN_TYPES)
    if unknown:
        raise ValueError(
            f"PORTAL_ATTACHMENT_TYPES: {', '.join(sorted(unknown))} not allowed; "
            f"choose from {', '.join(KNOWN_TYPES)}"
        )


def load_settings(env_file: str | Path | None = None, **overrides: object) -> Settings:
    """Read settings from the environment; fail loudly on a bad value."""
    env_path = Path(env_file) if env_file else PROJECT_ROOT / ".env"
    config = Config(env_path if env_path.exists() else None)
    var_dir = Path(config("PORTAL_VAR_DIR", default=str(PROJECT_ROOT / "var")))
    database_url = config("DATABASE_URL", default="") or f"sqlite://{var_dir / 'portal.db'}"
    if not database_url.startswith(("sqlite://", "postgres://", "postgresql://", "asyncpg://")):
        raise ValueError(f"DATABASE_URL must be sqlite://… or postgres://…, got {database_url!r}")
    if database_url.startswith("postgresql://"):
        database_url = "postgres://" + database_url.removeprefix("postgresql://")
    smtp_security = _smtp_security(config)
    values: dict[str, object] = {
        "database_url": database_url,
        "secret_key": _read_secret(config, "SECRET_KEY", var_dir),
        "base_url": config("PORTAL_BASE_URL", default="http://127.0.0.1:8000").rstrip("/"),
        "var_dir": var_dir,
        "debug": config("PORTAL_DEBUG", cast=bool, default=False),
        "default_timezone": config("PORTAL_TIMEZONE", default="UTC"),
        "default_language": config("PORTAL_LANGUAGE", default="en"),
        "currency": config("PORTAL_CURRENCY", default="USD").strip().upper(),
        "max_body_bytes": config("PORTAL_MAX_BODY_BYTES", cast=int, default=64 * 1024),
        "submissions_per_hour": config("PORTAL_SUBMISSIONS_PER_HOUR", cast=int, default=10),
        "form_min_seconds": config("PORTAL_FORM_MIN_SECONDS", cast=int, default=3),
        "sign_in_failures_allowed": config("PORTAL_SIGN_IN_FAILURES", cast=int, default=5),
        "sweep_interval_seconds": config("PORTAL_SWEEP_SECONDS", cast=int, default=30),
        "categories": _csv(
            config(
                "PORTAL_CATEGORIES",
                default="Product,Delivery,Billing,Service,Website,Staff,Other",
            )
        ),
        "touchpoints": _csv(
            config("PORTAL_TOUCHPOINTS", default="Website,Phone,Store,E-mail,Mobile app")
        ),
        "segments": _csv(config("PORTAL_SEGMENTS", default="key,regular,new")),
        "root_causes": _csv(
            config(
                "PORTAL_ROOT_CAUSES",
                default="Our own policy or process,Product defect,Delivery,Staff behaviour,"
                "Customer misunderstanding,Other",
            )
        ),
        "reopen_window_days": config("PORTAL_REOPEN_WINDOW_DAYS", cast=int, default=14),
        "follow_up_days": _day_map(
            config("PORTAL_FOLLOW_UP_DAYS", default="key:7,regular:0,new:0")
        ),
        "at_risk_no_contact_days": config("PORTAL_AT_RISK_NO_CONTACT_DAYS", cast=int, default=90),
        "retrain_after": config("PORTAL_RETRAIN_AFTER", cast=int, default=50),
        "retrain_check_seconds": config("PORTAL_RETRAIN_CHECK_SECONDS", cast=int, default=300),
        "smtp_host": _header_value("PORTAL_SMTP_HOST", config("PORTAL_SMTP_HOST", default="")),
        "smtp_port": config(
            "PORTAL_SMTP_PORT", cast=int, default=SMTP_DEFAULT_PORTS[smtp_security]
        ),
        "smtp_username": config("PORTAL_SMTP_USERNAME", default=""),
        "smtp_password": _optional_secret(config, "PORTAL_SMTP_PASSWORD"),
        "smtp_security": smtp_security,
        "smtp_ca_file": _readable_file(
            "PORTAL_SMTP_CA_FILE", config("PORTAL_SMTP_CA_FILE", default="").strip()
        ),
        "mail_from": _header_value("PORTAL_MAIL_FROM", config("PORTAL_MAIL_FROM", default="")),
        "mail_send_seconds": config("PORTAL_MAIL_SEND_SECONDS", cast=int, default=10),
        "staff_mail": config("PORTAL_STAFF_MAIL", cast=bool, default=True),
        "mail_in_address": _header_value(
            "PORTAL_MAIL_IN_ADDRESS", config("PORTAL_MAIL_IN_ADDRESS", default="")
        ).lower(),
        "mail_in_max_bytes": config("PORTAL_MAIL_IN_MAX_BYTES", cast=int, default=10 * 1024 * 1024),
        "attachment_max_files": config("PORTAL_ATTACHMENT_MAX_FILES", cast=int, default=5),
        "attachment_max_bytes": config("PORTAL_ATTACHMENT_MAX_BYTES", cast=int, default=10_000_000),
        "attachment_types": _csv(
            config(
                "PORTAL_ATTACHMENT_TYPES",
                default="image/png,image/jpeg,image/gif,image/webp,application/pdf,text/plain",
            ).lower()
        ),
        "retention_days": _retention_days(config("PORTAL_RETENTION_DAYS", default="")),
    }
    values.update(overrides)
    settings = Settings(**values)  # type: ignore[arg-type]
    from zoneinfo import ZoneInfo

    ZoneInfo(settings.default_timezone)  # raises on an unknown zone
    from babel.numbers import is_currency

    if not is_currency(settings.currency):
        raise ValueError(
            f"PORTAL_CURRENCY must be an ISO 4217 code such as USD, EUR or CNY, "
            f"got {settings.currency!r}"
        )
    if not settings.categories or not settings.segments:
        raise ValueError("PORTAL_CATEGORIES and PORTAL_SEGMENTS need at least one value")
    if not 0 <= settings.form_min_seconds <= 60:
        raise ValueError("PORTAL_FORM_MIN_SECONDS must be between 0 (off) and 60")
    if settings.retrain_after < 0 or settings.retrain_check_seconds < 1:
        raise ValueError("PORTAL_RETRAIN_AFTER must be >= 0, PORTAL_RETRAIN_CHECK_SECONDS >= 1")
    if settings.smtp_host and "@" not in parseaddr(settings.mail_from)[1]:
        raise ValueError(
            "PORTAL_MAIL_FROM must be an address like 'Customer care <care@example.com>' "
            "when PORTAL_SMTP_HOST is set"
        )
    if settings.mail_in_address and not _is_plain_address(settings.mail_in_address):
        raise ValueError(
            "PORTAL_MAIL_IN_ADDRESS must be a plain address like support@example.com "
            "(no name, no +, at most 30 characters before the @: replies go to "
            "support+<token>@example.com)"
        )
    if not 1024 <= settings.mail_in_max_bytes <= 100 * 1024 * 1024:
        raise ValueError("PORTAL_MAIL_IN_MAX_BYTES must be between 1024 and 104857600")
    _check_attachment_limits(settings)
    if settings.smtp_security not in SMTP_SECURITY:
        raise ValueError(f"smtp_security must be one of {', '.join(SMTP_SECURITY)}")
    if settings.smtp_ca_file and settings.smtp_security == "none":
        raise ValueError("PORTAL_SMTP_CA_FILE needs PORTAL_SMTP_SECURITY=starttls or tls")
    if not 0 < settings.smtp_port < 65536 or settings.mail_send_seconds < 1:
        raise ValueError("PORTAL_SMTP_PORT must be 1-65535, PORTAL_MAIL_SEND_SECONDS >= 1")
    return settings
