from tortoise import migrations
from tortoise.migrations import operations as ops
from feedback.models import InboundOutcome
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0006_customer_mail_outbox')]

    initial = False

    operations = [
        ops.CreateModel(
            name='InboundMail',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('message_id', fields.CharField(null=True, unique=True, max_length=255)),
                ('outcome', fields.CharEnumField(description='THREADED: threaded\nNEW: new\nIGNORED: ignored\nREFUSED: refused', enum_type=InboundOutcome, max_length=16)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('from_address', fields.CharField(default='', max_length=254)),
                ('subject', fields.CharField(default='', max_length=200)),
                ('size_bytes', fields.IntField(default=0)),
                ('attachment_count', fields.IntField(default=0)),
                ('attachment_names', fields.CharField(default='', max_length=500)),
                ('item', fields.ForeignKeyField('models.FeedbackItem', source_field='item_id', null=True, db_constraint=True, to_field='id', related_name='inbound_mails', on_delete=OnDelete.SET_NULL)),
                ('added_message', fields.ForeignKeyField('models.Message', source_field='added_message_id', null=True, db_constraint=True, to_field='id', related_name='inbound_mails', on_delete=OnDelete.SET_NULL)),
                ('received_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('received_on', fields.DateField()),
            ],
            options={'table': 'inbound_mail', 'app': 'models', 'indexes': [Index(fields=['received_on', 'outcome']), Index(fields=['received_at'])], 'pk_attr': 'id', 'table_description': 'One e-mail received (feedback.inbound_mail): what became of it, never its files.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='OutboxMail',
            name='message_id',
            field=fields.CharField(null=True, unique=True, max_length=255),
        ),
    ]
