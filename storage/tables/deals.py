"""Pipelines, their stages and playbooks, deals, their lines and stage history."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)

from crm_tui.storage.tables.activity import TaskKind
from crm_tui.storage.tables.base import BigId, metadata
from crm_tui.storage.types import UTCDateTime


class DealStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


pipelines = Table(
    "pipelines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("position", Integer, nullable=False, default=0),
    Column("is_default", Boolean, nullable=False, default=False),
)


# A step of a pipeline. ``code`` names the shipped stages whose meaning rules rely on
# (``awaiting_payment`` feeds a desk KPI, ``proposal`` and ``invoice`` the warm segment).
stages = Table(
    "stages",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("pipeline_id", Integer, ForeignKey("pipelines.id"), nullable=False, index=True),
    Column("name", String(100), nullable=False),
    Column("code", String(32), nullable=True),
    Column("position", Integer, nullable=False),
    Column("probability", Integer, nullable=False, default=0),
    Column("is_won", Boolean, nullable=False, default=False),
    Column("is_lost", Boolean, nullable=False, default=False),
    # A deal longer than this in the stage is stuck: it stands out and its owner is reminded.
    Column("stuck_after_days", Integer, nullable=True),
    UniqueConstraint("pipeline_id", "position"),
)


deals = Table(
    "deals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id"), nullable=False, index=True),
    Column("owner_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("pipeline_id", Integer, ForeignKey("pipelines.id"), nullable=False),
    Column("stage_id", Integer, ForeignKey("stages.id"), nullable=False, index=True),
    Column("title", String(300), nullable=False),
    # The title folded as ``crm_tui.domain.values.folding.fold`` does (any case, ё = е), for the
    # deal search; every writer of deals stores it beside the title.
    Column("title_key", String(300), nullable=False, default="", server_default=""),
    Column("amount", BigInteger, nullable=False, default=0),
    Column("expected_close", Date, nullable=True),
    Column("next_action_at", UTCDateTime, nullable=True),
    Column("status", String(16), nullable=False, default=DealStatus.OPEN),
    Column("lost_reason", String(500), nullable=True),
    Column("lost_comment", String(2000), nullable=True),
    # The position of the furthest open (or won) stage the deal was ever in: how far it got,
    # for the funnel's reach, without reading its whole stage history.
    Column("furthest_position", Integer, nullable=False, default=0, server_default="0"),
    Column("stage_entered_at", UTCDateTime, nullable=False),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    # With the amount: the desk's stages summary and figures read no deal rows. The id before
    # it keeps a new deal at the end of its group, not at a random place (migration 0032).
    Index("ix_deals_owner_status_stage", "owner_id", "status", "stage_id", "id", "amount"),
    Index("ix_deals_status_closed", "status", "closed_at"),
    # A kanban column is a walk along this index (oldest first; the closed, newest first).
    Index("ix_deals_stage_entered", "stage_id", "stage_entered_at", "id"),
    # Covers the kanban's counts and sums per stage (open, or closed lately) for any viewer.
    Index("ix_deals_board", "pipeline_id", "status", "stage_id", "closed_at", "owner_id", "id", "amount"),
)


# What a deal sells: a product or service, how many, at what price, with which VAT rate.
#
# ``price`` is kopecks per unit, ``quantity`` thousandths of a unit (1.5 hours is 1500), so
# ``total`` (kopecks, rounded half up) stays integer arithmetic; a deal with lines has their
# sum as its amount. Invoices and contracts will be filled from these rows.
deal_lines = Table(
    "deal_lines",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("deal_id", Integer, ForeignKey("deals.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("product", String(300), nullable=False),
    Column("quantity_milli", BigInteger, nullable=False),
    Column("unit", String(16), nullable=False),
    Column("price", BigInteger, nullable=False),
    # Percent (0, 10, 20); empty: not subject to VAT.
    Column("vat_rate", Integer, nullable=True),
    Column("total", BigInteger, nullable=False),
    Index("ix_deal_lines_deal", "deal_id", "position"),
)


# Who moved a deal from which stage to which, when, and why; time in stage comes from it.
deal_stage_changes = Table(
    "deal_stage_changes",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("deal_id", Integer, ForeignKey("deals.id", ondelete="CASCADE"), nullable=False),
    Column("at", UTCDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("from_stage_id", Integer, ForeignKey("stages.id"), nullable=True),
    Column("to_stage_id", Integer, ForeignKey("stages.id"), nullable=False),
    # How long the deal had been in ``from_stage_id``, in tenths of a day: time in stage,
    # written once when the stay ends, so the report does not have to pair up history rows.
    Column("stay_tenths", Integer, nullable=True),
    Column("comment", String(2000), nullable=True),
    # The deal's owner now (not at the move): the time-in-stage report per manager groups by it
    # without joining the deals. Kept by the database itself (migration 0025's triggers), so
    # every way a deal changes hands carries its history along; no foreign key, as a copy of
    # ``deals.owner_id`` that follows it rather than a fact of its own.
    Column("owner_id", Integer, nullable=True),
    Index("ix_deal_stage_changes_deal_at", "deal_id", "at"),
    # The funnel report's medians: a histogram of stays per stage, read off this index.
    Index("ix_deal_stage_changes_stays", "from_stage_id", "stay_tenths", "deal_id"),
)


# The reasons a deal may be lost for, as the head of sales wants them counted.
lost_reasons = Table(
    "lost_reasons",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("position", Integer, nullable=False, default=0),
    Column("active", Boolean, nullable=False, default=True),
)


# The next step of a stage's playbook (seed 002: a new task as soon as the previous one is
# done): entering the stage creates the first step's task, completing it the next one's.
playbook_steps = Table(
    "playbook_steps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("stage_id", Integer, ForeignKey("stages.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("title", String(300), nullable=False),
    Column("kind", String(16), nullable=False, default=TaskKind.CALL),
    Column("due_working_days", Integer, nullable=False, default=0),
    Column("due_hours", Integer, nullable=False, default=0),
    UniqueConstraint("stage_id", "position"),
)
