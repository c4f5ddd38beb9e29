"""campaigns: senders, campaigns, steps, recipients, the outbox, rate counters, consents

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 03:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from crm_tui.storage.types import UTCDateTime

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer, "sqlite")


def upgrade() -> None:
    op.create_table(
        "mail_senders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False, server_default=""),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("phone", sa.String(32), nullable=True),
        sa.Column("signature", sa.String(2000), nullable=True),
        sa.Column("smtp_host", sa.String(255), nullable=True),
        sa.Column("smtp_port", sa.Integer, nullable=True),
        sa.Column("smtp_security", sa.String(16), nullable=False, server_default="starttls"),
        sa.Column("smtp_login", sa.String(320), nullable=True),
        sa.Column("password_file", sa.String(1000), nullable=True),
        sa.Column("password_env", sa.String(200), nullable=True),
        sa.Column("per_minute", sa.Integer, nullable=True),
        sa.Column("per_day", sa.Integer, nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_mail_senders_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_mail_senders"),
        sa.UniqueConstraint("address", name="uq_mail_senders_address"),
        sa.UniqueConstraint("user_id", name="uq_mail_senders_user_id"),
    )
    op.create_table(
        "campaigns",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("audience", sa.JSON, nullable=False),
        sa.Column("sender_id", sa.Integer, nullable=True),
        sa.Column("paused_reason", sa.String(500), nullable=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.Column("version", sa.Integer, nullable=False, server_default="1"),
        sa.ForeignKeyConstraint(
            ["sender_id"], ["mail_senders.id"], name="fk_campaigns_sender_id_mail_senders"
        ),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_campaigns_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_campaigns"),
        sa.UniqueConstraint("name", name="uq_campaigns_name"),
    )
    op.create_table(
        "campaign_steps",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("campaign_id", sa.Integer, nullable=False),
        sa.Column("position", sa.Integer, nullable=False),
        sa.Column("day_offset", sa.Integer, nullable=False),
        sa.Column("subject", sa.String(500), nullable=False),
        sa.Column("body_text", sa.Text, nullable=False),
        sa.Column("body_html", sa.Text, nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name="fk_campaign_steps_campaign_id_campaigns",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_campaign_steps"),
        sa.UniqueConstraint("campaign_id", "position", name="uq_campaign_steps_position"),
    )
    op.create_table(
        "campaign_recipients",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("campaign_id", sa.Integer, nullable=False),
        sa.Column("client_id", sa.Integer, nullable=False),
        sa.Column("contact_id", sa.Integer, nullable=True),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("enrolled_at", UTCDateTime, nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("stop_reason", sa.String(16), nullable=True),
        sa.Column("stopped_at", UTCDateTime, nullable=True),
        sa.Column("replied_at", UTCDateTime, nullable=True),
        sa.Column("token", sa.String(64), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name="fk_campaign_recipients_campaign_id_campaigns",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name="fk_campaign_recipients_client_id_clients", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["contact_id"],
            ["contacts.id"],
            name="fk_campaign_recipients_contact_id_contacts",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_campaign_recipients"),
        sa.UniqueConstraint("token", name="uq_campaign_recipients_token"),
        sa.UniqueConstraint("campaign_id", "client_id", name="uq_campaign_recipients_client"),
    )
    op.create_index("ix_campaign_recipients_address", "campaign_recipients", ["address", "state"])
    op.create_table(
        "outbox",
        sa.Column("id", BigId, primary_key=True),
        sa.Column("campaign_id", sa.Integer, nullable=True),
        sa.Column("recipient_id", BigId, nullable=True),
        sa.Column("step_id", sa.Integer, nullable=True),
        sa.Column("sender_id", sa.Integer, nullable=True),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("message_id", sa.String(255), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("due_at", UTCDateTime, nullable=False),
        sa.Column("next_try", UTCDateTime, nullable=False),
        sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
        sa.Column("claimed_by", sa.String(100), nullable=True),
        sa.Column("claimed_at", UTCDateTime, nullable=True),
        sa.Column("sent_at", UTCDateTime, nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("bounced", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("payload", sa.JSON, nullable=True),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name="fk_outbox_campaign_id_campaigns", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["recipient_id"],
            ["campaign_recipients.id"],
            name="fk_outbox_recipient_id_campaign_recipients",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["step_id"], ["campaign_steps.id"], name="fk_outbox_step_id_campaign_steps", ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["sender_id"], ["mail_senders.id"], name="fk_outbox_sender_id_mail_senders"),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("message_id", name="uq_outbox_message_id"),
        sa.UniqueConstraint("recipient_id", "step_id", name="uq_outbox_recipient_step"),
    )
    op.create_index("ix_outbox_state_next_try", "outbox", ["state", "next_try"])
    op.create_table(
        "sender_counts",
        sa.Column("sender_id", sa.Integer, nullable=False),
        sa.Column("window", sa.String(8), nullable=False),
        sa.Column("started_at", UTCDateTime, nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.ForeignKeyConstraint(
            ["sender_id"],
            ["mail_senders.id"],
            name="fk_sender_counts_sender_id_mail_senders",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("sender_id", "window", "started_at", name="pk_sender_counts"),
    )
    op.create_table(
        "mail_consents",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("given_on", sa.Date, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("user_id", sa.Integer, nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name="fk_mail_consents_user_id_users"),
        sa.PrimaryKeyConstraint("id", name="pk_mail_consents"),
        sa.UniqueConstraint("address", name="uq_mail_consents_address"),
    )


def downgrade() -> None:
    op.drop_table("mail_consents")
    op.drop_table("sender_counts")
    op.drop_index("ix_outbox_state_next_try", table_name="outbox")
    op.drop_table("outbox")
    op.drop_index("ix_campaign_recipients_address", table_name="campaign_recipients")
    op.drop_table("campaign_recipients")
    op.drop_table("campaign_steps")
    op.drop_table("campaigns")
    op.drop_table("mail_senders")
