"""Teams, routing rules, business-hours calendars, response-time targets and notifications."""

from __future__ import annotations

from typing import Any

from tortoise import fields
from tortoise.models import Model


class BusinessHours(Model):
    """A business-hours calendar as managers edit it (see triage.calendar for the rules)."""

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=80, unique=True)
    timezone = fields.CharField(max_length=64, default="UTC")
    spec = fields.CharField(max_length=500, default="mon-fri 09:00-17:00")
    holidays = fields.TextField(default="")
    is_default = fields.BooleanField(default=False)

    class Meta:
        table = "business_hours"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


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
    calendar: fields.ForeignKeyNullableRelation[BusinessHours] = fields.ForeignKeyField(
        "models.BusinessHours", related_name="teams", null=True, on_delete=fields.SET_NULL
    )
    escalate_to: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.StaffUser", related_name="escalations", null=True, on_delete=fields.SET_NULL
    )
    # Bumped inside every routing transaction: the write takes the lock that serialises
    # concurrent routing decisions (a row lock on PostgreSQL, the write lock on SQLite).
    routing_seq = fields.BigIntField(default=0)

    class Meta:
        table = "team"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoutingRule(Model):
    """Manager-configured routing: first active rule (by position) that matches wins.

    Empty match fields match anything; list fields hold comma-separated values.
    """

    id = fields.IntField(primary_key=True)
    position = fields.IntField(default=100)
    name = fields.CharField(max_length=120)
    is_active = fields.BooleanField(default=True)
    categories = fields.CharField(max_length=500, default="")
    kinds = fields.CharField(max_length=200, default="")
    touchpoints = fields.CharField(max_length=500, default="")
    segments = fields.CharField(max_length=200, default="")
    keywords = fields.CharField(max_length=500, default="")
    team: fields.ForeignKeyRelation[Team] = fields.ForeignKeyField(
        "models.Team", related_name="rules", on_delete=fields.CASCADE
    )
    assignee: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.StaffUser", related_name="routing_rules", null=True, on_delete=fields.SET_NULL
    )

    class Meta:
        table = "routing_rule"
        ordering = ["position", "id"]


class TargetSetting(Model):
    """A response-time target: per priority, optionally per customer segment ("" = any)."""

    id = fields.IntField(primary_key=True)
    priority = fields.CharField(max_length=16)
    segment = fields.CharField(max_length=40, default="")
    first_response_minutes = fields.IntField()
    resolution_minutes = fields.IntField()
    warn_at_percent = fields.IntField(default=75)

    class Meta:
        table = "target_setting"
        unique_together = (("priority", "segment"),)
        ordering = ["priority", "segment"]


class Notification(Model):
    """An in-app notification for one staff member (e-mail delivery comes later)."""

    id = fields.BigIntField(primary_key=True)
    recipient: fields.ForeignKeyRelation[Any] = fields.ForeignKeyField(
        "models.StaffUser", related_name="notifications", on_delete=fields.CASCADE
    )
    item: fields.ForeignKeyNullableRelation[Any] = fields.ForeignKeyField(
        "models.FeedbackItem", related_name="notifications", null=True, on_delete=fields.CASCADE
    )
    kind = fields.CharField(max_length=32)
    text = fields.CharField(max_length=500)
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "notification"
        ordering = ["-created_at", "-id"]
        # item_id: erasing the texts about a customer's items (feedback.privacy).
        indexes = (("recipient_id", "read_at", "created_at"), ("item_id",))


class DigestRun(Model):
    """One row per week whose digest went out (triage/digest.py): the unique week is the claim
    that makes several app processes send it once."""

    id = fields.IntField(primary_key=True)
    week = fields.DateField(unique=True)  # the Monday the digest was due, local time
    created_at = fields.DatetimeField()

    class Meta:
        table = "digest_run"
