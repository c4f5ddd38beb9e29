"""The rows a chunk points to but did not create, checked before the chunk commits.

Chunks are written without SQLite's per-row foreign key lookups (see
``crm_tui.storage.database.write_session``). Every id a chunk's rows hold is either one it allocated in
the same transaction, a client it read in that transaction, or one of these: users (owners,
assignees, the importing user), the pipeline and stage new deals go to, the portrait fields,
and the batch. On PostgreSQL the chunk fires no triggers where the role allows it, the foreign
keys' included (``storage.database.write_session``), so the same check stands in there. An admin
may remove a stage, or an account, while a long import runs; the chunk then stops with one
line instead of committing rows that point nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Column, select
from sqlalchemy.orm import Session

from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.i18n import N_, Listed, Message, Phrase
from crm_tui.storage.bulk import among_ids
from crm_tui.storage.models import clients, field_defs, import_batches, pipelines, stages, users


def check_references(
    session: Session,
    file: str,
    *,
    user_ids: Iterable[int | None],
    pipeline_id: int | None,
    stage_id: int | None,
    batch_id: int,
    client_ids: Iterable[int] = (),
    field_ids: Iterable[int] = (),
) -> None:
    """Raises ``ImportFileError`` if a row the chunk points to is gone. The rows found are locked
    as the foreign keys' own lookups lock them (``FOR KEY SHARE`` on PostgreSQL, where another
    transaction could otherwise remove one before this chunk commits; SQLite's writer is alone)."""
    missing: list[Message] = []
    if not _all_there(session, users.c.id, user_ids):
        missing.append(Phrase(N_("a user the rows are assigned to")))
    if not _all_there(session, clients.c.id, client_ids):
        missing.append(Phrase(N_("a client the rows add to")))
    if not _all_there(session, field_defs.c.id, field_ids):
        missing.append(Phrase(N_("a portrait field the rows fill")))
    if pipeline_id is not None and not _all_there(session, pipelines.c.id, (pipeline_id,)):
        missing.append(Message("pipeline", N_("pipeline {id}"), id=pipeline_id))
    if stage_id is not None and not _all_there(session, stages.c.id, (stage_id,)):
        missing.append(Message("stage", N_("stage {id}"), id=stage_id))
    if not _all_there(session, import_batches.c.id, (batch_id,)):
        missing.append(Message("import_batch", N_("import batch {id}"), id=batch_id))
    if missing:
        raise ImportFileError(
            file,
            "base_changed",
            N_(
                "{file}: {missing} was removed while the file was being imported; "
                "nothing of this chunk was written, run the import again to finish it"
            ),
            missing=Listed(list(missing)),
        )


def _all_there(session: Session, column: Column[int], ids: Iterable[int | None]) -> bool:
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return True
    found = session.scalars(
        select(column).where(among_ids(session, column, wanted)).with_for_update(read=True, key_share=True)
    ).all()
    return len(set(found)) == len(wanted)
