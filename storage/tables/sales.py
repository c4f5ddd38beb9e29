"""The sales history from the trade system and the segments computed from it."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import (
    JSON,
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

from crm_tui.storage.tables.base import BigId, metadata
from crm_tui.storage.types import UTCDateTime


class Segment(StrEnum):
    WARM = "warm"
    LOYAL = "loyal"
    LOST = "lost"


class DocumentKind(StrEnum):
    ORDER = "order"
    INVOICE = "invoice"
    SALE = "sale"
    PAYMENT = "payment"
    CONTRACT = "contract"


# An order, invoice, sale or payment from the trade system: the sales history segments
# are computed from.
#
# 1C numbers documents within a year, so kind, number and year identify one; a re-import
# finds it by them and only updates what changed (an invoice that has been paid since).
# ``client_id`` is empty for a document no client matched yet; it is kept, reported, and
# matched again by the next import.
sales_documents = Table(
    "sales_documents",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("number", String(64), nullable=False),
    Column("doc_year", Integer, nullable=False),
    Column("doc_date", Date, nullable=False),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="SET NULL"), nullable=True),
    Column("client_name", String(300), nullable=False),
    Column("inn", String(12), nullable=True),
    Column("amount", BigInteger, nullable=False, default=0),
    Column("paid", Boolean, nullable=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=True, index=True),
    Column("file", String(500), nullable=False),
    Column("row", Integer, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    UniqueConstraint("kind", "number", "doc_year"),
    Index("ix_sales_documents_client_date", "client_id", "doc_date"),
    # Covers the segment recompute's one pass (grouped by kind and client) and its
    # "unpaid invoices" lookup, so neither reads the table itself.
    Index("ix_sales_documents_kind_client", "kind", "client_id", "doc_date", "paid", "amount"),
)


# One run of the segment rules: the interval it used and what came of it.
segment_recomputes = Table(
    "segment_recomputes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", UTCDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("interval_days", Integer, nullable=True),
    Column("interval_source", String(16), nullable=False),
    Column("counts", JSON, nullable=False),
    Column("moved", Integer, nullable=False, default=0),
    Column("assigned", Integer, nullable=False, default=0),
)


# A client's move between segments, by a recompute or by a person (``manual``); the
# client's timeline and the "who moved" list read it.
segment_changes = Table(
    "segment_changes",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("recompute_id", Integer, ForeignKey("segment_recomputes.id"), nullable=True),
    Column("at", UTCDateTime, nullable=False),
    Column("from_segment", String(16), nullable=True),
    Column("to_segment", String(16), nullable=True),
    Column("manual", Boolean, nullable=False, default=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Index("ix_segment_changes_client_at", "client_id", "at"),
    Index("ix_segment_changes_recompute", "recompute_id", "client_id"),
)


# How often a client of a segment must be contacted (seed 000: the effort each group
# gets); a client without an interaction for that long gets a task for its owner.
segment_rules = Table(
    "segment_rules",
    metadata,
    Column("segment", String(16), primary_key=True),
    Column("contact_every_days", Integer, nullable=False),
    Column("task_title", String(300), nullable=False),
    Column("max_tasks_per_run", Integer, nullable=False, default=20),
)
