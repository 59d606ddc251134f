from tortoise import migrations
from tortoise.migrations import operations as ops
from feedback.models import Outcome
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='FollowUp',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('models.FeedbackItem', source_field='item_id', db_constraint=True, to_field='id', related_name='follow_ups', on_delete=OnDelete.CASCADE)),
                ('customer', fields.ForeignKeyField('models.Customer', source_field='customer_id', db_constraint=True, to_field='id', related_name='follow_ups', on_delete=OnDelete.CASCADE)),
                ('owner', fields.ForeignKeyField('models.StaffUser', source_field='owner_id', null=True, db_constraint=True, to_field='id', related_name='follow_ups', on_delete=OnDelete.SET_NULL)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('note', fields.CharField(default='', max_length=500)),
                ('done_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'follow_up', 'app': 'models', 'indexes': [Index(fields=['owner_id', 'done_at', 'due_at'])], 'pk_attr': 'id', 'table_description': 'A task for the owner to get back to a customer after a resolution.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Resolution',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.ForeignKeyField('models.FeedbackItem', source_field='item_id', db_constraint=True, to_field='id', related_name='resolutions', on_delete=OnDelete.CASCADE)),
                ('outcome', fields.CharEnumField(description='RESOLVED: resolved\nPARTLY_RESOLVED: partly_resolved\nNOT_RESOLVED: not_resolved\nNOT_A_PROBLEM: not_a_problem', enum_type=Outcome, max_length=20)),
                ('outcome_detail', fields.TextField(default='', unique=False)),
                ('root_cause', fields.CharField(max_length=60)),
                ('remedy', fields.TextField(default='', unique=False)),
                ('remedy_amount', fields.DecimalField(null=True, max_digits=12, decimal_places=2)),
                ('message_to_customer', fields.TextField(unique=False)),
                ('effort_minutes', fields.IntField(default=0)),
                ('resolved_by', fields.ForeignKeyField('models.StaffUser', source_field='resolved_by_id', null=True, db_constraint=True, to_field='id', related_name='resolutions', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'resolution', 'app': 'models', 'indexes': [Index(fields=['root_cause', 'created_at']), Index(fields=['item_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'How an item was resolved: outcome, root cause, remedy and the message to the customer.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SurveyResponse',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('item', fields.OneToOneField('models.FeedbackItem', source_field='item_id', db_constraint=True, to_field='id', related_name='survey', on_delete=OnDelete.CASCADE)),
                ('satisfaction', fields.SmallIntField()),
                ('recommend', fields.SmallIntField()),
                ('comment', fields.TextField(default='', unique=False)),
                ('owner_id_at_answer', fields.IntField(null=True)),
                ('team_id_at_answer', fields.IntField(null=True)),
                ('category', fields.CharField(default='', max_length=60)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'survey_response', 'app': 'models', 'indexes': [Index(fields=['created_at']), Index(fields=['owner_id_at_answer', 'created_at'])], 'pk_attr': 'id', 'table_description': "The customer's rating of a resolved item: one per item, changeable for a week."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Customer',
            name='last_owner_contact_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Customer',
            name='needs_review',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='Customer',
            name='review_reason',
            field=fields.CharField(default='', db_default='', max_length=200),
        ),
        ops.AddField(
            model_name='FeedbackItem',
            name='created_week',
            field=fields.DateField(null=True),
        ),
        ops.AddField(
            model_name='FeedbackItem',
            name='first_response_business_seconds',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='FeedbackItem',
            name='first_response_met',
            field=fields.BooleanField(null=True),
        ),
        ops.AddField(
            model_name='FeedbackItem',
            name='merged_into',
            field=fields.ForeignKeyField('models.FeedbackItem', source_field='merged_into_id', null=True, db_constraint=True, to_field='id', related_name='merged_items', on_delete=OnDelete.SET_NULL),
        ),
        ops.AddField(
            model_name='FeedbackItem',
            name='reopen_count',
            field=fields.IntField(default=0, db_default=0),
        ),
        ops.AddField(
            model_name='FeedbackItem',
            name='resolution_business_seconds',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='FeedbackItem',
            name='resolution_met',
            field=fields.BooleanField(null=True),
        ),
        ops.AddIndex(
            model_name='FeedbackItem',
            index=Index(fields=['created_week']),
        ),
        ops.AddIndex(
            model_name='FeedbackItem',
            index=Index(fields=['resolved_at']),
        ),
        ops.AddIndex(
            model_name='FeedbackItem',
            index=Index(fields=['category', 'created_at']),
        ),
    ]
