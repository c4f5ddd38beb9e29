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
from crm_tui.domain.values.file_errors import A_FOLDER, NO_PERMISSION, NOT_A_FOLDER, file_reason
from crm_tui.i18n import _


def reason(exc: OSError) -> str:
    """What went wrong with a file, in the interface's language."""
    return file_reason(exc)


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


#: The suffix a file written under an option must bear: the writer behind ``--xlsx`` makes a
#: workbook whatever the name says, and ``x.csv`` holding a workbook opens as garbage.
SUFFIXES = {"--xlsx": ".xlsx", "--csv": ".csv"}


def check_writable(path: Path, option: str) -> None:
    """Exit with one line if ``path`` cannot be a file written here: a folder, a path through a
    file, a folder without the right to write, a name whose suffix is not the option's format
    (``--xlsx x.csv``). Missing folders are fine (the writer makes them, 0700)."""
    wanted = SUFFIXES.get(option)
    if wanted is not None and not path.is_dir() and path.suffix.lower() != wanted:
        _refuse(option, path, _("the file's name must end in {suffix}").format(suffix=wanted))
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
    """Checks ``path`` first, makes its missing folders (0700), then turns a failure while
    writing it into one line."""
    from crm_tui.storage.private_files import private_folder

    check_writable(path, option)
    try:
        private_folder(path.parent)
        yield
    except OSError as exc:
        _refuse(option, path, reason(exc))
