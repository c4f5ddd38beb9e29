"""Import batches of every kind: listed, and taken back.

Taking a batch back is the same for every kind up to what the batch brought: who may undo it
is ``Capability.UNDO_IMPORT`` (a manager their own batches), a batch is undone once, and in one
transaction the kind's own undo runs (``crm_tui.importers.clients.undo``,
``crm_tui.importers.orders.undo``), the batch is marked undone and an audit row written.
Batches are run by ``crm_tui.importers.batch_run``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeAlias

from sqlalchemy import select, update

from crm_tui.domain.access.capabilities import Capability, Target, can, require
from crm_tui.domain.access.visibility import visible_import_batches
from crm_tui.domain.errors import InvalidInput, not_found
from crm_tui.domain.imports.batches import UndoReport
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, Message
from crm_tui.importers.process_identity import is_gone
from crm_tui.storage.tables.imports import ImportStatus, import_batches
from crm_tui.storage.tables.team import users

if TYPE_CHECKING:
    from collections.abc import Callable

    from sqlalchemy.orm import Session

    Undo: TypeAlias = Callable[[Session, Workspace, int, UndoReport], dict[str, int]]


def kind_undo(kind: str) -> Undo:
    """Each kind's own undo: fills in the report and returns the changes for the audit row.
    Imported here, not at the top: listing batches (``crm import list``) needs none of them."""
    if kind == "orders":
        from crm_tui.importers.orders.undo import undo_orders

        return undo_orders
    if kind == "clients":
        from crm_tui.importers.clients.undo import undo_clients

        return undo_clients
    raise KeyError(kind)


def undo_import(ws: Workspace, batch_id: int) -> UndoReport:
    """Take the batch back; after an orders batch the segments are recomputed, since they
    were computed from the documents it brought."""
    from crm_tui.domain.segments.recompute import recompute_segments

    report = _undo_import(ws, batch_id)
    if (report.documents_removed or report.documents_restored) and can(
        ws.viewer, Capability.RECOMPUTE_SEGMENTS
    ):
        recompute_segments(ws)
    return report


def _undo_import(ws: Workspace, batch_id: int) -> UndoReport:
    require(
        ws.viewer,
        Capability.UNDO_IMPORT,
        Target(
            _batch_author(ws, batch_id), name=Message("import_batch", N_("import batch {id}"), id=batch_id)
        ),
    )
    from crm_tui.domain.audit import trail as audit

    report = UndoReport(batch=batch_id)
    with ws.write() as session:
        found = session.execute(
            select(import_batches.c.status, import_batches.c.kind).where(import_batches.c.id == batch_id)
        ).first()
        if found is None:
            raise not_found("import_batch", batch_id)
        status, kind = found
        if status == ImportStatus.UNDONE.value:
            raise InvalidInput("import_batch.undone", N_("import batch {id} was already undone"), id=batch_id)
        changes = kind_undo(kind)(session, ws, batch_id, report)
        now = ws.now()
        session.execute(
            update(import_batches)
            .where(import_batches.c.id == batch_id)
            .values(status=ImportStatus.UNDONE.value, undone_at=now)
        )
        audit.record(
            session,
            at=now,
            user_id=ws.viewer.user_id,
            entity="import_batch",
            entity_id=batch_id,
            action="undo",
            changes=changes,
        )
    return report


def _batch_author(ws: Workspace, batch_id: int) -> int | None:
    with ws.read() as session:
        author = session.scalar(select(import_batches.c.user_id).where(import_batches.c.id == batch_id))
    return int(author) if author is not None else None


@dataclass(frozen=True)
class BatchInfo:
    id: int
    kind: str
    user: str | None
    started_at: str
    status: str
    files: list[str]
    rows: int
    created: int
    enriched: int
    unchanged: int
    rejected: int
    conflicts: int
    errors_file: str | None
    failure: str | None = None
    """Why a failed batch stopped."""


def shown_status(status: str, pid: int | None, host: str | None, started: float | None) -> str:
    """A batch's status as it is: "running" whose process is gone is "interrupted"."""
    if status == ImportStatus.RUNNING.value and is_gone(pid, host, started):
        return ImportStatus.INTERRUPTED.value
    return status


def list_batches(ws: Workspace, limit: int = 100) -> list[BatchInfo]:
    """The latest import batches the viewer may see (``Capability.SEE_IMPORT_BATCHES``), newest
    first, each with the counts its chunks committed: an interrupted batch shows what it made."""

    b = import_batches.c
    with ws.read_core() as session:
        rows = session.execute(
            select(
                b.id,
                b.kind,
                users.c.login,
                b.started_at,
                b.status,
                b.files,
                b.rows,
                b.created,
                b.enriched,
                b.unchanged,
                b.rejected,
                b.conflicts,
                b.errors_file,
                b.failure,
                b.pid,
                b.host,
                b.process_started,
            )
            .select_from(import_batches.outerjoin(users, users.c.id == b.user_id))
            .where(b.kind != "dry-run", visible_import_batches(ws.viewer))
            .order_by(b.id.desc())
            .limit(limit)
        ).all()
    return [
        BatchInfo(
            id=r.id,
            kind=r.kind,
            user=r.login,
            started_at=r.started_at.isoformat(),
            status=shown_status(r.status, r.pid, r.host, r.process_started),
            files=[str(f.get("file")) for f in r.files],
            rows=r.rows,
            created=r.created,
            enriched=r.enriched,
            unchanged=r.unchanged,
            rejected=r.rejected,
            conflicts=r.conflicts,
            errors_file=r.errors_file,
            failure=r.failure,
        )
        for r in rows
    ]
