"""The spreadsheets in the person's upload folder, newest first: the way a file sent by sftp (the
README's SSH set-up) reaches the import wizard without typing its path."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from rich.text import Text

from crm_tui.domain.imports.uploads import Upload, find_uploads

__all__ = ["Upload", "find_uploads", "upload_line"]


def upload_line(upload: Upload, tz: ZoneInfo) -> Text:
    """'petrov.xlsx  20.11.2026 12:15  48 KB': the name as sent, when it came, how big."""
    when = datetime.fromtimestamp(upload.modified, tz).strftime("%d.%m.%Y %H:%M")
    size = f"{max(upload.size // 1024, 1)} KB"
    return Text.assemble(upload.name, (f"  {when}  {size}", "dim"))
