"""Staff accounts and the throttle log (sign-in failures, submissions per address)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class Role(StrEnum):
    """Staff roles, lowest to highest: each role can do what the ones below it can."""

    AGENT = "agent"
    MANAGER = "manager"
    ADMIN = "admin"

    @property
    def rank(self) -> int:
        return list(Role).index(self)

    def allows(self, required: Role) -> bool:
        return self.rank >= required.rank


class StaffUser(Model):
    """A member of the service team who signs in to the staff pages."""

    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    name = fields.CharField(max_length=120)
    role = fields.CharEnumField(Role, max_length=16, default=Role.AGENT)
    password_hash = fields.CharField(max_length=255)
    is_active = fields.BooleanField(default=True)
    is_away = fields.BooleanField(default=False)
    timezone = fields.CharField(max_length=64, default="")
    last_assigned_at = fields.DatetimeField(null=True)  # round-robin tie-break in routing
    # Which of the sweeper's notifications also come by e-mail (triage.staff_mail), chosen by
    # each person on their "E-mail me" page. In-app notifications always come.
    mail_warnings = fields.BooleanField(default=True, db_default=True)
    mail_escalations = fields.BooleanField(default=True, db_default=True)
    mail_quiet_channels = fields.BooleanField(default=True, db_default=True)
    mail_weekly_digest = fields.BooleanField(default=True, db_default=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "staff_user"
        ordering = ["name"]

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.strip() else self.name

    def __str__(self) -> str:
        return self.name


class ThrottleHit(Model):
    """One counted event for a rate limit: a failed sign-in or a submission from an address.

    Kept in the database (not in process memory) so limits hold across app processes.
    """

    id = fields.BigIntField(primary_key=True)
    bucket = fields.CharField(max_length=32)
    key = fields.CharField(max_length=255)
    created_at = fields.DatetimeField()

    class Meta:
        table = "throttle_hit"
        indexes = (("bucket", "key", "created_at"),)
