"""segments: sales history, segment columns and changes, work rules, settings

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-22 14:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crm_tui.storage.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "segment_rules",
        sa.Column("segment", sa.String(length=16), nullable=False),
        sa.Column("contact_every_days", sa.Integer(), nullable=False),
        sa.Column("task_title", sa.String(length=300), nullable=False),
        sa.Column("max_tasks_per_run", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("segment", name=op.f("pk_segment_rules")),
    )
    op.create_table(
        "segment_recomputes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", crm_tui.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("interval_days", sa.Integer(), nullable=True),
        sa.Column("interval_source", sa.String(length=16), nullable=False),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.Column("moved", sa.Integer(), nullable=False),
        sa.Column("assigned", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_segment_recomputes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment_recomputes")),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.Column("updated_at", crm_tui.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_settings_user_id_users")),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_settings")),
    )
    op.create_table(
        "sales_documents",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("number", sa.String(length=64), nullable=False),
        sa.Column("doc_year", sa.Integer(), nullable=False),
        sa.Column("doc_date", sa.Date(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("client_name", sa.String(length=300), nullable=False),
        sa.Column("inn", sa.String(length=12), nullable=True),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid", sa.Boolean(), nullable=True),
        sa.Column("batch_id", sa.Integer(), nullable=True),
        sa.Column("file", sa.String(length=500), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column("updated_at", crm_tui.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["batch_id"], ["import_batches.id"], name=op.f("fk_sales_documents_batch_id_import_batches")
        ),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_sales_documents_client_id_clients"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sales_documents")),
        sa.UniqueConstraint("kind", "number", "doc_year", name=op.f("uq_sales_documents_kind")),
    )
    with op.batch_alter_table("sales_documents") as batch_op:
        batch_op.create_index(batch_op.f("ix_sales_documents_batch_id"), ["batch_id"], unique=False)
        batch_op.create_index("ix_sales_documents_client_date", ["client_id", "doc_date"], unique=False)
        batch_op.create_index(
            "ix_sales_documents_kind_client",
            ["kind", "client_id", "doc_date", "paid", "amount"],
            unique=False,
        )

    op.create_table(
        "segment_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("recompute_id", sa.Integer(), nullable=True),
        sa.Column("at", crm_tui.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("from_segment", sa.String(length=16), nullable=True),
        sa.Column("to_segment", sa.String(length=16), nullable=True),
        sa.Column("manual", sa.Boolean(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_segment_changes_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["recompute_id"],
            ["segment_recomputes.id"],
            name=op.f("fk_segment_changes_recompute_id_segment_recomputes"),
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_segment_changes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_segment_changes")),
    )
    with op.batch_alter_table("segment_changes") as batch_op:
        batch_op.create_index("ix_segment_changes_client_at", ["client_id", "at"], unique=False)
        batch_op.create_index("ix_segment_changes_recompute", ["recompute_id", "client_id"], unique=False)

    # Plain ALTER TABLE ADD COLUMN, not a batch: a batch may rebuild the table on SQLite,
    # and a rebuilt ``clients`` would lose the search index triggers of migration 0003.
    op.add_column("clients", sa.Column("segment", sa.String(length=16), nullable=True))
    op.add_column(
        "clients", sa.Column("segment_manual", sa.Boolean(), server_default=sa.false(), nullable=False)
    )
    op.add_column("clients", sa.Column("last_purchase_on", sa.Date(), nullable=True))
    op.add_column("clients", sa.Column("sales_total", sa.BigInteger(), server_default="0", nullable=False))
    op.create_index("ix_clients_segment_purchase", "clients", ["segment", "last_purchase_on", "id"])
    op.create_index("ix_clients_segment_total", "clients", ["segment", "sales_total", "id"])
    op.add_column("tasks", sa.Column("origin", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("tasks") as batch_op:
        batch_op.drop_column("origin")

    with op.batch_alter_table("clients") as batch_op:
        batch_op.drop_index("ix_clients_segment_total")
        batch_op.drop_index("ix_clients_segment_purchase")
        batch_op.drop_column("sales_total")
        batch_op.drop_column("last_purchase_on")
        batch_op.drop_column("segment_manual")
        batch_op.drop_column("segment")

    with op.batch_alter_table("segment_changes") as batch_op:
        batch_op.drop_index("ix_segment_changes_recompute")
        batch_op.drop_index("ix_segment_changes_client_at")

    op.drop_table("segment_changes")
    with op.batch_alter_table("sales_documents") as batch_op:
        batch_op.drop_index("ix_sales_documents_kind_client")
        batch_op.drop_index("ix_sales_documents_client_date")
        batch_op.drop_index(batch_op.f("ix_sales_documents_batch_id"))

    op.drop_table("sales_documents")
    op.drop_table("settings")
    op.drop_table("segment_recomputes")
    op.drop_table("segment_rules")
