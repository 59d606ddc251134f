from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0013_weekly_digest')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Customer',
            name='erased_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Customer',
            name='erased_by',
            field=fields.ForeignKeyField('models.StaffUser', source_field='erased_by_id', null=True, db_constraint=True, to_field='id', related_name='erased_customers', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddIndex(
            model_name='FollowUp',
            index=Index(fields=['customer_id']),
        ),
        ops.AddIndex(
            model_name='InboundMail',
            index=Index(fields=['item_id']),
        ),
        ops.AddIndex(
            model_name='InboundMail',
            index=Index(fields=['from_address']),
        ),
        ops.AddIndex(
            model_name='Notification',
            index=Index(fields=['item_id']),
        ),
        ops.AddIndex(
            model_name='OutboxMail',
            index=Index(fields=['item_id']),
        ),
        ops.AddIndex(
            model_name='OutboxMail',
            index=Index(fields=['to_address']),
        ),
        ops.AddIndex(
            model_name='TrainingExample',
            index=Index(fields=['item_id']),
        ),
        ops.AddIndex(
            model_name='TrainingExample',
            index=Index(fields=['customer_key']),
        ),
    ]
