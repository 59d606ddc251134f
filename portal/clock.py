"""The one place the app reads the wall clock, so tests can freeze it (time_machine)."""

from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)
