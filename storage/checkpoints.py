"""Copying SQLite's write-ahead log into the database beside a bulk load, not inside it.

By default the commit that grows the log past a thousand pages copies it into the database
file, on the writer's time: a tenth of a big import, and the same index pages are copied again
after every chunk. During a bulk load (``write_session(bulk=True)`` turns the writer's own
copying off below 40 MB) a thread on a connection of its own checkpoints every half second;
the copy runs inside SQLite without the GIL, on the core the parsing process leaves idle.
Readers never wait for it, and the first ordinary commit afterwards copies whatever is left.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

from crm_tui.storage.beside import every

INTERVAL_S = 0.5


@contextmanager
def background_checkpoints(engine: Engine, interval_s: float = INTERVAL_S) -> Iterator[None]:
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        yield
        return
    connection = engine.raw_connection()  # autocommit (see crm_tui.storage.database): no open transaction

    def checkpoint() -> None:
        connection.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").close()

    try:
        # a checkpoint is an optimisation; after a failure the next ordinary commit makes one
        with every(interval_s, checkpoint, (sqlite3.Error,), lambda exc: None, name="wal-checkpoints"):
            yield
    finally:
        connection.close()
