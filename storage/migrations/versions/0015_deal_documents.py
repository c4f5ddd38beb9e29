"""documents of a deal (contract, invoice: the file beside its sales_documents row), their
numbers per year, admins' templates, and payments (by hand or from the bank)

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 00:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crm_tui.storage.types import UTCDateTime

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "deal_documents",
        sa.Column("document_id", _BIG_ID, nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("file_format", sa.String(length=8), nullable=False),
        sa.Column("template", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("paid_amount", sa.BigInteger(), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["document_id"], ["sales_documents.id"],
            name=op.f("fk_deal_documents_document_id_sales_documents"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["deal_id"], ["deals.id"], name=op.f("fk_deal_documents_deal_id_deals"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_deal_documents_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("document_id", name=op.f("pk_deal_documents")),
    )  # fmt: skip
    op.create_index("ix_deal_documents_deal", "deal_documents", ["deal_id", "document_id"])
    op.create_table(
        "document_numbers",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("year", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("kind", "year", name=op.f("pk_document_numbers")),
    )
    op.create_table(
        "document_templates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_document_templates_created_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_document_templates")),
        sa.UniqueConstraint("name", name=op.f("uq_document_templates_name")),
    )
    op.create_table(
        "payments",
        sa.Column("id", _BIG_ID, nullable=False),
        sa.Column("identity", sa.String(length=64), nullable=False),
        sa.Column("document_id", _BIG_ID, nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=False),
        sa.Column("payer_inn", sa.String(length=12), nullable=True),
        sa.Column("payer_name", sa.String(length=300), nullable=False),
        sa.Column("purpose", sa.String(length=1000), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"], ["sales_documents.id"],
            name=op.f("fk_payments_document_id_sales_documents"), ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_payments_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_payments")),
        sa.UniqueConstraint("identity", name=op.f("uq_payments_identity")),
    )  # fmt: skip
    op.create_index("ix_payments_document", "payments", ["document_id"])


def downgrade() -> None:
    op.drop_index("ix_payments_document", table_name="payments")
    op.drop_table("payments")
    op.drop_table("document_templates")
    op.drop_table("document_numbers")
    op.drop_index("ix_deal_documents_deal", table_name="deal_documents")
    op.drop_table("deal_documents")
