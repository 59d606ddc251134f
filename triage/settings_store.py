"""Saving manager settings where exactly one row is the default (teams, calendars)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from tortoise.exceptions import IntegrityError
from tortoise.models import Model
from tortoise.transactions import in_transaction

from portal.models import StaffUser
from triage.models import Team

RowT = TypeVar("RowT", bound=Model)
Errors = dict[str, str]


async def save_with_single_default(
    model: type[RowT],
    row: RowT | None,
    fields: dict[str, Any],
    *,
    want_default: bool,
    noun: str,
    after_save: Callable[[RowT], Awaitable[None]] | None = None,
) -> tuple[RowT | None, Errors]:
    """Create (row None) or update a named row, keeping exactly one default.

    The first row becomes the default; ticking another moves the flag in the same
    transaction. Returns (row, {}) or (None, {"name": message}) when the name is taken.
    """
    name = fields["name"]
    taken = model.filter(name__iexact=name)
    if row is not None:
        taken = taken.exclude(id=row.pk)
    name_taken = {"name": f"There is already a {noun} called “{name}”."}
    if await taken.exists():
        return None, name_taken
    try:
        async with in_transaction():
            other_defaults = model.filter(is_default=True)
            if row is not None:
                other_defaults = other_defaults.exclude(id=row.pk)
            is_default = want_default or not await other_defaults.exists()
            if is_default:
                await other_defaults.update(is_default=False)
            if row is None:
                row = await model.create(is_default=is_default, **fields)
            else:
                # A targeted update: never write back columns others bump (routing_seq).
                await model.filter(id=row.pk).update(is_default=is_default, **fields)
                row = await model.get(id=row.pk)
            if after_save is not None:
                await after_save(row)
    except IntegrityError:
        return None, name_taken
    return row, {}


async def set_team_members(team: Team, wanted: frozenset[int]) -> None:
    """Make the team's members exactly `wanted` (staff ids)."""
    current = set(await team.members.all().values_list("id", flat=True))
    if leaving := current - wanted:
        await team.members.remove(*await StaffUser.filter(id__in=list(leaving)))
    if joining := wanted - current:
        await team.members.add(*await StaffUser.filter(id__in=list(joining)))
