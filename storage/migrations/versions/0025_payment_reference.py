"""payments: the payment order's reference (number, date, amount, payer INN), so the same money
booked from the trade system's export and from the bank statement is counted once

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.add_column(sa.Column("reference", sa.String(64), nullable=True))
        batch.create_index("ix_payments_reference", ["reference"])


def downgrade() -> None:
    with op.batch_alter_table("payments") as batch:
        batch.drop_index("ix_payments_reference")
        batch.drop_column("reference")
