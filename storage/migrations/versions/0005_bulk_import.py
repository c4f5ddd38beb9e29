"""bulk import: a deferrable search index trigger, and created records logged as id runs

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 11:20:00

The FTS5 insert trigger indexes a client as it is inserted, which makes an import of 100,000
rows spend most of its time in the trigger (about 120 us a row); one ``INSERT INTO
client_search ... SELECT`` over the same rows costs a quarter of that. The trigger now skips
while ``client_search_deferred`` has a row. A loader adds that row inside its write
transaction, indexes its rows itself and deletes the row before committing, so no other
connection ever sees it (SQLite writers are serialised) and a crash rolls it back.
PostgreSQL keeps its trigram index: nothing to defer there.

``import_changes.last_entity_id`` lets one "create" row stand for a run of ids, so that an
import logs a run per table and chunk instead of a row per record it made.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_INDEX_ROW = "INSERT INTO client_search(rowid, search_text) VALUES (new.id, new.search_text)"


def upgrade() -> None:
    with op.batch_alter_table("import_changes") as batch:
        batch.add_column(sa.Column("last_entity_id", sa.Integer(), nullable=True))
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("CREATE TABLE client_search_deferred (flag INTEGER NOT NULL)")
    op.execute("DROP TRIGGER client_search_insert")
    op.execute(
        "CREATE TRIGGER client_search_insert AFTER INSERT ON clients "
        f"WHEN NOT EXISTS (SELECT 1 FROM client_search_deferred) BEGIN {_INDEX_ROW}; END"
    )


def downgrade() -> None:
    with op.batch_alter_table("import_changes") as batch:
        batch.drop_column("last_entity_id")
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP TRIGGER client_search_insert")
    op.execute(f"CREATE TRIGGER client_search_insert AFTER INSERT ON clients BEGIN {_INDEX_ROW}; END")
    op.execute("DROP TABLE client_search_deferred")
