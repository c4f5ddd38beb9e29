"""deals: title_key, the title folded for the deal search (Ctrl+P finds deals by name)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 10:00:00
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BATCH = 5000
_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "«»\"'„“”‘’`")


def _fold(text: str) -> str:
    """``crm_tui.domain.values.folding.fold`` as it was at this revision: a migration never
    imports the application's code, which goes on changing after it."""
    return _SPACES.sub(" ", text.casefold().replace("ё", "е").translate(_QUOTES)).strip()


def upgrade() -> None:
    op.add_column("deals", sa.Column("title_key", sa.String(length=300), server_default="", nullable=False))
    deals = sa.table(
        "deals", sa.column("id", sa.Integer), sa.column("title", sa.String), sa.column("title_key")
    )
    conn = op.get_bind()
    update = deals.update().where(deals.c.id == sa.bindparam("deal_id")).values(title_key=sa.bindparam("key"))
    last = 0
    while True:
        rows = conn.execute(
            sa.select(deals.c.id, deals.c.title).where(deals.c.id > last).order_by(deals.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        conn.execute(update, [{"deal_id": deal_id, "key": _fold(title)[:300]} for deal_id, title in rows])
        last = rows[-1][0]


def downgrade() -> None:
    with op.batch_alter_table("deals") as batch_op:
        batch_op.drop_column("title_key")
