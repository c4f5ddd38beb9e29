"""The spreadsheets in the person's upload folder, newest first: the way a file sent by sftp (the
README's SSH set-up) reaches the import wizard without typing its path."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from rich.text import Text

SPREADSHEETS = frozenset({".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".csv"})
"""What the import reads (importers/files/reading.py); other files are not offered."""
MOST = 200
"""Files listed at most (the newest): an upload folder is a handful of files, not an archive."""


@dataclass(frozen=True)
class Upload:
    path: Path
    name: str
    """The path under the upload folder."""
    size: int
    modified: float


def find_uploads(folder: Path) -> list[Upload]:
    """The spreadsheets under ``folder`` (subfolders too), newest first. Hidden files and
    folders are left out: an sftp upload still in progress, an open workbook's ``.~lock``.
    A folder that is not there yet has no files."""
    found: list[Upload] = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            path = Path(root) / name
            if name.startswith(".") or path.suffix.lower() not in SPREADSHEETS:
                continue
            try:
                stat = path.stat()
            except OSError:
                continue
            found.append(Upload(path, str(path.relative_to(folder)), stat.st_size, stat.st_mtime))
    found.sort(key=lambda u: (-u.modified, u.name))
    return found[:MOST]


def upload_line(upload: Upload, tz: ZoneInfo) -> Text:
    """'petrov.xlsx  20.11.2026 12:15  48 KB': the name as sent, when it came, how big."""
    when = datetime.fromtimestamp(upload.modified, tz).strftime("%d.%m.%Y %H:%M")
    size = f"{max(upload.size // 1024, 1)} KB"
    return Text.assemble(upload.name, (f"  {when}  {size}", "dim"))
