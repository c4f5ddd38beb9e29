"""What the segments are computed from, in a few numbers: whether a recompute has anything to do.

``crm schedule tick`` runs from cron every few minutes; recomputing every client's segment on a
base of 100,000 clients costs seconds each time, and most ticks find nothing changed. The
segments follow from the clients (new ones, a segment set by hand), the deals (an open deal in a
late stage makes a client warm), the sales documents, the settings (the interval), the work
rules, the stages (their codes, and the limits the deal reminders read), and the date (a
client's last purchase ages).

Every change a person or an import makes writes an audit row or an import batch (one rule:
``audit.changes.change``), so the newest of those, with each table's highest id (which catches
what is created in bulk), says whether anything changed: each an index lookup, where the
recompute reads every row. The small tables are read whole. What removes clients, deals or
documents (a merge, an import's undo) writes its audit row too; the tables' row counts, which
stood for that here, are not counted: counting a large base's 426,000 documents, 200,000 deals
and 100,000 clients was most of a quiet tick's own time (issue 29).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select

from crm_tui.storage.tables.clients import clients
from crm_tui.storage.tables.deals import deals, stages
from crm_tui.storage.tables.imports import import_batches
from crm_tui.storage.tables.sales import sales_documents, segment_rules
from crm_tui.storage.tables.team import audit_entries, settings_table

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

OWN_KEYS = ("schedule.tick",)
"""Settings the scheduler writes itself: not an input (or every tick would change the inputs)."""


def _newest(session: Unit, table: Any) -> int | None:
    """The table's highest id: the end of its primary key's index."""
    newest = session.scalar(select(func.max(table.c.id)))
    return int(newest) if newest is not None else None


def segment_inputs(session: Unit, today: date) -> dict[str, Any]:
    """A fingerprint of everything the segments depend on, as JSON-able values: ``day``,
    ``config`` (settings, work rules, stages: what the scheduled jobs are told to do) and
    ``data`` (what people and imports changed)."""
    s = settings_table.c
    settings = session.execute(
        select(func.count(), func.max(s.updated_at)).where(s.key.not_in(OWN_KEYS))
    ).one()
    rules = session.execute(
        select(
            segment_rules.c.segment, segment_rules.c.contact_every_days, segment_rules.c.max_tasks_per_run
        ).order_by(segment_rules.c.segment)
    ).all()
    stage_rows = session.execute(
        select(stages.c.id, stages.c.code, stages.c.stuck_after_days).order_by(stages.c.id)
    ).all()
    return {
        "day": today.isoformat(),
        "config": [
            [settings[0], str(settings[1]) if settings[1] is not None else None],
            [list(rule) for rule in rules],
            [list(stage) for stage in stage_rows],
        ],
        "data": [
            _newest(session, audit_entries),
            _newest(session, import_batches),
            _newest(session, clients),
            _newest(session, deals),
            _newest(session, sales_documents),
        ],
    }
