from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0012_attachments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DigestRun',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('week', fields.DateField(unique=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'digest_run', 'app': 'models', 'pk_attr': 'id', 'table_description': 'One row per week whose digest went out (triage/digest.py): the unique week is the claim'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='StaffUser',
            name='mail_weekly_digest',
            field=fields.BooleanField(default=True, db_default=True),
        ),
    ]
