"""Signing in through the browser (`crm serve`, issue 28): passwords and sessions."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    String,
    Table,
)

from crm_tui.storage.tables.base import metadata
from crm_tui.storage.types import UTCDateTime

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
