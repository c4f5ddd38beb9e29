"""What the base remembers of the files imported: the mapping chosen for a header (offered
again for the next file with the same columns), the batch that loaded a file's sheet (a second
import of the very same file does nothing) and the rows of a file loaded before (an interrupted
import continues where it stopped). A file is known by the hash of its content, not its name.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.imports.mapping import IGNORE, ColumnMap
from crm_tui.domain.imports.rows import ParsedRow
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.files.mapping import header_signature
from crm_tui.storage.models import ImportStatus, client_sources, import_batches, import_mappings


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def remembered_mapping(session: Session, headers: Sequence[str]) -> dict[str, str]:
    columns = session.scalar(
        select(import_mappings.c.columns).where(import_mappings.c.signature == header_signature(headers))
    )
    return dict(columns or {})


def remember_mapping(
    session: Session, headers: Sequence[str], columns: ColumnMap, user_id: int, now: datetime
) -> None:
    signature = header_signature(headers)
    # Skipped columns are remembered as skipped, or they would come back as suggestions.
    chosen = {c.header: c.field or IGNORE for c in columns.columns}
    exists = session.scalar(select(import_mappings.c.id).where(import_mappings.c.signature == signature))
    if exists is None:
        session.execute(
            insert(import_mappings).values(
                signature=signature, headers=list(headers), columns=chosen, updated_at=now, user_id=user_id
            )
        )
    else:
        session.execute(
            update(import_mappings)
            .where(import_mappings.c.id == exists)
            .values(columns=chosen, updated_at=now, user_id=user_id)
        )


def imported_before(ws: Workspace, sha: str, sheet: str) -> dict[str, Any] | None:
    """The stats of a finished, not undone batch that imported this sheet of this very file."""
    b = import_batches.c
    with ws.read() as session:
        done = session.execute(
            select(b.id, b.files)
            .where(b.kind == "clients", b.status == ImportStatus.DONE.value)
            .order_by(b.id.desc())
            .limit(1000)
        ).all()
    for batch_id, files in done:
        for entry in files or []:
            # Only a batch that loaded every row itself vouches for the file: one that skipped it,
            # or finished an earlier run's work, relies on batches that may have been undone.
            if (
                entry.get("sha256") == sha
                and entry.get("sheet") == sheet
                and "loaded" in entry
                and "same_as_batch" not in entry
                and not entry.get("already")
            ):
                return {**entry, "batch": batch_id}
    return None


def already_loaded(session: Session, sha: str, rows: list[ParsedRow]) -> set[tuple[str, int]]:
    """The chunk's rows that an earlier run of this file loaded. The sheet is named so that the
    lookup is a range of the (file, sheet, row) index: on the file alone it read every row
    loaded so far, which made a million-row import quadratic."""
    numbers = [r.source.row for r in rows]
    return {
        (sheet, row)
        for sheet, row in session.execute(
            select(client_sources.c.sheet, client_sources.c.row).where(
                client_sources.c.file_sha256 == sha,
                client_sources.c.sheet.in_(sorted({r.source.sheet for r in rows})),
                client_sources.c.row.between(min(numbers), max(numbers)),
            )
        )
    }
