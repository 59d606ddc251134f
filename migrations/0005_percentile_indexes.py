from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('models', '0004_dashboard_indexes')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='FeedbackItem',
            index=Index(fields=['first_response_business_seconds', 'created_at', 'merged_into_id']),
        ),
        ops.AddIndex(
            model_name='FeedbackItem',
            index=Index(fields=['resolution_business_seconds', 'created_at', 'merged_into_id']),
        ),
    ]
