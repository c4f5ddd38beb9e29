"""duplicates: merges that can be undone, pairs marked "not a duplicate"

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-22 12:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crm_tui.storage.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "merges",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("survivor_id", sa.Integer(), nullable=False),
        sa.Column("merged_ids", sa.JSON(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", crm_tui.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("snapshot", sa.JSON(), nullable=False),
        sa.Column("survivor_version", sa.Integer(), nullable=False),
        sa.Column("undone_at", crm_tui.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_merges_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_merges")),
    )
    with op.batch_alter_table("merges") as batch:
        batch.create_index(batch.f("ix_merges_survivor_id"), ["survivor_id"], unique=False)
    op.create_table(
        "not_duplicates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("left_id", sa.Integer(), nullable=False),
        sa.Column("right_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", crm_tui.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_not_duplicates_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_not_duplicates")),
        sa.UniqueConstraint("left_id", "right_id", name=op.f("uq_not_duplicates_left_id")),
    )


def downgrade() -> None:
    op.drop_table("not_duplicates")
    with op.batch_alter_table("merges") as batch:
        batch.drop_index(batch.f("ix_merges_survivor_id"))
    op.drop_table("merges")
