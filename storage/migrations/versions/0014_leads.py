"""leads: one inbox for every new request (sources, exclusions, routing rules, the lead and
its addresses); an interaction may belong to a lead

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 00:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crm_tui.storage.types import UTCDateTime

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "lead_sources",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("line", sa.String(length=100), nullable=True),
        sa.Column("utm_source", sa.String(length=200), nullable=True),
        sa.Column("response_minutes", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_sources")),
        sa.UniqueConstraint("name", name=op.f("uq_lead_sources_name")),
    )
    op.create_table(
        "lead_exclusions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("note", sa.String(length=500), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_lead_exclusions_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_exclusions")),
        sa.UniqueConstraint("kind", "value", name=op.f("uq_lead_exclusions_kind")),
    )
    op.create_table(
        "lead_routes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=True),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("line", sa.String(length=100), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("pool", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["source_id"], ["lead_sources.id"], name=op.f("fk_lead_routes_source_id_lead_sources")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_lead_routes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_routes")),
    )
    op.create_table(
        "leads",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("repeat", sa.Boolean(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=True),
        sa.Column("line", sa.String(length=100), nullable=True),
        sa.Column("utm_source", sa.String(length=200), nullable=True),
        sa.Column("utm_medium", sa.String(length=200), nullable=True),
        sa.Column("utm_campaign", sa.String(length=200), nullable=True),
        sa.Column("person_name", sa.String(length=200), nullable=True),
        sa.Column("company_name", sa.String(length=300), nullable=True),
        sa.Column("message", sa.String(length=4000), nullable=False),
        sa.Column("product", sa.String(length=300), nullable=True),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("assigned_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("routed_by", sa.String(length=32), nullable=True),
        sa.Column("junk_reason", sa.String(length=32), nullable=True),
        sa.Column("junk_comment", sa.String(length=2000), nullable=True),
        sa.Column("flags", sa.JSON(), nullable=False),
        sa.Column("received_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("answer_due_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_response_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("escalated_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("deal_id", sa.Integer(), nullable=True),
        sa.Column("closed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["client_id"], ["clients.id"], name=op.f("fk_leads_client_id_clients")),
        sa.ForeignKeyConstraint(["contact_id"], ["contacts.id"], name=op.f("fk_leads_contact_id_contacts")),
        sa.ForeignKeyConstraint(["deal_id"], ["deals.id"], name=op.f("fk_leads_deal_id_deals")),
        sa.ForeignKeyConstraint(["owner_id"], ["users.id"], name=op.f("fk_leads_owner_id_users")),
        sa.ForeignKeyConstraint(
            ["source_id"], ["lead_sources.id"], name=op.f("fk_leads_source_id_lead_sources")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_leads")),
    )
    op.create_index("ix_leads_client", "leads", ["client_id"], unique=False)
    op.create_index("ix_leads_owner_assigned", "leads", ["owner_id", "assigned_at"], unique=False)
    op.create_index(
        "ix_leads_owner_status_due", "leads", ["owner_id", "status", "answer_due_at"], unique=False
    )
    op.create_index("ix_leads_received", "leads", ["received_at", "id"], unique=False)
    op.create_index(
        "ix_leads_region_status_due", "leads", ["region", "status", "answer_due_at"], unique=False
    )
    op.create_index("ix_leads_status_due", "leads", ["status", "answer_due_at", "id"], unique=False)
    op.create_index(
        "ix_leads_unanswered", "leads", ["first_response_at", "escalated_at", "answer_due_at"], unique=False
    )
    op.create_table(
        "lead_addresses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.String(length=320), nullable=False),
        sa.Column("raw", sa.String(length=500), nullable=False),
        sa.Column("valid", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["leads.id"], name=op.f("fk_lead_addresses_lead_id_leads"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lead_addresses")),
    )
    op.create_index("ix_lead_addresses_kind_value", "lead_addresses", ["kind", "value"], unique=False)
    op.create_index(op.f("ix_lead_addresses_lead_id"), "lead_addresses", ["lead_id"], unique=False)
    op.add_column("interactions", sa.Column("lead_id", sa.Integer(), nullable=True))
    op.create_index(op.f("ix_interactions_lead_id"), "interactions", ["lead_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_interactions_lead_id"), table_name="interactions")
    op.drop_column("interactions", "lead_id")
    op.drop_index(op.f("ix_lead_addresses_lead_id"), table_name="lead_addresses")
    op.drop_index("ix_lead_addresses_kind_value", table_name="lead_addresses")
    op.drop_table("lead_addresses")
    op.drop_index("ix_leads_unanswered", table_name="leads")
    op.drop_index("ix_leads_status_due", table_name="leads")
    op.drop_index("ix_leads_region_status_due", table_name="leads")
    op.drop_index("ix_leads_received", table_name="leads")
    op.drop_index("ix_leads_owner_status_due", table_name="leads")
    op.drop_index("ix_leads_owner_assigned", table_name="leads")
    op.drop_index("ix_leads_client", table_name="leads")
    op.drop_table("leads")
    op.drop_table("lead_routes")
    op.drop_table("lead_exclusions")
    op.drop_table("lead_sources")
