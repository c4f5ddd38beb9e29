"""The client portrait: its fields, their values, and what a client already owns."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
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

from crm_tui.storage.tables.base import metadata
from crm_tui.storage.types import UTCDateTime

# A field of the client portrait (seed 000): what makes a client valuable to us.
field_defs = Table(
    "field_defs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(64), nullable=False, unique=True),
    Column("label", String(200), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("choices", JSON, nullable=False),
    Column("required", Boolean, nullable=False, default=False),
    Column("position", Integer, nullable=False, default=0),
    Column("active", Boolean, nullable=False, default=True),
)


# A client's value of a portrait field, as JSON (a number, kopecks, an ISO date, a choice,
# a list of choices, true/false or text).
field_values = Table(
    "field_values",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("field_id", Integer, ForeignKey("field_defs.id", ondelete="CASCADE"), nullable=False),
    Column("value", JSON, nullable=True),
    UniqueConstraint("client_id", "field_id"),
    Index("ix_field_values_field", "field_id"),
)


# Something the client already owns (seed 001): ours or a competitor's. ``search_key`` is
# product and vendor folded (lower case, ё as е) for the clients list's "owns ..." filter.
installed_base = Table(
    "installed_base",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("product", String(200), nullable=False),
    Column("vendor", String(200), nullable=True),
    Column("ours", Boolean, nullable=False, default=False),
    Column("quantity", Integer, nullable=False, default=1),
    Column("acquired_on", Date, nullable=True),
    Column("note", String(1000), nullable=True),
    Column("search_key", String(400), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by_id", Integer, ForeignKey("users.id"), nullable=True),
    Index("ix_installed_base_client", "client_id", "ours"),
)
