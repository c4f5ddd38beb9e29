"""calls from the telephony: a user's extension, and a touch's identity at its source

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 01:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("users", sa.Column("extension", sa.String(length=16), nullable=True))
    op.create_index("uq_users_extension", "users", ["extension"], unique=True)
    op.add_column("interactions", sa.Column("external_id", sa.String(length=200), nullable=True))
    op.create_index("uq_interactions_external_id", "interactions", ["external_id"], unique=True)


def downgrade() -> None:
    op.drop_index("uq_interactions_external_id", table_name="interactions")
    op.drop_column("interactions", "external_id")
    op.drop_index("uq_users_extension", table_name="users")
    op.drop_column("users", "extension")
