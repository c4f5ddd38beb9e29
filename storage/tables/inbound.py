"""Inbound channels (issue 23): the receiver's sources and events, the mailboxes and their folders."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
    UniqueConstraint,
    true,
)

from crm_tui.storage.tables.base import BigId, metadata
from crm_tui.storage.types import UTCDateTime

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
    # The requests the receiver refused (a wrong token, over the rate, unreadable), and the last
    # one: what the admin looks at when a site's forms stop coming.
    Column("refused", Integer, nullable=False, server_default="0"),
    Column("refused_at", UTCDateTime(), nullable=True),
    Column("refused_status", Integer, nullable=True),
    Column("refused_code", String(32), nullable=True),
)

inbound_events = Table(
    "inbound_events",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("source_id", Integer, ForeignKey("inbound_sources.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
    # What a call's start told that its end may not (Sipuni names the numbers of an outgoing call
    # only when it starts): the source's module writes and reads it.
    Column("detail", String(100), nullable=True),
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
    # Off: kept with its bookmarks, not read by the tick nor by `crm inbound mail`.
    Column("enabled", Boolean, nullable=False, server_default=true()),
    # The last reading: when, how many mails it read, and its one-line error (never a password).
    Column("read_at", UTCDateTime(), nullable=True),
    Column("read_count", Integer, nullable=True),
    Column("read_error", String(500), nullable=True),
    Column("mails", Integer, nullable=False, server_default="0"),
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
