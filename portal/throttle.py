"""Database-backed rate limits, so they hold across app processes."""

from __future__ import annotations

from datetime import datetime

from portal.models import ThrottleHit


async def hit(bucket: str, key: str, now: datetime) -> None:
    await ThrottleHit.create(bucket=bucket, key=key[:255], created_at=now)


async def count(bucket: str, key: str, since: datetime) -> int:
    return await ThrottleHit.filter(bucket=bucket, key=key[:255], created_at__gte=since).count()


async def clear(bucket: str, key: str) -> None:
    await ThrottleHit.filter(bucket=bucket, key=key[:255]).delete()


async def prune(before: datetime) -> int:
    """Forget hits older than any window (run by the sweeper)."""
    return await ThrottleHit.filter(created_at__lt=before).delete()
