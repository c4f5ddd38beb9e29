"""The covering indexes the reports for a year read (migration 0020, issues 26 and 22)."""

from __future__ import annotations

from sqlalchemy import (
    Index,
)

from crm_tui.storage.tables.activity import interactions
from crm_tui.storage.tables.deals import deal_stage_changes, deals
from crm_tui.storage.tables.leads import leads

# Report indexes (migration 0020): each report for a year reads one of these and never the table.
# The calls report: per kind, in user order, every figure in the index (no sort, no row fetch).
Index(
    "ix_interactions_kind_user_time",
    interactions.c.kind,
    interactions.c.user_id,
    interactions.c.occurred_at,
    interactions.c.direction,
    interactions.c.duration_s,
)
# The same for a few days (the dashboard's fortnight), by time first: a range of the index.
Index(
    "ix_interactions_kind_time_user",
    interactions.c.kind,
    interactions.c.occurred_at,
    interactions.c.user_id,
    interactions.c.direction,
    interactions.c.duration_s,
)
# Time in stage for everyone: the stays per stage in order, a histogram without a sort.
Index(
    "ix_deal_stage_changes_stage_stay_at",
    deal_stage_changes.c.from_stage_id,
    deal_stage_changes.c.stay_tenths,
    deal_stage_changes.c.at,
    deal_stage_changes.c.deal_id,
)
# Time in stage for a head or a manager: their deals' stays, reached from the deals.
Index(
    "ix_deal_stage_changes_deal_stays",
    deal_stage_changes.c.deal_id,
    deal_stage_changes.c.at,
    deal_stage_changes.c.from_stage_id,
    deal_stage_changes.c.stay_tenths,
)
# Time in stage per manager (migration 0025): each owner's stays per stage in order, read
# without the deals and without a sort.
Index(
    "ix_deal_stage_changes_owner_stays",
    deal_stage_changes.c.owner_id,
    deal_stage_changes.c.from_stage_id,
    deal_stage_changes.c.stay_tenths,
    deal_stage_changes.c.at,
)
# Time in stage by day, week or month (migration 0028): a piece of the period is a range.
Index(
    "ix_deal_stage_changes_at_stays",
    deal_stage_changes.c.at,
    deal_stage_changes.c.from_stage_id,
    deal_stage_changes.c.stay_tenths,
    deal_stage_changes.c.owner_id,
)
# Open deals over their stage's limit, with their owner, counted off the index.
Index("ix_deals_stuck", deals.c.status, deals.c.stage_id, deals.c.stage_entered_at, deals.c.owner_id)
# Deals closed in a period (refusals, plan against fact): status, when, whose and how much.
# The id before the amount: new deals in id order, not at random places (migration 0032).
Index(
    "ix_deals_closed_figures", deals.c.status, deals.c.closed_at, deals.c.owner_id, deals.c.id, deals.c.amount
)
# The lead analysis: a period's requests with every column it counts or groups by.
Index(
    "ix_leads_report",
    leads.c.received_at,
    leads.c.status,
    leads.c.repeat,
    leads.c.answer_due_at,
    leads.c.first_response_at,
    leads.c.source_id,
    leads.c.utm_source,
    leads.c.owner_id,
    leads.c.region,
    leads.c.channel,
)
# The inbox's overdue count and the tick's "anything late?": open, unanswered, past the
# deadline, escalated or not, with whose and where.
Index(
    "ix_leads_overdue",
    leads.c.status,
    leads.c.first_response_at,
    leads.c.answer_due_at,
    leads.c.escalated_at,
    leads.c.owner_id,
    leads.c.region,
)
