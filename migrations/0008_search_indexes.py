"""Indexes for staff search (triage/search.py): what customers and staff wrote, and the
item and customer fields, searched as substrings (any language, Chinese included).

SQLite: three FTS5 tables with the trigram tokenizer, kept in step by triggers —
`message_search` (external content: the bodies stay in `message` only), `item_search`
(external content over subject, reference and order number) and `customer_search`
(contentless: name, e-mail, phone, company and the phone's digits alone).

PostgreSQL: pg_trgm GIN indexes for ILIKE on the same texts. CREATE EXTENSION needs a role
allowed to create it; when it is refused the migration still succeeds (search then reads
every row, correct but slow) and logs the statements a database owner can run later.

No model changes: the autodetector does not see these objects.
"""

from __future__ import annotations

import logging
from typing import Any

from tortoise import migrations
from tortoise.migrations import operations as ops

log = logging.getLogger("portal.migrations")

# Separators people type inside phone numbers: the same expression on both engines, so a
# search for "7946 0958" finds "+44 20 7946-0958".
PHONE_DIGITS = (
    "replace(replace(replace(replace(replace(replace(replace("
    "{col}, ' ', ''), '-', ''), '(', ''), ')', ''), '.', ''), '+', ''), '/', '')"
)

SQLITE_FORWARD = [
    # Messages: external content, so the bodies are stored once.
    "CREATE VIRTUAL TABLE message_search USING fts5("
    "body, content='message', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER message_search_ai AFTER INSERT ON message BEGIN "
    "INSERT INTO message_search(rowid, body) VALUES (new.id, new.body); END",
    "CREATE TRIGGER message_search_ad AFTER DELETE ON message BEGIN "
    "INSERT INTO message_search(message_search, rowid, body) "
    "VALUES ('delete', old.id, old.body); END",
    "CREATE TRIGGER message_search_au AFTER UPDATE OF body ON message BEGIN "
    "INSERT INTO message_search(message_search, rowid, body) "
    "VALUES ('delete', old.id, old.body); "
    "INSERT INTO message_search(rowid, body) VALUES (new.id, new.body); END",
    "INSERT INTO message_search(message_search) VALUES ('rebuild')",
    # Items: only these three columns fire the update trigger (status changes do not).
    "CREATE VIRTUAL TABLE item_search USING fts5(subject, reference, order_reference, "
    "content='feedback_item', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER item_search_ai AFTER INSERT ON feedback_item BEGIN "
    "INSERT INTO item_search(rowid, subject, reference, order_reference) "
    "VALUES (new.id, new.subject, new.reference, new.order_reference); END",
    "CREATE TRIGGER item_search_ad AFTER DELETE ON feedback_item BEGIN "
    "INSERT INTO item_search(item_search, rowid, subject, reference, order_reference) "
    "VALUES ('delete', old.id, old.subject, old.reference, old.order_reference); END",
    "CREATE TRIGGER item_search_au AFTER UPDATE OF subject, reference, order_reference "
    "ON feedback_item BEGIN "
    "INSERT INTO item_search(item_search, rowid, subject, reference, order_reference) "
    "VALUES ('delete', old.id, old.subject, old.reference, old.order_reference); "
    "INSERT INTO item_search(rowid, subject, reference, order_reference) "
    "VALUES (new.id, new.subject, new.reference, new.order_reference); END",
    "INSERT INTO item_search(item_search) VALUES ('rebuild')",
    # Customers: contentless, because the phone's digits are not a column of `customer`.
    "CREATE VIRTUAL TABLE customer_search USING fts5("
    "name, email, phone, company, phone_digits, content='', tokenize='trigram')",
    "CREATE TRIGGER customer_search_ai AFTER INSERT ON customer BEGIN "
    "INSERT INTO customer_search(rowid, name, email, phone, company, phone_digits) "
    "VALUES (new.id, new.name, new.email, new.phone, new.company, "
    + PHONE_DIGITS.format(col="new.phone")
    + "); END",
    "CREATE TRIGGER customer_search_ad AFTER DELETE ON customer BEGIN "
    "INSERT INTO customer_search(customer_search, rowid, name, email, phone, company, "
    "phone_digits) VALUES ('delete', old.id, old.name, old.email, old.phone, old.company, "
    + PHONE_DIGITS.format(col="old.phone")
    + "); END",
    "CREATE TRIGGER customer_search_au AFTER UPDATE OF name, email, phone, company "
    "ON customer BEGIN "
    "INSERT INTO customer_search(customer_search, rowid, name, email, phone, company, "
    "phone_digits) VALUES ('delete', old.id, old.name, old.email, old.phone, old.company, "
    + PHONE_DIGITS.format(col="old.phone")
    + "); "
    "INSERT INTO customer_search(rowid, name, email, phone, company, phone_digits) "
    "VALUES (new.id, new.name, new.email, new.phone, new.company, "
    + PHONE_DIGITS.format(col="new.phone")
    + "); END",
    "INSERT INTO customer_search(rowid, name, email, phone, company, phone_digits) "
    "SELECT id, name, email, phone, company, "
    + PHONE_DIGITS.format(col="phone")
    + " FROM customer",
]

