"""Copying a whole base to another engine: how a team moves from one SQLite file to PostgreSQL.

The target is migrated to the same revision first, then every table is copied in foreign-key
order, in chunks, with ``bulk.insert_rows`` (a ``COPY`` into PostgreSQL); ids are kept, so
PostgreSQL's sequences are moved past them afterwards. Counts are compared table by table at the
end: a copy that does not add up is reported, never trusted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Engine, func, select, text

from crm_tui.i18n import N_
from crm_tui.storage.bulk import insert_rows
from crm_tui.storage.errors import StorageError
from crm_tui.storage.models import metadata

CHUNK = 10_000
CREATED_WITH_A_BASE = ("pipelines", "stages", "playbook_steps", "lost_reasons", "settings", "field_defs")
"""Tables a new base starts with rows in (the shipped funnel, its playbooks and reasons, the
portrait fields, the flags that say they were written); the copy replaces them with the
source's."""


class CopyRefused(StorageError):
    default_code = "copy.refused"


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int


def _counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            t.name: int(conn.scalar(select(func.count()).select_from(t)) or 0) for t in metadata.sorted_tables
        }


def copy_database(
    source: Engine, target: Engine, progress: Callable[[str, int], None] | None = None
) -> list[TableCount]:
    """Copy every table of ``source`` into the empty, migrated ``target``."""
    busy = {name: n for name, n in _counts(target).items() if n and name not in CREATED_WITH_A_BASE}
    if busy:
        name, n = next(iter(busy.items()))
        raise CopyRefused(
            "copy.target_not_empty",
            N_("the target database is not empty ({table} has {count} rows): copy into a new database"),
            table=name,
            count=n,
        )
    with source.connect() as reader, target.begin() as writer:
        for name in reversed([t.name for t in metadata.sorted_tables if t.name in CREATED_WITH_A_BASE]):
            writer.execute(metadata.tables[name].delete())  # the copy brings the source's own
        for table in metadata.sorted_tables:
            rows = reader.execution_options(yield_per=CHUNK).execute(
                select(table).order_by(*table.primary_key)
            )
            copied = 0
            for chunk in rows.partitions(CHUNK):
                insert_rows(writer, table, [dict(r._mapping) for r in chunk])
                copied += len(chunk)
                if progress is not None:
                    progress(table.name, copied)
        if target.dialect.name == "postgresql":
            for table in metadata.sorted_tables:
                if "id" in table.c:
                    writer.execute(
                        text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'), "
                            f"coalesce((SELECT max(id) FROM {table.name}), 0) + 1, false)"
                        )
                    )
    before, after = _counts(source), _counts(target)
    counts = [TableCount(t.name, before[t.name], after[t.name]) for t in metadata.sorted_tables]
    wrong = [c for c in counts if c.source != c.target]
    if wrong:
        first = wrong[0]
        raise CopyRefused(
            "copy.counts_differ",
            N_("the copy does not add up: {table} has {source} rows here, {target} there"),
            table=first.table,
            source=first.source,
            target=first.target,
        )
    return counts
