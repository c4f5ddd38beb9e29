"""Leads (issue 22): one inbox for every new request."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import JSON, Boolean, Column, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from crm_tui.storage.tables.base import metadata
from crm_tui.storage.types import UTCDateTime


class LeadStatus(StrEnum):
    NEW = "new"
    IN_WORK = "in_work"
    CONVERTED = "converted"
    JUNK = "junk"


class LeadChannel(StrEnum):
    CALL = "call"
    EMAIL = "email"
    WEB_FORM = "web_form"
    MESSENGER = "messenger"
    WALK_IN = "walk_in"
    MANUAL = "manual"
    IMPORT = "import"


# An advertising source the admin keeps: the phone line or form requests come through, the
# ``utm_source`` that names it, and how soon its requests must be answered.
lead_sources = Table(
    "lead_sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("line", String(100), nullable=True),
    Column("utm_source", String(200), nullable=True),
    # Working minutes to the first answer; empty: the team's default (15).
    Column("response_minutes", Integer, nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
)


# An inbound request (seed 004): who asked what, through which channel and source, whose it
# is, and the clock of its first answer (``answer_due_at``, in working minutes).
leads = Table(
    "leads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("status", String(16), nullable=False, default=LeadStatus.NEW),
    # A request from a client the base knows: on the client's timeline, counted as repeat.
    Column("repeat", Boolean, nullable=False, default=False),
    Column("channel", String(16), nullable=False),
    Column("source_id", Integer, ForeignKey("lead_sources.id"), nullable=True),
    Column("line", String(100), nullable=True),
    Column("utm_source", String(200), nullable=True),
    Column("utm_medium", String(200), nullable=True),
    Column("utm_campaign", String(200), nullable=True),
    Column("person_name", String(200), nullable=True),
    Column("company_name", String(300), nullable=True),
    Column("message", String(4000), nullable=False, default=""),
    Column("product", String(300), nullable=True),
    Column("region", String(100), nullable=True),
    Column("owner_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("assigned_at", UTCDateTime, nullable=True),
    # How the owner was found: ``client`` (matched), ``rule:<id>``, ``head``, ``take``, ``assign``.
    Column("routed_by", String(32), nullable=True),
    Column("junk_reason", String(32), nullable=True),
    Column("junk_comment", String(2000), nullable=True),
    # What is odd about it: ``phone_unreadable``, ``email_unreadable``, ``excluded``.
    Column("flags", JSON, nullable=False),
    Column("received_at", UTCDateTime, nullable=False),
    Column("answer_due_at", UTCDateTime, nullable=True),
    Column("first_response_at", UTCDateTime, nullable=True),
    Column("escalated_at", UTCDateTime, nullable=True),
    Column("client_id", Integer, ForeignKey("clients.id"), nullable=True),
    Column("contact_id", Integer, ForeignKey("contacts.id"), nullable=True),
    Column("deal_id", Integer, ForeignKey("deals.id"), nullable=True),
    Column("closed_at", UTCDateTime, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    # The inbox: open requests, oldest deadline first, for everyone / one owner / a region.
    Index("ix_leads_status_due", "status", "answer_due_at", "id"),
    Index("ix_leads_owner_status_due", "owner_id", "status", "answer_due_at"),
    Index("ix_leads_region_status_due", "region", "status", "answer_due_at"),
    # The tick's escalation asks only for unanswered, unescalated requests past their time.
    Index("ix_leads_unanswered", "first_response_at", "escalated_at", "answer_due_at"),
    Index("ix_leads_received", "received_at", "id"),
    Index("ix_leads_client", "client_id"),
    # Routing's turns: when each manager of a pool last got a request, one seek each.
    Index("ix_leads_owner_assigned", "owner_id", "assigned_at"),
)


# A phone, e-mail or messenger handle a request came with. ``value`` is normalised (E.164,
# lower case) when ``valid``; a number that cannot be read is kept as typed and flagged.
lead_addresses = Table(
    "lead_addresses",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("lead_id", Integer, ForeignKey("leads.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("kind", String(16), nullable=False),
    Column("value", String(320), nullable=False),
    Column("raw", String(500), nullable=False),
    Column("valid", Boolean, nullable=False, default=True),
    Index("ix_lead_addresses_kind_value", "kind", "value"),
)


# A spam number or address: its requests are dropped, or kept as junk (``action``).
lead_exclusions = Table(
    "lead_exclusions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("value", String(320), nullable=False),
    Column("action", String(16), nullable=False, default="junk"),
    Column("note", String(500), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    UniqueConstraint("kind", "value"),
)


# An admin's routing rule: requests of this channel / source / line / region (empty: any)
# go to a pool of managers taking turns (``pool``: user ids).
lead_routes = Table(
    "lead_routes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("position", Integer, nullable=False, default=0),
    Column("channel", String(16), nullable=True),
    Column("source_id", Integer, ForeignKey("lead_sources.id"), nullable=True),
    Column("line", String(100), nullable=True),
    Column("region", String(100), nullable=True),
    Column("pool", JSON, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
)