SQLITE_BACKWARD = [
    "DROP INDEX IF EXISTS feedback_item_merged_into",
    "DROP TRIGGER IF EXISTS message_search_ai",
    "DROP TRIGGER IF EXISTS message_search_ad",
    "DROP TRIGGER IF EXISTS message_search_au",
    "DROP TABLE IF EXISTS message_search",
    "DROP TRIGGER IF EXISTS item_search_ai",
    "DROP TRIGGER IF EXISTS item_search_ad",
    "DROP TRIGGER IF EXISTS item_search_au",
    "DROP TABLE IF EXISTS item_search",
    "DROP TRIGGER IF EXISTS customer_search_ai",
    "DROP TRIGGER IF EXISTS customer_search_ad",
    "DROP TRIGGER IF EXISTS customer_search_au",
    "DROP TABLE IF EXISTS customer_search",
]

# The expressions must match triage/search.py's PostgreSQL predicates exactly, or the
# planner will not use the indexes.
POSTGRES_INDEXES = [
    "CREATE INDEX IF NOT EXISTS message_body_trgm ON message USING gin (body gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS feedback_item_search_trgm ON feedback_item USING gin "
    "((subject || ' ' || reference || ' ' || order_reference) gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS customer_search_trgm ON customer USING gin "
    "((name || ' ' || email || ' ' || phone || ' ' || company || ' ' || "
    + PHONE_DIGITS.format(col="phone")
    + ") gin_trgm_ops)",
]

POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS feedback_item_merged_into",
    "DROP INDEX IF EXISTS message_body_trgm",
    "DROP INDEX IF EXISTS feedback_item_search_trgm",
    "DROP INDEX IF EXISTS customer_search_trgm",
]


# Both engines: the few merged items, looked up by the item they were merged into (a
# search hit in a merged item shows its target, with the merged item's words as snippet).
MERGED_INDEX = (
    "CREATE INDEX IF NOT EXISTS feedback_item_merged_into ON feedback_item (merged_into_id) "
    "WHERE merged_into_id IS NOT NULL"
)


async def _has_trgm(client: Any) -> bool:
    rows = await client.execute_query_dict(
        "SELECT 1 AS present FROM pg_extension WHERE extname = 'pg_trgm'"
    )
    return bool(rows)


async def forward(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    dialect = client.capabilities.dialect
    if dialect in ("sqlite", "postgres"):
        await client.execute_query(MERGED_INDEX)
    if dialect == "sqlite":
        # One statement at a time: the schema editor's own runner splits on ";", which
        # would cut the trigger bodies apart.
        for statement in SQLITE_FORWARD:
            await client.execute_query(statement)
        return
    if dialect != "postgres":
        log.warning("search: no search indexes for %s, search reads every row", dialect)
        return
    if not await _has_trgm(client):
        # In a savepoint, so a refusal does not abort the migration's transaction.
        await client.execute_script("SAVEPOINT search_trgm")
        try:
            await client.execute_script("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Exception as error:  # noqa: BLE001 - any refusal: carry on without indexes
            await client.execute_script("ROLLBACK TO SAVEPOINT search_trgm")
            log.warning(
                "search: could not create the pg_trgm extension (%s). Search works but "
                "reads every message. A database owner can run: %s",
                error,
                "; ".join(["CREATE EXTENSION pg_trgm", *POSTGRES_INDEXES]),
            )
            return
        await client.execute_script("RELEASE SAVEPOINT search_trgm")
    for statement in POSTGRES_INDEXES:
        await client.execute_script(statement)


async def backward(apps: Any, schema_editor: Any) -> None:
    client = schema_editor.client
    dialect = client.capabilities.dialect
    if dialect not in ("sqlite", "postgres"):
        return
    for statement in SQLITE_BACKWARD if dialect == "sqlite" else POSTGRES_BACKWARD:
        await client.execute_query(statement)


class Migration(migrations.Migration):
    dependencies = [("models", "0007_inbound_mail")]

    initial = False

    operations = [ops.RunPython(forward, backward)]
