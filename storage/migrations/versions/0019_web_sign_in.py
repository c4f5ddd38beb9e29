"""signing in through the browser: users' passwords and lockout, browser sessions

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-07 03:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crm_tui.storage.types import UTCDateTime

revision = "0019"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "user_passwords",
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("password_hash", sa.String(length=300), nullable=True),
        sa.Column("failed_attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("locked_until", UTCDateTime(timezone=True), nullable=True),
        sa.Column("changed_at", UTCDateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("token_hash", sa.String(length=64), nullable=False, unique=True),
        sa.Column("user_id", sa.Integer(), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("ended_why", sa.String(length=16), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
    )
    op.create_index("ix_web_sessions_user_id", "web_sessions", ["user_id"])


def downgrade() -> None:
    op.drop_index("ix_web_sessions_user_id", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("user_passwords")
