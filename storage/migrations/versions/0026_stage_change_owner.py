"""deal stage changes: the deal's owner on each row, kept by triggers, for time in stage per manager

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-07 10:40:00

The report grouped a year's stays by the deal's owner through a join and SQLite sorted them all
(0.9 s of CPU on the large demo base); with the owner on the row and an index on it, each
owner's stays per stage are read in order. The owner is the deal's current one, as the report
always meant, so it must follow every change of hands: handovers, edits, refusals handed on,
imports and their undo, and whatever comes later. Triggers keep it in the one place every such
path goes through (the ``deals`` row) rather than in each path: a forgotten path would silently
count stays under the wrong manager. A history row written without an owner takes the deal's.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

INDEX = ("ix_deal_stage_changes_owner_stays", ["owner_id", "from_stage_id", "stay_tenths", "at"])

SQLITE_TRIGGERS = [
    # AFTER, as SQLite cannot assign NEW; the WHEN keeps rows written with their owner free
    """CREATE TRIGGER deal_stage_changes_owner_on_insert AFTER INSERT ON deal_stage_changes
    FOR EACH ROW WHEN NEW.owner_id IS NULL BEGIN
        UPDATE deal_stage_changes SET owner_id = (SELECT owner_id FROM deals WHERE id = NEW.deal_id)
        WHERE id = NEW.id;
    END""",
    """CREATE TRIGGER deals_owner_to_stage_changes AFTER UPDATE OF owner_id ON deals
    FOR EACH ROW WHEN NEW.owner_id IS NOT OLD.owner_id BEGIN
        UPDATE deal_stage_changes SET owner_id = NEW.owner_id WHERE deal_id = NEW.id;
    END""",
]
POSTGRESQL_TRIGGERS = [
    """CREATE FUNCTION crm_stage_change_owner() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        NEW.owner_id := (SELECT owner_id FROM deals WHERE id = NEW.deal_id);
        RETURN NEW;
    END $$""",
    """CREATE TRIGGER deal_stage_changes_owner_on_insert BEFORE INSERT ON deal_stage_changes
    FOR EACH ROW WHEN (NEW.owner_id IS NULL) EXECUTE FUNCTION crm_stage_change_owner()""",
    """CREATE FUNCTION crm_deal_owner_to_stage_changes() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE deal_stage_changes SET owner_id = NEW.owner_id WHERE deal_id = NEW.id;
        RETURN NULL;
    END $$""",
    """CREATE TRIGGER deals_owner_to_stage_changes AFTER UPDATE OF owner_id ON deals
    FOR EACH ROW WHEN (NEW.owner_id IS DISTINCT FROM OLD.owner_id)
    EXECUTE FUNCTION crm_deal_owner_to_stage_changes()""",
]


def upgrade() -> None:
    op.add_column("deal_stage_changes", sa.Column("owner_id", sa.Integer, nullable=True))
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "UPDATE deal_stage_changes AS h SET owner_id = d.owner_id FROM deals AS d "
            "WHERE d.id = h.deal_id AND d.owner_id IS NOT NULL"
        )
        triggers = POSTGRESQL_TRIGGERS
    else:
        op.execute(
            "UPDATE deal_stage_changes SET owner_id = "
            "(SELECT owner_id FROM deals WHERE deals.id = deal_stage_changes.deal_id)"
        )
        triggers = SQLITE_TRIGGERS
    op.create_index(INDEX[0], "deal_stage_changes", INDEX[1])
    for statement in triggers:
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER deals_owner_to_stage_changes ON deals")
        op.execute("DROP TRIGGER deal_stage_changes_owner_on_insert ON deal_stage_changes")
        op.execute("DROP FUNCTION crm_deal_owner_to_stage_changes()")
        op.execute("DROP FUNCTION crm_stage_change_owner()")
    else:
        op.execute("DROP TRIGGER deals_owner_to_stage_changes")
        op.execute("DROP TRIGGER deal_stage_changes_owner_on_insert")
    op.drop_index(INDEX[0], table_name="deal_stage_changes")
    with op.batch_alter_table("deal_stage_changes") as batch:
        batch.drop_column("owner_id")
