"""What a file or a column mapping can be refused for: one line for the person importing, worded
when shown, with a stable code for scripts."""

from __future__ import annotations

from crm_tui.i18n import Message, MessageError


class ImportFileError(MessageError):
    """A file that cannot be imported; ``str(error)`` is one line that starts with the file name.

    ``reason`` is a stable code for scripts: missing, not_spreadsheet, encrypted, empty,
    too_large, too_wide, zip_bomb, unknown_sheet, unreadable, unknown_owner, base_changed, twice,
    no_client_columns; the error's ``code`` is ``file.<reason>``. Raised as
    ``ImportFileError(name, "empty", N_("{file}: the file is empty"))``: the msgid names
    ``{file}``, and any other value it names is a keyword (a driver's or the system's words in
    them are put on one line); or with a ``Message`` made before (one that crossed from the
    parsing process).
    """

    default_code = "file.unreadable"

    def __init__(self, file: str, reason: str, msgid: str | Message, /, **params: object) -> None:
        self.file = file
        self.reason = reason
        if isinstance(msgid, Message):
            super().__init__(msgid)
            return
        one_line = {k: " ".join(v.split()) if isinstance(v, str) else v for k, v in params.items()}
        super().__init__(f"file.{reason}", msgid, file=file, **one_line)


class MappingError(MessageError, ValueError):
    """A mapping the person wrote cannot be used; the message is one line saying why."""

    default_code = "mapping.invalid"
