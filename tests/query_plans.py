"""What SQLite does with the statements a piece of code runs: its query plans, for tests that
keep a read an index search (the desk's tiles, the clients search's walk)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Engine, event


@contextmanager
def statements_of(engine: Engine) -> Iterator[list[tuple[str, Any]]]:
    """The reads (``SELECT``, ``WITH ... SELECT``) run on ``engine`` inside the block, with their
    parameters."""
    found: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, many: bool) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "WITH")):
            found.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield found
    finally:
        event.remove(engine, "before_cursor_execute", record)


def sqlite_plans(engine: Engine, run: Callable[[], object]) -> list[tuple[str, str]]:
    """``(statement, plan)`` of every read ``run`` makes, the plan's lines joined by " | "."""
    with statements_of(engine) as found:
        run()
    plans = []
    with engine.connect() as conn:
        for statement, parameters in found:
            rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
            plans.append((statement, " | ".join(str(row[3]) for row in rows)))
    return plans
