"""Every table of crm_tui, re-exported from the modules of storage/tables named for the business.

Enumerated values are stored as short strings (with the allowed values in ``StrEnum``s) rather
than database enum types, so that adding a value never needs an ``ALTER TYPE`` on PostgreSQL.
Money is integer kopecks; timestamps are aware UTC (see ``crm_tui.storage.types``). Tables are
SQLAlchemy Core ``Table`` objects on one ``metadata``: a new one may be appended at the end of
this module (the names it needs are imported here).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any  # noqa: F401 (the same)

from sqlalchemy import (  # noqa: F401 (for the tables appended at the end of this module)
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
    text,
    true,
)

from crm_tui.storage.tables.activity import (
    Direction,
    InteractionKind,
    TaskKind,
    TaskStatus,
    interactions,
    tasks,
)
from crm_tui.storage.tables.base import BigId, metadata
from crm_tui.storage.tables.clients import (
    ChannelKind,
    ClientKind,
    ClientStatus,
    channels,
    clients,
    contact_jobs,
    contacts,
    merges,
    not_duplicates,
    suppressions,
)
from crm_tui.storage.tables.deals import (
    DealStatus,
    deal_lines,
    deal_stage_changes,
    deals,
    lost_reasons,
    pipelines,
    playbook_steps,
    stages,
)
from crm_tui.storage.tables.documents import (
    deal_documents,
    document_numbers,
    document_templates,
    payments,
)
from crm_tui.storage.tables.imports import (
    ImportStatus,
    client_sources,
    import_batches,
    import_changes,
    import_mappings,
)
from crm_tui.storage.tables.leads import (
    LeadChannel,
    LeadStatus,
    lead_addresses,
    lead_exclusions,
    lead_routes,
    lead_sources,
    leads,
)
from crm_tui.storage.tables.portrait import (
    FieldKind,
    field_defs,
    field_values,
    installed_base,
)
from crm_tui.storage.tables.sales import (
    DocumentKind,
    Segment,
    sales_documents,
    segment_changes,
    segment_recomputes,
    segment_rules,
)
from crm_tui.storage.tables.team import (
    Role,
    audit_entries,
    handovers,
    settings_table,
    users,
)
from crm_tui.storage.types import UTCDateTime

__all__ = [
    "BigId",
    "ChannelKind",
    "ClientKind",
    "ClientStatus",
    "DealStatus",
    "Direction",
    "DocumentKind",
    "FieldKind",
    "ImportStatus",
    "InteractionKind",
    "LeadChannel",
    "LeadStatus",
    "Role",
    "Segment",
    "TaskKind",
    "TaskStatus",
    "audit_entries",
    "channels",
    "client_sources",
    "clients",
    "contact_jobs",
    "contacts",
    "deal_documents",
    "deal_lines",
    "deal_stage_changes",
    "deals",
    "document_numbers",
    "document_templates",
    "field_defs",
    "field_values",
    "handovers",
    "import_batches",
    "import_changes",
    "import_mappings",
    "installed_base",
    "interactions",
    "lead_addresses",
    "lead_exclusions",
    "lead_routes",
    "lead_sources",
    "leads",
    "lost_reasons",
    "merges",
    "metadata",
    "not_duplicates",
    "payments",
    "pipelines",
    "playbook_steps",
    "sales_documents",
    "segment_changes",
    "segment_recomputes",
    "segment_rules",
    "settings_table",
    "stages",
    "suppressions",
    "tasks",
    "users",
]


# --- signing in through the browser (`crm serve`) ---------------------------------------------

user_passwords = Table(
    "user_passwords",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("password_hash", String(300), nullable=True),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("changed_at", UTCDateTime, nullable=True),
)
"""A user's browser password (a scrypt hash, its parameters in the string) and the count of wrong
ones in a row: a table beside ``users``, so a person without a password has no row."""

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("ended_why", String(16), nullable=True),
    Column("address", String(64), nullable=True),
)
"""A signed-in browser: the SHA-256 of its cookie's random token (the token itself is never
stored), when it was last used, and when and why it ended (sign-out, expiry)."""


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
# Open deals over their stage's limit, with their owner, counted off the index.
Index("ix_deals_stuck", deals.c.status, deals.c.stage_id, deals.c.stage_entered_at, deals.c.owner_id)
# Deals closed in a period (refusals, plan against fact): status, when, whose and how much.
Index("ix_deals_closed_figures", deals.c.status, deals.c.closed_at, deals.c.owner_id, deals.c.amount)
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

# Inbound channels (issue 23): the receiver's sources and their events, the mailboxes read over
# IMAP and where each folder was left. Core tables, as new tables are.

inbound_sources = Table(
    "inbound_sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    # The token or HMAC key the receiver checks (ours, or the vendor's API secret); shown once.
    Column("secret", String(200), nullable=False),
    # The vendor's public key where it signs with one (Mango's vpbx_api_key).
    Column("api_key", String(200), nullable=True),
    Column("per_minute", Integer, nullable=False),
    # The PBX's time zone for sources that send local times (Zadarma).
    Column("tz", String(64), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
)

inbound_events = Table(
    "inbound_events",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("source_id", Integer, ForeignKey("inbound_sources.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
    UniqueConstraint("source_id", "event_id", name="uq_inbound_events_source_event"),
)

mailboxes = Table(
    "mailboxes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("url", String(500), nullable=False),
    # Where the password is read from at each run: never the password itself.
    Column("password_file", String(1000), nullable=True),
    Column("password_env", String(200), nullable=True),
    Column("owner_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
)

mailbox_folders = Table(
    "mailbox_folders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mailbox_id", Integer, ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
    Column("folder", String(500), nullable=False),
    Column("uidvalidity", BigInteger, nullable=False),
    Column("last_uid", BigInteger, nullable=False),
    Column("read_at", UTCDateTime(), nullable=False),
    UniqueConstraint("mailbox_id", "folder", name="uq_mailbox_folders_mailbox_folder"),
)

# --- Campaigns (issue 24): mailings and drips, an outbox sent exactly once ----------------------
# Core tables (no SQLModel classes): see the module's note on the conversion to Core.


class CampaignKind(StrEnum):
    PERSONAL = "personal"
    ADVERTISING = "advertising"


class CampaignStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"


class RecipientState(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    DROPPED = "dropped"


mail_senders = Table(
    "mail_senders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address", String(320), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False, server_default=""),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True, unique=True),
    Column("phone", String(32), nullable=True),
    Column("signature", String(2000), nullable=True),
    Column("smtp_host", String(255), nullable=True),
    Column("smtp_port", Integer, nullable=True),
    Column("smtp_security", String(16), nullable=False, server_default="starttls"),
    Column("smtp_login", String(320), nullable=True),
    Column("password_file", String(1000), nullable=True),
    Column("password_env", String(200), nullable=True),
    Column("per_minute", Integer, nullable=True),
    Column("per_day", Integer, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)
"""An address letters go out from: a manager's own (``user_id``) or a shared one, its SMTP
server and login (the password only as a file path or an environment variable's name, never
the password), and its limits per minute and per day."""

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("audience", JSON, nullable=False),
    Column("sender_id", Integer, ForeignKey("mail_senders.id"), nullable=True),
    # sender_id: a shared sender; NULL: each client's own manager sends.
    Column("paused_reason", String(500), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("version", Integer, nullable=False, server_default="1"),
)

campaign_steps = Table(
    "campaign_steps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("day_offset", Integer, nullable=False),
    Column("subject", String(500), nullable=False),
    Column("body_text", Text, nullable=False),
    Column("body_html", Text, nullable=True),
    UniqueConstraint("campaign_id", "position", name="uq_campaign_steps_position"),
)

campaign_recipients = Table(
    "campaign_recipients",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True),
    Column("address", String(320), nullable=False),
    Column("enrolled_at", UTCDateTime, nullable=False),
    Column("state", String(16), nullable=False),
    Column("stop_reason", String(16), nullable=True),
    Column("stopped_at", UTCDateTime, nullable=True),
    Column("replied_at", UTCDateTime, nullable=True),
    Column("token", String(64), nullable=False, unique=True),
    # token: the unsubscribe link's secret.
    UniqueConstraint("campaign_id", "client_id", name="uq_campaign_recipients_client"),
    Index("ix_campaign_recipients_address", "address", "state"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=True),
    Column("recipient_id", BigId, ForeignKey("campaign_recipients.id", ondelete="CASCADE"), nullable=True),
    Column("step_id", Integer, ForeignKey("campaign_steps.id", ondelete="CASCADE"), nullable=True),
    Column("sender_id", Integer, ForeignKey("mail_senders.id"), nullable=True),
    Column("address", String(320), nullable=False),
    Column("message_id", String(255), nullable=False, unique=True),
    Column("state", String(16), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("next_try", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("claimed_by", String(100), nullable=True),
    Column("claimed_at", UTCDateTime, nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("bounced", Boolean, nullable=False, server_default=false()),
    Column("payload", JSON, nullable=True),
    # payload: a letter that is not a campaign's step (a deal's documents).
    UniqueConstraint("recipient_id", "step_id", name="uq_outbox_recipient_step"),
    Index("ix_outbox_state_next_try", "state", "next_try"),
)
"""One row per letter: made when the recipient enters the campaign, with its Message-ID."""

sender_counts = Table(
    "sender_counts",
    metadata,
    Column("sender_id", Integer, ForeignKey("mail_senders.id", ondelete="CASCADE"), primary_key=True),
    Column("window", String(8), primary_key=True),
    Column("started_at", UTCDateTime, primary_key=True),
    Column("count", Integer, nullable=False),
)
"""Letters a sender began to send in a minute / a day (the rate limits)."""

mail_consents = Table(
    "mail_consents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address", String(320), nullable=False, unique=True),
    Column("source", String(200), nullable=False),
    Column("given_on", Date, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
)
"""Consent to advertising by e-mail (38-FZ art. 18): where it was given and when."""
