"""How the demo's rows go in fast: on SQLite with foreign keys unchecked, a big page cache and
rare checkpoints, the clients in one transaction with the search index built once after them;
then statistics for the planner (and, on PostgreSQL, id sequences past the ids the builder
chose). ``builder`` decides what is written; this module, how.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from crm_tui.demo.companies import client_batches
from crm_tui.demo.forge import Forge
from crm_tui.demo.phrases import Phrases
from crm_tui.demo.plan import Book
from crm_tui.demo.writing import write
from crm_tui.storage.database import write_session
from crm_tui.storage.models import channels, clients, contacts
from crm_tui.storage.search_index import client_search

CLIENT_BATCH = 2_000  # clients per batch; with their contacts and channels about 6x the rows
# While building on SQLite: a page cache that holds the indexes being filled in random order
# (the default 2 MB makes the large build thrash), and fewer, larger WAL checkpoints.
BUILD_CACHE_KIB = 512 * 1024
BUILD_CHECKPOINT_PAGES = 25_000


@contextmanager
def bulk_mode(engine: Engine) -> Iterator[None]:
    """On SQLite, load with foreign keys unchecked, a big page cache and rare checkpoints.

    Every reference is made by the builder itself from ids it just wrote (the tests run
    ``PRAGMA foreign_key_check`` on a built base), and the parent lookups cost a fifth of the
    insert time. The pragmas apply to the connection the build uses (outside a transaction,
    where SQLite accepts ``foreign_keys``); the pool is disposed afterwards so that no
    connection carries them into the app.
    """
    if engine.dialect.name != "sqlite":
        yield
        return
    _pragmas(
        engine,
        "PRAGMA foreign_keys = OFF",
        f"PRAGMA cache_size = -{BUILD_CACHE_KIB}",
        f"PRAGMA wal_autocheckpoint = {BUILD_CHECKPOINT_PAGES}",
    )
    try:
        yield
    finally:
        engine.dispose()


def _pragmas(engine: Engine, *statements: str) -> None:
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement in statements:
            cursor.execute(statement)
        cursor.close()
    finally:
        raw.close()


def max_id(engine: Engine, table: Table) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one())


def write_clients(
    engine: Engine, forge: Forge, book: Book, contact_base: int, now: datetime, said: Phrases
) -> None:
    batches = client_batches(forge, book, contact_base, now, CLIENT_BATCH, said)
    if engine.dialect.name != "sqlite":
        for batch in batches:
            write(engine, (clients, batch.clients), (contacts, batch.contacts), (channels, batch.channels))
        return
    # One transaction on SQLite, so that the search index can be built once at the end.
    with write_session(engine) as session, _search_index_built_after(session):
        for batch in batches:
            session.execute(insert(clients), batch.clients)
            if batch.contacts:
                session.execute(insert(contacts), batch.contacts)
            session.execute(insert(channels), batch.channels)


@contextmanager
def _search_index_built_after(session: Session) -> Iterator[None]:
    """Fill the FTS5 search table once from all clients instead of row by row.

    The triggers that feed ``client_search`` (migration 0003) make each client insert five
    times slower; a ``rebuild`` after the load costs a few seconds. Only triggers that write to
    the search table are set aside, recreated verbatim from ``sqlite_master``, and all of it
    happens inside the caller's transaction: SQLite DDL is transactional, so a failed build
    leaves the triggers as they were.
    """
    fts = client_search.name
    found = session.execute(
        text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'clients'")
    ).all()
    triggers = [(name, sql) for name, sql in found if fts in sql]
    conn = session.connection()
    for name, _ in triggers:
        conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
    yield
    for _, sql in triggers:
        conn.exec_driver_sql(sql)
    if triggers:
        conn.exec_driver_sql(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def finish(engine: Engine) -> None:
    """Let the planner see the new data; on PostgreSQL move the id sequences past our ids.

    PostgreSQL's tables are vacuumed as well as analysed, as autovacuum would do some time
    later: a report reads its covering indexes without visiting the rows only where the
    visibility map says the pages are all visible (a year's stays by stage: 0.9 s before, 0.1 s
    after), and the stage history had no statistics at all."""
    if engine.dialect.name == "postgresql":
        with write_session(engine) as session:
            for table in ("users", "clients", "contacts", "deals"):
                sequence = f"pg_get_serial_sequence('{table}', 'id')"
                session.execute(text(f"SELECT setval({sequence}, (SELECT max(id) FROM {table}))"))
        with engine.connect() as conn:
            tables = (
                "users, clients, contacts, contact_channels, deals, deal_stage_changes, interactions, tasks"
            )
            conn.execution_options(isolation_level="AUTOCOMMIT").execute(
                text(f"VACUUM (ANALYZE) {tables}, sales_documents")
            )
        return
    with write_session(engine) as session:
        session.execute(text("ANALYZE"))
    _pragmas(engine, "PRAGMA wal_checkpoint(TRUNCATE)")
