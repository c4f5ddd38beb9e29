"""import batches: the process that runs a batch, and why a batch failed

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 22:00:00

A batch killed midway (kill -9, a lost SSH session, the OOM killer) stayed "running" for ever,
with counts of 0 although its chunks had created thousands of clients. The batch now names the
process that runs it (pid, host, the process's start time, which tells a reused pid from the
same process), so a "running" batch whose process is gone is shown as interrupted and is
continued when the same file is imported again; ``failure`` is the reason a batch that stopped
on an error gives.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("import_batches") as batch:
        batch.add_column(sa.Column("pid", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("host", sa.String(length=255), nullable=True))
        batch.add_column(sa.Column("process_started", sa.Float(), nullable=True))
        batch.add_column(sa.Column("failure", sa.String(length=2000), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("import_batches") as batch:
        batch.drop_column("failure")
        batch.drop_column("process_started")
        batch.drop_column("host")
        batch.drop_column("pid")
