"""inbound sources: how many requests the receiver refused, and the last refusal (for the admin)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-07 10:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crm_tui.storage.types import UTCDateTime

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_sources") as batch:
        batch.add_column(sa.Column("refused", sa.Integer, nullable=False, server_default="0"))
        batch.add_column(sa.Column("refused_at", UTCDateTime, nullable=True))
        batch.add_column(sa.Column("refused_status", sa.Integer, nullable=True))
        batch.add_column(sa.Column("refused_code", sa.String(32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("inbound_sources") as batch:
        for column in ("refused_code", "refused_status", "refused_at", "refused"):
            batch.drop_column(column)
