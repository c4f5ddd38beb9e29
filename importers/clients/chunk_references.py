"""The rows a chunk points to but did not create, checked before the chunk commits.

Chunks are written without SQLite's per-row foreign key lookups (see
``crm_tui.storage.database.write_session``). Every id a chunk's rows hold is either one it allocated in
the same transaction, a client it read in that transaction, or one of these: users (owners,
assignees, the importing user), the pipeline and stage new deals go to, and the batch. An admin
may remove a stage, or an account, while a long import runs; the chunk then stops with one
line instead of committing rows that point nowhere.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.i18n import N_, Listed, Message, Phrase
from crm_tui.storage.models import import_batches, pipelines, stages, users


def check_references(
    session: Session,
    file: str,
    *,
    user_ids: Iterable[int | None],
    pipeline_id: int | None,
    stage_id: int | None,
    batch_id: int,
) -> None:
    wanted = sorted({u for u in user_ids if u is not None})
    found = session.scalar(select(func.count()).where(users.c.id.in_(wanted))) if wanted else 0
    missing: list[Message] = []
    if found != len(wanted):
        missing.append(Phrase(N_("a user the rows are assigned to")))
    if (
        pipeline_id is not None
        and session.scalar(select(pipelines.c.id).where(pipelines.c.id == pipeline_id)) is None
    ):
        missing.append(Message("pipeline", N_("pipeline {id}"), id=pipeline_id))
    if stage_id is not None and session.scalar(select(stages.c.id).where(stages.c.id == stage_id)) is None:
        missing.append(Message("stage", N_("stage {id}"), id=stage_id))
    if session.scalar(select(import_batches.c.id).where(import_batches.c.id == batch_id)) is None:
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
