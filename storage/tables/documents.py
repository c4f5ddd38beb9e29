"""Contracts and invoices made from a deal, their numbering, templates and payments."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Date, ForeignKey, Index, Integer, LargeBinary, String, Table

from crm_tui.storage.tables.base import BigId, metadata
from crm_tui.storage.types import UTCDateTime

# A contract or invoice made here from a deal: the file itself, beside the
# ``SalesDocument`` row that numbers it (kind, number, year, client, amount, paid) as 1C's
# documents are numbered, so segments and the bank import see one list of invoices.
deal_documents = Table(
    "deal_documents",
    metadata,
    Column("document_id", BigId, ForeignKey("sales_documents.id", ondelete="CASCADE"), primary_key=True),
    Column("deal_id", Integer, ForeignKey("deals.id", ondelete="CASCADE"), nullable=False),
    Column("file_format", String(8), nullable=False),
    Column("template", String(100), nullable=False),
    Column("content", LargeBinary, nullable=False),
    # Kopecks paid so far (an invoice): payments add up; full when it reaches the amount.
    Column("paid_amount", BigInteger, nullable=False, default=0),
    Column("created_by_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Index("ix_deal_documents_deal", "deal_id", "document_id"),
)


# The last number given to a kind of document in a year: the row two managers making an
# invoice at once both update, so one waits and takes the next number (no gap, no repeat).
document_numbers = Table(
    "document_numbers",
    metadata,
    Column("kind", String(16), primary_key=True),
    Column("year", Integer, primary_key=True, autoincrement=False),
    Column("last", Integer, nullable=False, default=0),
)


# A DOCX template an admin added (``crm template add``); the shipped ones live in the package.
document_templates = Table(
    "document_templates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("name", String(100), nullable=False, unique=True),
    Column("content", LargeBinary, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("created_by_id", Integer, ForeignKey("users.id"), nullable=True),
)


# Money that came for an invoice, by hand or from a bank statement. ``identity`` is the
# payment's own (a bank payment's date, number, payer and amount), so a statement imported
# twice adds nothing the second time.
payments = Table(
    "payments",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("identity", String(64), nullable=False, unique=True),
    Column("document_id", BigId, ForeignKey("sales_documents.id", ondelete="CASCADE"), nullable=False),
    Column("amount", BigInteger, nullable=False),
    Column("paid_on", Date, nullable=False),
    Column("payer_inn", String(12), nullable=True),
    Column("payer_name", String(300), nullable=False, default=""),
    Column("purpose", String(1000), nullable=False, default=""),
    Column("source", String(16), nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("reference", String(64), nullable=True),
    # The payment order's number, date, amount and payer INN (``payment_reference``): the trade
    # system's export and the bank statement book one payment each; the second is known by this.
    Index("ix_payments_reference", "reference"),
    Index("ix_payments_document", "document_id"),
)
