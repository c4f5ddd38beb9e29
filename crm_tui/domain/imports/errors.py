"""What a file or a column mapping can be refused for: one line for the person importing."""

from __future__ import annotations


class ImportFileError(Exception):
    """A file that cannot be imported; ``str(error)`` is one line that starts with the file name.

    ``reason`` is a stable code for scripts: missing, not_spreadsheet, encrypted, empty,
    too_large, zip_bomb, unknown_sheet, unreadable, unknown_owner.
    """

    def __init__(self, file: str, reason: str, detail: str) -> None:
        self.file = file
        self.reason = reason
        super().__init__(f"{file}: {' '.join(detail.split())}")


class MappingError(ValueError):
    """A mapping the person wrote cannot be used; the message is one line saying why."""
