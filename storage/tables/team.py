"""People of the team, their settings and the audit trail."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import JSON, BigInteger, Boolean, Column, ForeignKey, Index, Integer, String, Table

from crm_tui.storage.tables.base import BigId, metadata
from crm_tui.storage.types import UTCDateTime


class Role(StrEnum):
    MANAGER = "manager"
    HEAD = "head"
    ADMIN = "admin"
    OPS = "ops"
    ACCOUNTANT = "accountant"


users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("login", String(64), nullable=False, index=True, unique=True),
    Column("full_name", String(200), nullable=False),
    Column("role", String(16), nullable=False, default=Role.MANAGER),
    Column("region", String(100), nullable=True),
    Column("monthly_target", BigInteger, nullable=False, default=0),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", UTCDateTime, nullable=False),
    # The telephone extension a PBX reports for the calls this person takes and makes.
    Column("extension", String(16), nullable=True),
    Index("uq_users_extension", "extension", unique=True),
)


# Clients given from one manager to another with their open deals and tasks (seed 003),
# with what it takes to give them back: the ids moved, per table.
handovers = Table(
    "handovers",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("from_user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("to_user_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("region", String(100), nullable=True),
    Column("moved", JSON, nullable=False),
    Column("undone_at", UTCDateTime, nullable=True),
)


# Team-wide settings an admin changes (the purchase interval, ...), one JSON value a key.
settings_table = Table(
    "settings",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", JSON, nullable=True),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
)


# Append-only: who changed what, when, and the values before and after.
audit_entries = Table(
    "audit_entries",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("at", UTCDateTime, nullable=False, index=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("entity", String(32), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("action", String(32), nullable=False),
    Column("changes", JSON, nullable=False),
    Index("ix_audit_entity", "entity", "entity_id"),
)
