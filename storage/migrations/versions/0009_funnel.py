"""funnel: stage history, lost reasons, playbooks, stuck limits; handovers; the client portrait
and bank requisites

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-22 15:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import crm_tui.storage.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "field_defs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("choices", sa.JSON(), nullable=False),
        sa.Column("required", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_defs")),
        sa.UniqueConstraint("key", name=op.f("uq_field_defs_key")),
    )
    op.create_table(
        "field_values",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("field_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.JSON(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_field_values_client_id_clients"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["field_id"],
            ["field_defs.id"],
            name=op.f("fk_field_values_field_id_field_defs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_field_values")),
        sa.UniqueConstraint("client_id", "field_id", name=op.f("uq_field_values_client_id")),
    )
    op.create_index("ix_field_values_field", "field_values", ["field_id"])
    op.create_table(
        "installed_base",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("product", sa.String(length=200), nullable=False),
        sa.Column("vendor", sa.String(length=200), nullable=True),
        sa.Column("ours", sa.Boolean(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("acquired_on", sa.Date(), nullable=True),
        sa.Column("note", sa.String(length=1000), nullable=True),
        sa.Column("search_key", sa.String(length=400), nullable=False),
        sa.Column("created_at", crm_tui.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"],
            ["clients.id"],
            name=op.f("fk_installed_base_client_id_clients"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_installed_base_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_installed_base")),
    )
    op.create_index("ix_installed_base_client", "installed_base", ["client_id", "ours"])
    op.create_table(
        "contact_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.String(length=200), nullable=True),
        sa.Column("left_at", crm_tui.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_contact_jobs_client_id_clients")
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name=op.f("fk_contact_jobs_contact_id_contacts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_contact_jobs_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact_jobs")),
    )
    op.create_index("ix_contact_jobs_contact", "contact_jobs", ["contact_id"])
    op.create_index("ix_contact_jobs_client", "contact_jobs", ["client_id"])
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", crm_tui.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("from_user_id", sa.Integer(), nullable=True),
        sa.Column("to_user_id", sa.Integer(), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=True),
        sa.Column("moved", sa.JSON(), nullable=False),
        sa.Column("undone_at", crm_tui.storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["from_user_id"], ["users.id"], name=op.f("fk_handovers_from_user_id_users")),
        sa.ForeignKeyConstraint(["to_user_id"], ["users.id"], name=op.f("fk_handovers_to_user_id_users")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_handovers_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
    )
    op.create_table(
        "lost_reasons",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_lost_reasons")),
        sa.UniqueConstraint("name", name=op.f("uq_lost_reasons_name")),
    )
    op.create_table(
        "playbook_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_working_days", sa.Integer(), nullable=False),
        sa.Column("due_hours", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["stage_id"], ["stages.id"], name=op.f("fk_playbook_steps_stage_id_stages"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_playbook_steps")),
        sa.UniqueConstraint("stage_id", "position", name=op.f("uq_playbook_steps_stage_id")),
    )
    op.create_table(
        "deal_stage_changes",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("at", crm_tui.storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("from_stage_id", sa.Integer(), nullable=True),
        sa.Column("to_stage_id", sa.Integer(), nullable=False),
        sa.Column("stay_tenths", sa.Integer(), nullable=True),
        sa.Column("comment", sa.String(length=2000), nullable=True),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deal_stage_changes_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["from_stage_id"], ["stages.id"], name=op.f("fk_deal_stage_changes_from_stage_id_stages")
        ),
        sa.ForeignKeyConstraint(
            ["to_stage_id"], ["stages.id"], name=op.f("fk_deal_stage_changes_to_stage_id_stages")
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_deal_stage_changes_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_stage_changes")),
    )
    with op.batch_alter_table("deal_stage_changes") as batch_op:
        batch_op.create_index("ix_deal_stage_changes_deal_at", ["deal_id", "at"], unique=False)
        batch_op.create_index(
            "ix_deal_stage_changes_stays", ["from_stage_id", "stay_tenths", "deal_id"], unique=False
        )

    # Plain ALTER TABLE (a batch could rebuild the tables on SQLite and lose what refers to them).
    op.add_column("deals", sa.Column("lost_comment", sa.String(length=2000), nullable=True))
    op.add_column("deals", sa.Column("furthest_position", sa.Integer(), server_default="0", nullable=False))
    op.create_index("ix_deals_stage_entered", "deals", ["stage_id", "stage_entered_at", "id"])
    op.create_index(
        "ix_deals_board", "deals", ["pipeline_id", "status", "stage_id", "closed_at", "owner_id", "amount"]
    )
    op.execute(
        "UPDATE deals SET furthest_position = (SELECT stages.position FROM stages WHERE stages.id = deals.stage_id) "
        "WHERE stage_id IN (SELECT id FROM stages WHERE NOT is_lost)"
    )

    op.add_column("stages", sa.Column("stuck_after_days", sa.Integer(), nullable=True))
    op.add_column("clients", sa.Column("legal_address", sa.String(length=500), nullable=True))
    op.add_column("clients", sa.Column("bik", sa.String(length=9), nullable=True))
    op.add_column("clients", sa.Column("account", sa.String(length=20), nullable=True))


def downgrade() -> None:
    for column in ("account", "bik", "legal_address"):
        op.drop_column("clients", column)  # plain: a batch would rebuild clients without its FTS triggers
    op.drop_index("ix_field_values_field", table_name="field_values")
    op.drop_table("field_values")
    op.drop_table("field_defs")
    op.drop_table("handovers")
    op.drop_index("ix_installed_base_client", table_name="installed_base")
    op.drop_table("installed_base")
    op.drop_index("ix_contact_jobs_client", table_name="contact_jobs")
    op.drop_index("ix_contact_jobs_contact", table_name="contact_jobs")
    op.drop_table("contact_jobs")
    op.drop_index("ix_deals_board", table_name="deals")
    op.drop_index("ix_deals_stage_entered", table_name="deals")
    with op.batch_alter_table("deals") as batch_op:
        batch_op.drop_column("furthest_position")
    with op.batch_alter_table("stages") as batch_op:
        batch_op.drop_column("stuck_after_days")

    with op.batch_alter_table("deals") as batch_op:
        batch_op.drop_column("lost_comment")

    with op.batch_alter_table("deal_stage_changes") as batch_op:
        batch_op.drop_index("ix_deal_stage_changes_stays")
        batch_op.drop_index("ix_deal_stage_changes_deal_at")

    op.drop_table("deal_stage_changes")
    op.drop_table("playbook_steps")
    op.drop_table("lost_reasons")
