"""Items reopened before 0015 kept the date they were resolved; open items have none now.

`feedback.conversation.change_status` clears `resolved_at` when an item goes back to an open
status; this does the same for the rows reopened earlier, so the CSV export and every page
read them alike. The resolution records stay on the customer's history.
"""

from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

OPEN = ("new", "assigned", "in_progress", "waiting_on_customer")


async def forward(apps: Any, schema_editor: Any) -> None:
    statuses = ", ".join(f"'{status}'" for status in OPEN)
    await schema_editor.client.execute_query(
        f"UPDATE feedback_item SET resolved_at = NULL "  # noqa: S608 - constants only
        f"WHERE resolved_at IS NOT NULL AND status IN ({statuses})"
    )


async def backward(apps: Any, schema_editor: Any) -> None:
    """Nothing to undo: the old dates said nothing true about an open item."""


class Migration(migrations.Migration):
    dependencies = [("models", "0014_customer_erasure")]

    initial = False

    operations = [ops.RunPython(forward, backward)]
