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
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine

INTERVAL_S = 0.5


@contextmanager
def background_checkpoints(engine: Engine, interval_s: float = INTERVAL_S) -> Iterator[None]:
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        yield
        return
    stop = threading.Event()
    connection = engine.raw_connection()  # autocommit (see crm_tui.storage.database): no open transaction

    def run() -> None:
        while not stop.wait(interval_s):
            try:
                connection.cursor().execute("PRAGMA wal_checkpoint(PASSIVE)").close()
            except sqlite3.Error:
                return  # a checkpoint is an optimisation; the next ordinary commit makes one

    thread = threading.Thread(target=run, name="wal-checkpoints", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        connection.close()
