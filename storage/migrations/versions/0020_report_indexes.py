"""covering indexes for the KPI reports, the lead analysis and the inbox's overdue count

Revision ID: 0020
Revises: 0016
Create Date: 2026-12-07 03:40:00
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

INDEXES = [
    ("ix_interactions_kind_user_time", "interactions", ["kind", "user_id", "occurred_at", "direction", "duration_s"]),
    ("ix_interactions_kind_time_user", "interactions", ["kind", "occurred_at", "user_id", "direction", "duration_s"]),
    ("ix_deal_stage_changes_stage_stay_at", "deal_stage_changes", ["from_stage_id", "stay_tenths", "at", "deal_id"]),
    ("ix_deal_stage_changes_deal_stays", "deal_stage_changes", ["deal_id", "at", "from_stage_id", "stay_tenths"]),
    ("ix_deals_stuck", "deals", ["status", "stage_id", "stage_entered_at", "owner_id"]),
    ("ix_deals_closed_figures", "deals", ["status", "closed_at", "owner_id", "amount"]),
    ("ix_leads_report", "leads", ["received_at", "status", "repeat", "answer_due_at", "first_response_at",
                                  "source_id", "utm_source", "owner_id", "region", "channel"]),
    ("ix_leads_overdue", "leads", ["status", "first_response_at", "answer_due_at", "escalated_at", "owner_id",
                                   "region"]),
]  # fmt: skip


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns)


def downgrade() -> None:
    for name, table, _columns in reversed(INDEXES):
        op.drop_index(name, table_name=table)
