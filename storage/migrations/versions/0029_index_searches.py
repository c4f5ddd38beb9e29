"""the desk's tiles and the clients search as index searches

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-07 12:40:00

The desk's first read comes from a cold page cache (a new process); its slow tiles read table
rows only to test a column an index could hold: a client's phone or e-mail (the channel's
kind), a contact's position (the portrait tile's EXISTS for every owned client), an open
deal's amount (the stages summary). Each index now holds that column, so the tile is an index
search. On SQLite the clients search walks the clients in name order filtering their search
text (``crm_tui.domain.clients.search``); with the text in the name index the walk reads no
table rows. SQLite only: PostgreSQL searches through its trigram index, and a B-tree entry
there cannot hold a long text.
"""

from __future__ import annotations

from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None

WALK = "ix_clients_search_names"
"""The SQLite name walk's index, beside the search index (``storage.search_index``)."""


def upgrade() -> None:
    with op.batch_alter_table("contact_channels") as batch:
        batch.drop_index("ix_contact_channels_client_id")
        batch.create_index("ix_contact_channels_client_kind", ["client_id", "kind", "id"])
    with op.batch_alter_table("contacts") as batch:
        batch.drop_index("ix_contacts_client_id")
        batch.create_index("ix_contacts_client_position", ["client_id", "position"])
    with op.batch_alter_table("deals") as batch:
        batch.drop_index("ix_deals_owner_status_stage")
        batch.create_index("ix_deals_owner_status_stage", ["owner_id", "status", "stage_id", "amount"])
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"CREATE INDEX {WALK} ON clients (name_key, id, owner_id, region, status, search_text)")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP INDEX IF EXISTS {WALK}")
    with op.batch_alter_table("deals") as batch:
        batch.drop_index("ix_deals_owner_status_stage")
        batch.create_index("ix_deals_owner_status_stage", ["owner_id", "status", "stage_id"])
    with op.batch_alter_table("contacts") as batch:
        batch.drop_index("ix_contacts_client_position")
        batch.create_index("ix_contacts_client_id", ["client_id"])
    with op.batch_alter_table("contact_channels") as batch:
        batch.drop_index("ix_contact_channels_client_kind")
        batch.create_index("ix_contact_channels_client_id", ["client_id"])
