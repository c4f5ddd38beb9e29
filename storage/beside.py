"""Work a bulk load has done beside it: on a thread of its own, every so often, and once more
at its end if asked.

SQLite's write-ahead log copied into the database (``checkpoints``) and PostgreSQL's trigram
index merging its pending list (``search_index``) are both an optimisation done on a connection
of their own while the chunks are written, so that the writer does not pay for them in its
commits. A failure stops the repetition and is reported by ``failed``, never raised: the next
ordinary commit (or insert) does the same work on the writer's time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def every(
    interval_s: float,
    work: Callable[[], None],
    errors: tuple[type[Exception], ...],
    failed: Callable[[Exception], None],
    *,
    name: str,
    at_end: bool = False,
) -> Iterator[None]:
    """``work`` every ``interval_s`` on a daemon thread called ``name`` while the block runs
    (and once after it with ``at_end``); ``errors`` raised by it go to ``failed``."""
    stop = threading.Event()

    def attempt() -> bool:
        try:
            work()
        except errors as exc:
            failed(exc)
            return False
        return True

    def run() -> None:
        while not stop.wait(interval_s):
            if not attempt():
                return

    thread = threading.Thread(target=run, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()
        if at_end:
            attempt()
