"""Spreadsheets a person sends through the browser (`crm serve`'s upload page): kept in a folder
of their own, readable by the server's account only, where the import wizard lists them as it
lists what sftp put in the upload folder over SSH."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.cells import drop_controls
from crm_tui.i18n import N_
from crm_tui.storage.private_files import open_private, private_folder

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


UPLOADABLE = SPREADSHEETS - {".xlsb"}
"""What the upload page takes (what the import reads, less the rare binary workbook)."""
MAX_BYTES = 20 * 1024 * 1024
"""A client list is a few megabytes; a bigger upload is refused as it arrives."""
NAME_LENGTH = 120


def user_upload_folder(data_dir: Path, user_id: int) -> Path:
    """The browser uploads of user ``user_id``: by id, so a renamed login keeps its files."""
    return data_dir / "web-uploads" / str(user_id)


def upload_name(name: str) -> str:
    """The file name to keep for ``name`` as the browser sent it: its last part only (no
    folders, no way out of the folder), no control characters, no leading dots; refused if it
    is not a spreadsheet the import reads."""
    base = drop_controls(name.replace("\\", "/").rsplit("/", 1)[-1]).strip().lstrip(".").strip()
    suffix = Path(base).suffix.lower()
    if not base or suffix not in UPLOADABLE:
        raise InvalidInput(
            "upload.kind",
            N_("{name}: not a spreadsheet the import reads (.xlsx, .xls, .ods or .csv)"),
            name=name[:NAME_LENGTH],
        )
    stem = Path(base).stem[: NAME_LENGTH - len(suffix)]
    return stem + suffix


async def store_upload(folder: Path, name: str, chunks: AsyncIterator[bytes], limit: int = MAX_BYTES) -> Path:
    """Write the file ``name`` arriving in ``chunks`` into ``folder`` (0700, the file 0600),
    under a hidden name until it is whole (the wizard does not list hidden files); a name
    already there gets " (2)", " (3)"... Refused, and nothing kept, past ``limit`` bytes."""
    kept = upload_name(name)
    private_folder(folder)
    part = folder / f".part-{secrets.token_hex(8)}"
    size = 0
    try:
        with open_private(part, "wb") as out:
            async for chunk in chunks:
                size += len(chunk)
                if size > limit:
                    raise InvalidInput(
                        "upload.too_big",
                        N_("{name}: the file is bigger than {megabytes} MB"),
                        name=kept,
                        megabytes=limit // (1024 * 1024),
                    )
                out.write(chunk)
        if size == 0:
            raise InvalidInput("upload.empty", N_("{name}: the file is empty"), name=kept)
        target = folder / kept
        number = 2
        while target.exists():
            target = folder / f"{Path(kept).stem} ({number}){Path(kept).suffix}"
            number += 1
        os.replace(part, target)
        return target
    finally:
        part.unlink(missing_ok=True)
