"""deal lines (what a deal sells); a task's note from whoever set it; tasks by their setter

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-06 22:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "deal_lines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=300), nullable=False),
        sa.Column("quantity_milli", sa.BigInteger(), nullable=False),
        sa.Column("unit", sa.String(length=16), nullable=False),
        sa.Column("price", sa.BigInteger(), nullable=False),
        sa.Column("vat_rate", sa.Integer(), nullable=True),
        sa.Column("total", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deal_lines_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_lines")),
    )
    op.create_index("ix_deal_lines_deal", "deal_lines", ["deal_id", "position"])
    with op.batch_alter_table("tasks") as batch_op:
        batch_op.add_column(sa.Column("note", sa.String(length=2000), nullable=True))
    op.create_index("ix_tasks_created_by_status", "tasks", ["created_by_id", "status", "completed_at"])


def downgrade() -> None:
    op.drop_index("ix_tasks_created_by_status", table_name="tasks")
    with op.batch_alter_table("tasks") as batch_op:
        batch_op.drop_column("note")
    op.drop_index("ix_deal_lines_deal", table_name="deal_lines")
    op.drop_table("deal_lines")
