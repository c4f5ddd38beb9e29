"""mailboxes: on or off, and how the last reading went (for the inbound screen)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 06:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crm_tui.storage.types import UTCDateTime

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mailboxes") as batch:
        batch.add_column(sa.Column("enabled", sa.Boolean, nullable=False, server_default=sa.true()))
        batch.add_column(sa.Column("read_at", UTCDateTime, nullable=True))
        batch.add_column(sa.Column("read_count", sa.Integer, nullable=True))
        batch.add_column(sa.Column("read_error", sa.String(500), nullable=True))
        batch.add_column(sa.Column("mails", sa.Integer, nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("mailboxes") as batch:
        for column in ("mails", "read_error", "read_count", "read_at", "enabled"):
            batch.drop_column(column)
