"""Teams that items are routed to. Routing rules, calendars and targets build on these."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class Team(Model):
    """A group of reps sharing a queue. One team is the default queue for unmatched items."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=80, unique=True)
    is_default = fields.BooleanField(default=False)
    manager: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.StaffUser", related_name="managed_teams", null=True, on_delete=fields.SET_NULL
    )
    members: fields.ManyToManyRelation[Any] = fields.ManyToManyField(
        "models.StaffUser", related_name="teams", through="team_member"
    )

    class Meta:
        table = "team"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
