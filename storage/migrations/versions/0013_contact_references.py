"""indexes on the columns that point at a contact: deleting contacts no longer scans tables

Removing a contact (an import's undo, a merge) makes the database look for rows that point at
it: the channels it set to NULL, the interactions that must not point at it. Without an index
on those columns each contact cost a scan of every channel and interaction: an undo of a
200,000-row import never finished.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 23:30:00
"""

from __future__ import annotations

from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_contact_channels_contact", "contact_channels", ["contact_id"])
    op.create_index("ix_interactions_contact", "interactions", ["contact_id"])


def downgrade() -> None:
    op.drop_index("ix_interactions_contact", table_name="interactions")
    op.drop_index("ix_contact_channels_contact", table_name="contact_channels")
