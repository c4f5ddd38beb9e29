"""client search index: FTS5 trigram on SQLite, pg_trgm GIN on PostgreSQL

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-22 09:05:00

Substring search over 100,000 clients must answer within a keystroke; a LIKE '%x%' scan does
not. SQLite gets an external-content FTS5 table with the trigram tokenizer, kept in step with
``clients.search_text`` by triggers; PostgreSQL gets a trigram GIN index that its LIKE uses.
"""

from __future__ import annotations

import logging

from alembic import op
from sqlalchemy.exc import DBAPIError

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

log = logging.getLogger(__name__)

SQLITE_UP = [
    "CREATE VIRTUAL TABLE client_search USING fts5("
    "search_text, content='clients', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER client_search_insert AFTER INSERT ON clients BEGIN "
    "INSERT INTO client_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "CREATE TRIGGER client_search_delete AFTER DELETE ON clients BEGIN "
    "INSERT INTO client_search(client_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); END",
    "CREATE TRIGGER client_search_update AFTER UPDATE OF search_text ON clients BEGIN "
    "INSERT INTO client_search(client_search, rowid, search_text) VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO client_search(rowid, search_text) VALUES (new.id, new.search_text); END",
    "INSERT INTO client_search(client_search) VALUES ('rebuild')",
]


def upgrade() -> None:
    bind = op.get_bind()
    # The name index also covers access and filters: the search window and keyset pages of a
    # head of sales (region) or a manager (owner) walk it without reading the table.
    with op.batch_alter_table("clients") as batch:
        batch.drop_index("ix_clients_name_key_id")
        batch.create_index("ix_clients_name_key_id", ["name_key", "id", "owner_id", "region", "status"])
    if bind.dialect.name == "sqlite":
        for statement in SQLITE_UP:
            op.execute(statement)
        return
    try:
        with bind.begin_nested():
            op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DBAPIError as exc:
        log.warning("pg_trgm is not available (%s): client search works without its index, slower", exc)
        return
    schema = bind.exec_driver_sql(
        "SELECT n.nspname FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace "
        "WHERE e.extname = 'pg_trgm'"
    ).scalar_one()
    op.execute(
        f'CREATE INDEX ix_clients_search_trgm ON clients USING gin (search_text "{schema}".gin_trgm_ops)'
    )


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("clients") as batch:
        batch.drop_index("ix_clients_name_key_id")
        batch.create_index("ix_clients_name_key_id", ["name_key", "id"])
    if bind.dialect.name == "sqlite":
        for name in ("client_search_insert", "client_search_delete", "client_search_update"):
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute("DROP TABLE IF EXISTS client_search")
    else:
        op.execute("DROP INDEX IF EXISTS ix_clients_search_trgm")
