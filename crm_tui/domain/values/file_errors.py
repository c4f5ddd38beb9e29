"""What went wrong with a file, in the interface's language: the system's own words ("No such
file or directory") are English, and a person reading a Russian line should not meet them. One
wording for the CLI's own files (``crm_tui.cli.files``) and the importers' readers."""

from __future__ import annotations

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
