from tortoise import fields, migrations
from tortoise.fields.base import OnDelete
from tortoise.indexes import Index
from tortoise.migrations import operations as ops

from feedback.models import AuthorKind, Channel, Kind, Lifecycle, Priority, Status
from portal.models import Role


class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name="StaffUser",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("email", fields.CharField(unique=True, max_length=254)),
                ("name", fields.CharField(max_length=120)),
                (
                    "role",
                    fields.CharEnumField(
                        default=Role.AGENT,
                        description="AGENT: agent\nMANAGER: manager\nADMIN: admin",
                        enum_type=Role,
                        max_length=16,
                    ),
                ),
                ("password_hash", fields.CharField(max_length=255)),
                ("is_active", fields.BooleanField(default=True)),
                ("is_away", fields.BooleanField(default=False)),
                ("timezone", fields.CharField(default="", max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "staff_user",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A member of the service team who signs in to the staff pages.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Customer",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("email", fields.CharField(unique=True, max_length=254)),
                ("name", fields.CharField(max_length=120)),
                ("phone", fields.CharField(default="", max_length=40)),
                ("company", fields.CharField(default="", max_length=120)),
                ("segment", fields.CharField(default="new", max_length=40)),
                (
                    "owner",
                    fields.ForeignKeyField(
                        "models.StaffUser",
                        source_field="owner_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="owned_customers",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "lifecycle",
                    fields.CharEnumField(
                        default=Lifecycle.NEW,
                        description="NEW: new\nACTIVE: active\nAT_RISK: at_risk\nINACTIVE: inactive",
                        enum_type=Lifecycle,
                        max_length=16,
                    ),
                ),
                ("notes", fields.TextField(default="", unique=False)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={
                "table": "customer",
                "app": "models",
                "indexes": [Index(fields=["owner_id", "name"])],
                "pk_attr": "id",
                "table_description": "A person who gives feedback, found by normalised e-mail and owned by one rep.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Team",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("name", fields.CharField(unique=True, max_length=80)),
                ("is_default", fields.BooleanField(default=False)),
                (
                    "manager",
                    fields.ForeignKeyField(
                        "models.StaffUser",
                        source_field="manager_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="managed_teams",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "members",
                    fields.ManyToManyField(
                        "models.StaffUser",
                        unique=True,
                        db_constraint=True,
                        through="team_member",
                        forward_key="staffuser_id",
                        backward_key="team_id",
                        related_name="teams",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
            ],
            options={
                "table": "team",
                "app": "models",
                "pk_attr": "id",
                "table_description": "A group of reps sharing a queue. One team is the default queue for unmatched items.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="FeedbackItem",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("reference", fields.CharField(unique=True, max_length=16)),
                (
                    "customer",
                    fields.ForeignKeyField(
                        "models.Customer",
                        source_field="customer_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="items",
                        on_delete=OnDelete.RESTRICT,
                    ),
                ),
                (
                    "kind",
                    fields.CharEnumField(
                        description="COMPLAINT: complaint\nCOMMENT: comment\nPRAISE: praise\nSUGGESTION: suggestion\nQUESTION: question",
                        enum_type=Kind,
                        max_length=16,
                    ),
                ),
                ("category", fields.CharField(max_length=60)),
                (
                    "channel",
                    fields.CharEnumField(
                        default=Channel.WEB,
                        description="WEB: web\nEMAIL: email\nPHONE: phone\nIN_PERSON: in_person",
                        enum_type=Channel,
                        max_length=16,
                    ),
                ),
                ("touchpoint", fields.CharField(default="", max_length=60)),
                ("order_reference", fields.CharField(default="", max_length=60)),
                ("subject", fields.CharField(max_length=200)),
                (
                    "status",
                    fields.CharEnumField(
                        default=Status.NEW,
                        description="NEW: new\nASSIGNED: assigned\nIN_PROGRESS: in_progress\nWAITING_ON_CUSTOMER: waiting_on_customer\nRESOLVED: resolved\nCLOSED: closed",
                        enum_type=Status,
                        max_length=24,
                    ),
                ),
                (
                    "priority",
                    fields.CharEnumField(
                        default=Priority.NORMAL,
                        description="URGENT: urgent\nHIGH: high\nNORMAL: normal\nLOW: low",
                        enum_type=Priority,
                        max_length=16,
                    ),
                ),
                ("sentiment_score", fields.FloatField(default=0.0)),
                ("sentiment_label", fields.CharField(default="neutral", max_length=16)),
                ("sentiment_confidence", fields.FloatField(default=0.0)),
                ("sentiment_scorer", fields.CharField(default="", max_length=64)),
                (
                    "owner",
                    fields.ForeignKeyField(
                        "models.StaffUser",
                        source_field="owner_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="owned_items",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                (
                    "team",
                    fields.ForeignKeyField(
                        "models.Team",
                        source_field="team_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="items",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("language", fields.CharField(default="en", max_length=16)),
                ("submission_token", fields.CharField(null=True, unique=True, max_length=64)),
                ("version", fields.IntField(default=1)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "first_response_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
                (
                    "resolved_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "feedback_item",
                "app": "models",
                "indexes": [
                    Index(fields=["status", "created_at"]),
                    Index(fields=["customer_id", "created_at"]),
                    Index(fields=["owner_id", "status"]),
                    Index(fields=["team_id", "status"]),
                    Index(fields=["created_at"]),
                ],
                "pk_attr": "id",
                "table_description": "One piece of feedback: a complaint, comment, praise, suggestion or question.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Event",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                (
                    "item",
                    fields.ForeignKeyField(
                        "models.FeedbackItem",
                        source_field="item_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="events",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "actor_kind",
                    fields.CharEnumField(
                        description="CUSTOMER: customer\nSTAFF: staff\nSYSTEM: system",
                        enum_type=AuthorKind,
                        max_length=16,
                    ),
                ),
                (
                    "actor",
                    fields.ForeignKeyField(
                        "models.StaffUser",
                        source_field="actor_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="events",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("action", fields.CharField(max_length=32)),
                ("field", fields.CharField(default="", max_length=32)),
                ("old_value", fields.CharField(default="", max_length=200)),
                ("new_value", fields.CharField(default="", max_length=200)),
                ("detail", fields.CharField(default="", max_length=500)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "event",
                "app": "models",
                "indexes": [
                    Index(fields=["item_id", "created_at"]),
                    Index(fields=["action", "created_at"]),
                ],
                "pk_attr": "id",
                "table_description": "Append-only audit trail: every change to an item, who made it, old -> new, when.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="Message",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                (
                    "item",
                    fields.ForeignKeyField(
                        "models.FeedbackItem",
                        source_field="item_id",
                        db_constraint=True,
                        to_field="id",
                        related_name="messages",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                (
                    "author_kind",
                    fields.CharEnumField(
                        description="CUSTOMER: customer\nSTAFF: staff\nSYSTEM: system",
                        enum_type=AuthorKind,
                        max_length=16,
                    ),
                ),
                (
                    "author_staff",
                    fields.ForeignKeyField(
                        "models.StaffUser",
                        source_field="author_staff_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="messages",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("body", fields.TextField(unique=False)),
                ("is_internal", fields.BooleanField(default=False)),
                ("sentiment_score", fields.FloatField(null=True)),
                ("sentiment_label", fields.CharField(default="", max_length=16)),
                ("sentiment_confidence", fields.FloatField(null=True)),
                ("sentiment_scorer", fields.CharField(default="", max_length=64)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "message",
                "app": "models",
                "indexes": [Index(fields=["item_id", "created_at"])],
                "pk_attr": "id",
                "table_description": "One message in an item conversation. Internal notes are never shown to the customer.",
            },
            bases=["Model"],
        ),
        ops.CreateModel(
            name="ThrottleHit",
            fields=[
                (
                    "id",
                    fields.BigIntField(
                        generated=True, primary_key=True, unique=True, db_index=True
                    ),
                ),
                ("bucket", fields.CharField(max_length=32)),
                ("key", fields.CharField(max_length=255)),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={
                "table": "throttle_hit",
                "app": "models",
                "indexes": [Index(fields=["bucket", "key", "created_at"])],
                "pk_attr": "id",
                "table_description": "One counted event for a rate limit: a failed sign-in or a submission from an address.",
            },
            bases=["Model"],
        ),
    ]
