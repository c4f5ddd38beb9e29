"""outbox files: a letter's attachments that are no deal's document (the weekly digest's workbook)

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-07 13:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "outbox_files",
        sa.Column("id", BigId, nullable=False),
        sa.Column("outbox_id", BigId, nullable=False),
        sa.Column("file_name", sa.String(255), nullable=False),
        sa.Column("content_type", sa.String(100), nullable=False),
        sa.Column("content", sa.LargeBinary, nullable=False),
        sa.ForeignKeyConstraint(
            ["outbox_id"], ["outbox.id"], name="fk_outbox_files_outbox_id_outbox", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_outbox_files"),
    )
    op.create_index("ix_outbox_files_outbox", "outbox_files", ["outbox_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_files_outbox", table_name="outbox_files")
    op.drop_table("outbox_files")
