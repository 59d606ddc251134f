"""Saved replies (feedback.saved_replies): texts reps insert into a reply."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index


class Migration(migrations.Migration):
    dependencies = [("models", "0008_search_indexes")]

    initial = False

    operations = [
        ops.CreateModel(
            name="SavedReply",
            fields=[
                (
                    "id",
                    fields.IntField(generated=True, primary_key=True, unique=True, db_index=True),
                ),
                ("title", fields.CharField(max_length=80)),
                ("title_key", fields.CharField(max_length=80)),
                ("scope_key", fields.CharField(default="all", max_length=24)),
                ("body", fields.TextField(unique=False)),
                ("language", fields.CharField(default="", max_length=16)),
                (
                    "team",
                    fields.ForeignKeyField(
                        "models.Team",
                        source_field="team_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="saved_replies",
                        on_delete=OnDelete.CASCADE,
                    ),
                ),
                ("is_active", fields.BooleanField(default=True)),
                (
                    "created_by",
                    fields.ForeignKeyField(
                        "models.StaffUser",
                        source_field="created_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="saved_replies_created",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("created_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                (
                    "updated_by",
                    fields.ForeignKeyField(
                        "models.StaffUser",
                        source_field="updated_by_id",
                        null=True,
                        db_constraint=True,
                        to_field="id",
                        related_name="saved_replies_updated",
                        on_delete=OnDelete.SET_NULL,
                    ),
                ),
                ("updated_at", fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ("use_count", fields.IntField(default=0)),
                (
                    "last_used_at",
                    fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
                ),
            ],
            options={
                "table": "saved_reply",
                "app": "models",
                "unique_together": (("scope_key", "title_key"),),
                "indexes": [Index(fields=["is_active", "language"])],
                "pk_attr": "id",
                "table_description": "A text reps insert into a reply and edit before sending (rules: feedback.saved_replies).",
            },
            bases=["Model"],
        ),
    ]
