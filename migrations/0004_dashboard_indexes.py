from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0003_learning')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='FeedbackItem',
            index=Index(fields=['team_id', 'created_at']),
        ),
        ops.AddIndex(
            model_name='FeedbackItem',
            index=Index(fields=['owner_id', 'created_at']),
        ),
    ]
