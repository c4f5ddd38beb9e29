"""What went wrong with a file, in the interface's language: the system's own words ("No such
file or directory") are English, and a person reading a Russian line should not meet them. One
wording for the CLI's own files (``crm_tui.cli.files``) and the importers' readers."""

from __future__ import annotations

import stat
from pathlib import Path

from crm_tui.i18n import N_, _

NO_FILE = N_("no such file")
A_FOLDER = N_("a folder, not a file")
NOT_A_FOLDER = N_("a part of the path is a file, not a folder")
NO_PERMISSION = N_("no permission")
CANNOT = N_("the file cannot be read or written")


def file_reason(exc: OSError) -> str:
    """Why ``exc`` happened to a file, in the language in force."""
    if isinstance(exc, FileNotFoundError):
        return _(NO_FILE)
    if isinstance(exc, IsADirectoryError):
        return _(A_FOLDER)
    if isinstance(exc, NotADirectoryError):
        return _(NOT_A_FOLDER)
    if isinstance(exc, PermissionError):
        return _(NO_PERMISSION)
    return _(CANNOT)


def not_a_file_reason(path: Path) -> str | None:
    """Why ``path`` is no file to read (there is none, it is a folder, ...), in the language in
    force; ``None`` for a file."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return file_reason(exc)
    if stat.S_ISDIR(mode):
        return _(A_FOLDER)
    return None if stat.S_ISREG(mode) else _(CANNOT)
