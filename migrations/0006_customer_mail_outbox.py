from tortoise import migrations
from tortoise.migrations import operations as ops
from feedback.models import MailStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0005_percentile_indexes')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OutboxMail',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=24)),
                ('item', fields.ForeignKeyField('models.FeedbackItem', source_field='item_id', null=True, db_constraint=True, to_field='id', related_name='mails', on_delete=OnDelete.SET_NULL)),
                ('to_address', fields.CharField(max_length=254)),
                ('to_name', fields.CharField(default='', max_length=120)),
                ('subject', fields.CharField(max_length=255)),
                ('body_text', fields.TextField(unique=False)),
                ('body_html', fields.TextField(null=True, unique=False)),
                ('language', fields.CharField(default='en', max_length=16)),
                ('status', fields.CharEnumField(default=MailStatus.PENDING, description='PENDING: pending\nSENT: sent\nFAILED: failed', enum_type=MailStatus, max_length=16)),
                ('attempts', fields.IntField(default=0)),
                ('last_error', fields.CharField(default='', max_length=500)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_attempt_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('claimed_by', fields.CharField(null=True, max_length=80)),
                ('claimed_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_mail', 'app': 'models', 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['status', 'last_attempt_at'])], 'pk_attr': 'id', 'table_description': 'An e-mail to a customer, written with the action that causes it and sent afterwards.'},
            bases=['Model'],
        ),
    ]
