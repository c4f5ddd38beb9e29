"""Writing the demo's rows: Core ``executemany`` in batches, tens of thousands to a transaction."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Engine

from crm_tui.storage.database import write_session

Row = dict[str, Any]
TX_ROWS = 50_000  # rows to one write transaction


def write(engine: Engine, *parts: tuple[Table, list[Row]]) -> None:
    with write_session(engine) as session:
        for table, rows in parts:
            if rows:
                session.execute(insert(table), rows)


def write_batches(engine: Engine, table: Table, batches: Iterator[list[Row]]) -> int:
    """Insert batch after batch, ``TX_ROWS`` to a transaction: a commit per few thousand rows
    rewrites most index pages each time when the keys arrive in random order."""
    written = 0
    pending = True
    while pending:
        with write_session(engine) as session:
            in_tx = 0
            for rows in batches:
                session.execute(insert(table), rows)
                in_tx += len(rows)
                if in_tx >= TX_ROWS:
                    break
            else:
                pending = False
            written += in_tx
    return written
