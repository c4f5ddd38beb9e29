"""Files a command reads or writes: a problem with one is one line in the catalogue's words,
naming the option and the path, and exit 2 (never a traceback, never the system's English).

A file to write is checked before the work that fills it: a document is numbered and stored,
a report read from the base, only when its file can be written.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from crm_tui.cli.common import fail
from crm_tui.domain.errors import A_FOLDER, NO_PERMISSION, NOT_A_FOLDER, file_problem
from crm_tui.i18n import _

reason = file_problem
"""What went wrong with a file, in the interface's language (``crm_tui.domain.errors``)."""


def _refuse(option: str, path: Path, why: str) -> None:
    where = f"{option} {path}" if option else str(path)
    fail(_("{where}: {reason}").format(where=where, reason=why))


def read_bytes(path: Path, option: str = "") -> bytes:
    """The file's bytes, or exit with one line naming it."""
    try:
        return path.read_bytes()
    except OSError as exc:
        _refuse(option, path, reason(exc))
        raise  # fail() exits; for the type checker


def check_writable(path: Path, option: str) -> None:
    """Exit with one line if ``path`` cannot be a file written here: a folder, a path through a
    file, a folder without the right to write. Missing folders are fine (the writer makes them,
    0700)."""
    if path.is_dir():
        _refuse(option, path, _(A_FOLDER))
    for parent in path.parents:
        if parent.exists():
            if not parent.is_dir():
                _refuse(option, path, _(NOT_A_FOLDER))
            elif not os.access(parent, os.W_OK | os.X_OK):
                _refuse(option, path, _(NO_PERMISSION))
            return


@contextmanager
def writing(path: Path, option: str) -> Iterator[None]:
    """Checks ``path`` first, then turns a failure while writing it into one line."""
    check_writable(path, option)
    try:
        yield
    except OSError as exc:
        _refuse(option, path, reason(exc))
