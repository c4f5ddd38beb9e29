"""clients without a region take their owner's region, as a new client now does

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-07 13:10:00

A client typed in by hand (`crm clients add`, the clients screen, a converted request) was
stored without a region while imported ones took their owner's; a regional head sees clients by
region, so their managers' hand-added clients were invisible to them («не найден»). New clients
now take the owner's region (``region_of_new_client``); this puts the ones already stored where
the same rule would have put them. A client whose owner has no region (the admin's) stays as it
is. Not undone on downgrade: the region is a value like any other, and nothing tells the
migrated rows from ones given a region later.

Numbered 0030 after the other helpers' 0028 and 0029: whoever merges re-chains ``down_revision``.
"""

from __future__ import annotations

from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE clients SET region = (SELECT users.region FROM users WHERE users.id = clients.owner_id) "
        "WHERE clients.region IS NULL AND EXISTS "
        "(SELECT 1 FROM users WHERE users.id = clients.owner_id AND users.region IS NOT NULL)"
    )


def downgrade() -> None:
    pass
