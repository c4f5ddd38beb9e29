"""the region's unassigned clients by an index of their own, for a manager's search

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07 19:00:00

A manager sees her own clients and her region's unassigned leads (seed 003), ~1,450 of the
large demo base's 100,000; her search now reads them by the indexes that hold them
(``crm_tui.domain.clients.search``) instead of walking everyone's names. Her own are an
index search of ``ix_clients_owner_name``; the leads had none: a base never analysed took
them through the region's index, every client of the region read for its owner and status
(21,575 in Москва: 60-70 ms a keystroke, more than the walk), an analysed one through the
owner index's unassigned clients of every region. On SQLite a partial index holds the
unassigned clients alone (2% of the demo base), so an import of owned clients never writes to
it; on PostgreSQL the index is whole, as the table's definition declares it (a partial one
there would load SQLAlchemy's PostgreSQL dialect in every command on SQLite).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None

INDEX = "ix_clients_free_leads"


def upgrade() -> None:
    unassigned = sa.text("owner_id IS NULL")
    op.create_index(INDEX, "clients", ["region", "status"], sqlite_where=unassigned)
    bind = op.get_bind()
    # A base analysed before (the demo's) keeps its other indexes' statistics: without this
    # one's, SQLite would weigh it blind against them until the next ANALYZE.
    if (
        bind.dialect.name == "sqlite"
        and bind.exec_driver_sql(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'"
        ).first()
    ):
        op.execute(f"ANALYZE {INDEX}")


def downgrade() -> None:
    op.drop_index(INDEX, table_name="clients")
