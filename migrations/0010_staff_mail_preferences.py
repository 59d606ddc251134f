from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('models', '0009_saved_replies')]

    initial = False

    operations = [
        ops.AddField(
            model_name='StaffUser',
            name='mail_escalations',
            field=fields.BooleanField(default=True, db_default=True),
        ),
        ops.AddField(
            model_name='StaffUser',
            name='mail_quiet_channels',
            field=fields.BooleanField(default=True, db_default=True),
        ),
        ops.AddField(
            model_name='StaffUser',
            name='mail_warnings',
            field=fields.BooleanField(default=True, db_default=True),
        ),
    ]
