"""What a fresh installation starts with: a default team queue and an office-hours calendar."""

from __future__ import annotations

from triage.models import BusinessHours, Team
from triage.sla import DEFAULT_CALENDAR_SPEC


async def ensure_defaults(timezone: str) -> None:
    """Create the default calendar and team when there are none (idempotent)."""
    calendar = await BusinessHours.filter(is_default=True).first()
    if calendar is None:
        calendar, _ = await BusinessHours.get_or_create(
            name="Office hours",
            defaults={"timezone": timezone, "spec": DEFAULT_CALENDAR_SPEC, "is_default": True},
        )
    if not await Team.filter(is_default=True).exists():
        team, _ = await Team.get_or_create(name="Customer care", defaults={"is_default": True})
        if not team.is_default:
            team.is_default = True
            await team.save(update_fields=["is_default"])
