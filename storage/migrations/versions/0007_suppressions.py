"""personal data: suppression of erased people

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-22 12:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crm_tui.storage.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "suppressions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("at", crm_tui.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_suppressions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suppressions")),
    )
    with op.batch_alter_table("suppressions") as batch:
        batch.create_index(batch.f("ix_suppressions_digest"), ["digest"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("suppressions") as batch:
        batch.drop_index(batch.f("ix_suppressions_digest"))
    op.drop_table("suppressions")
