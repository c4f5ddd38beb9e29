"""Has anybody changed the base? Asked every second by open screens, so it must cost nothing.

SQLite: ``PRAGMA data_version`` on a connection kept for the purpose changes whenever another
connection commits (a read of one page of the header, no table touched). PostgreSQL: the
statistics of inserted, updated and deleted rows of the base's tables, which the server keeps
anyway and refreshes within a second or so; a screen reloads within the two seconds people were
promised, and a reload loop over whole tables is never needed.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import Engine, text


class ChangeCheck:
    """``token()`` returns a value that differs after somebody else committed a change."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._lock = threading.Lock()
        self._raw: Any = None

    def token(self) -> int:
        with self._lock:
            if self._engine.dialect.name == "sqlite":
                if self._raw is None:
                    self._raw = self._engine.raw_connection()
                cursor = self._raw.cursor()
                try:
                    cursor.execute("PRAGMA data_version")
                    return int(cursor.fetchone()[0])
                finally:
                    cursor.close()
            with self._engine.connect() as conn:
                total = conn.execute(
                    text(
                        "SELECT coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables "
                        "WHERE schemaname = current_schema()"
                    )
                ).scalar_one()
                return int(total)

    def close(self) -> None:
        with self._lock:
            if self._raw is not None:
                self._raw.close()
                self._raw = None
