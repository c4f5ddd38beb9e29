"""A sheet's rows from a reader that starts at once, until a faster one read beside it is ready.

calamine reads a 100,000-row sheet in about a second before it gives out its first row; the
stream (``xlsx_sheet``) gives its first rows a third of a second after it opens, but spends about
twice calamine's CPU a row. The parsing process of a big import wants both: its first rows soon
(the importing process has nothing to load until they come) and calamine's rate for the rest.
calamine reads without holding the GIL, so it reads the whole sheet in a thread while the stream
gives out the first rows; from the first row past the stream's last one, calamine's rows follow.
The two readers give the same rows (``tests/importers/test_xlsx_stream.py`` reads every kind of
cell both ways), so where the switch falls changes nothing but the time.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from itertools import dropwhile
from typing import Generic, TypeVar

from crm_tui.domain.values.cells import Cell

T = TypeVar("T")
Rows = Iterator[tuple[int, list[Cell]]]


class Background(Generic[T]):
    """``work`` run in a daemon thread; its result (or its exception) once it is done. A thread
    nobody asks any more runs to its end and is dropped with its result."""

    def __init__(self, work: Callable[[], T]) -> None:
        self._work = work
        self._done = threading.Event()
        self._result: T | None = None
        self._error: BaseException | None = None
        threading.Thread(target=self._run, name="sheet-reader", daemon=True).start()

    def _run(self) -> None:
        try:
            self._result = self._work()
        except BaseException as exc:  # handed to whoever asks for the result
            self._error = exc
        finally:
            self._done.set()

    @property
    def done(self) -> bool:
        return self._done.is_set()

    def result(self) -> T:
        """The work's result, waiting for it; raises what the work raised."""
        self._done.wait()
        if self._error is not None:
            raise self._error
        assert self._result is not None
        return self._result


def handed_over(
    first: Rows, later: Callable[[], Rows | None], ready: Callable[[], bool], most: int | None = None
) -> Rows:
    """``first``'s rows until ``ready()``, then the rows of ``later()`` past the last one given;
    after ``most`` rows ``later()`` is waited for (``first`` goes on only if it fails).

    ``later()`` is ``None`` when the second reader failed or read the sheet otherwise (another
    sheet, another first column): ``first`` then goes on to the end. If ``first`` fails half-way,
    the second reader carries on where it can; where it cannot, ``first``'s error stands.
    """
    last = 0
    rest: Rows | None = None
    waiting = True
    given = 0
    try:
        for number, cells in first:
            yield number, cells
            last = number
            given += 1
            if waiting and (ready() or given == most):
                rest = later()
                if rest is not None:
                    break
                waiting = False
        else:
            return
    except Exception:
        rest = later()
        if rest is None:
            raise
    finally:
        close = getattr(first, "close", None)
        if close is not None:
            close()
    yield from dropwhile(lambda row: row[0] <= last, rest)
