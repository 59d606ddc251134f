from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from feedback.models import TrainingSource
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0002_resolutions')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RetrainState',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('claimed_by', fields.CharField(default='', max_length=120)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_outcome', fields.CharField(default='', max_length=500)),
            ],
            options={'table': 'retrain_state', 'app': 'models', 'pk_attr': 'id', 'table_description': 'A single row: who is retraining now (a claim that expires) and how the last attempt went.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScorerModel',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.CharField(unique=True, max_length=64)),
                ('path', fields.CharField(max_length=255)),
                ('trained_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('n_examples', fields.IntField()),
                ('report', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('good_enough', fields.BooleanField(default=False)),
                ('is_active', fields.BooleanField(default=False)),
                ('activated_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'scorer_model', 'app': 'models', 'indexes': [Index(fields=['is_active'])], 'pk_attr': 'id', 'table_description': 'A sentiment model trained for this installation: its file, report and whether it is used.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrainingExample',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('text', fields.TextField(unique=False)),
                ('sentiment', fields.CharField(null=True, max_length=16)),
                ('category', fields.CharField(null=True, max_length=100)),
                ('source', fields.CharEnumField(description='IMPORT: import\nSTAFF: staff', enum_type=TrainingSource, max_length=16)),
                ('source_key', fields.CharField(unique=True, max_length=80)),
                ('customer_key', fields.CharField(null=True, max_length=254)),
                ('item', fields.ForeignKeyField('models.FeedbackItem', source_field='item_id', null=True, db_constraint=True, to_field='id', related_name='training_examples', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('labelled_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'training_example', 'app': 'models', 'indexes': [Index(fields=['labelled_at']), Index(fields=['source', 'labelled_at'])], 'pk_attr': 'id', 'table_description': 'A labelled message the installation learns from: imported history or a staff label.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='FeedbackItem',
            name='category_confidence',
            field=fields.FloatField(null=True),
        ),
        ops.AddField(
            model_name='FeedbackItem',
            name='sentiment_confirmed',
            field=fields.BooleanField(default=False, db_default=False),
        ),
        ops.AddField(
            model_name='FeedbackItem',
            name='suggested_category',
            field=fields.CharField(default='', db_default='', max_length=100),
        ),
    ]
