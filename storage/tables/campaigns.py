"""Campaigns (issue 24): senders, campaigns, steps, recipients, the outbox, rate counters, consents."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)

from crm_tui.storage.tables.base import BigId, metadata
from crm_tui.storage.types import UTCDateTime

# --- Campaigns (issue 24): mailings and drips, an outbox sent exactly once ----------------------


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

outbox_files = Table(
    "outbox_files",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("outbox_id", BigId, ForeignKey("outbox.id", ondelete="CASCADE"), nullable=False),
    Column("file_name", String(255), nullable=False),
    Column("content_type", String(100), nullable=False),
    Column("content", LargeBinary, nullable=False),
    Index("ix_outbox_files_outbox", "outbox_id", "id"),
)
"""A file a letter of the outbox carries that is no deal's document (the weekly digest's
workbook): kept with the letter until it is sent, so the letter sent is the letter queued."""

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
