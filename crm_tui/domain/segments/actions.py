"""What people do with segments: set one by hand, plan calls (giving clients to a manager is a
handover, ``crm_tui.domain.clients.handovers``).

Every change is checked against what the person may see (``access``), bumps the client's
version (a colleague's open edit of it is then refused, not overwritten) and is audited.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer
from crm_tui.domain.access.visibility import clients_within
from crm_tui.domain.audit.changes import change
from crm_tui.domain.errors import InvalidInput, not_found
from crm_tui.domain.tasks.create import open_task
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import (
    Segment,
    TaskKind,
    clients,
    segment_changes,
)

MAX_SELECTION = 10_000


def parse_segment(text: str) -> Segment:
    try:
        return Segment(text.strip().lower())
    except ValueError:
        valid = ", ".join(s.value for s in Segment)
        raise InvalidInput(
            "segment.unknown", N_("unknown segment {segment!r}; valid: {valid}"), segment=text, valid=valid
        ) from None


def _rows_within(
    session: Session, viewer: Viewer, capability: Capability, ids: Sequence[int]
) -> dict[int, tuple[str | None, int | None, str]]:
    """``{id: (segment, owner_id, name)}`` for the ids ``viewer`` has ``capability`` on; any
    other id is an error (not found: a client one may not see is not named)."""
    if len(ids) > MAX_SELECTION:
        raise InvalidInput(
            "selection.too_large", N_("select at most {count:,} clients at a time"), count=MAX_SELECTION
        )
    c = clients.c
    found: dict[int, tuple[str | None, int | None, str]] = {}
    for chunk_start in range(0, len(ids), 900):
        chunk = list(ids[chunk_start : chunk_start + 900])
        for row in session.execute(
            select(c.id, c.segment, c.owner_id, c.name).where(
                c.id.in_(chunk), clients_within(viewer, capability)
            )
        ):
            found[row.id] = (row.segment, row.owner_id, row.name)
    missing = [i for i in ids if i not in found]
    if missing:
        raise not_found("client", missing[0])
    return found


def set_segment(ws: Workspace, client_id: int, segment: Segment | None) -> None:
    """Set a client's segment by hand (kept by every recompute until cleared), or clear the
    manual mark with ``None`` so the next recompute decides again."""
    now = ws.now()
    with ws.write() as session:
        rows = _rows_within(session, ws.viewer, Capability.SET_SEGMENT, [client_id])
        before, _owner, _name = rows[client_id]
        values: dict[str, object] = {"segment_manual": segment is not None}
        if segment is not None:
            values["segment"] = segment.value
        after = segment.value if segment is not None else before
        change(
            session,
            clients,
            client_id,
            values,
            at=now,
            user_id=ws.viewer.user_id,
            action="segment_set" if segment is not None else "segment_cleared",
            changes={"segment": [before, after], "manual": segment is not None},
        )
        session.connection().execute(
            insert(segment_changes).values(
                client_id=client_id,
                at=now,
                from_segment=before,
                to_segment=after,
                manual=True,
                user_id=ws.viewer.user_id,
            )
        )


@dataclass(frozen=True)
class BulkResult:
    changed: int
    unchanged: int


def plan_calls(ws: Workspace, client_ids: Sequence[int], title: str, due: datetime) -> BulkResult:
    """A call task for each selected client's owner; a client without an owner goes to the
    person planning (so nothing is planned for nobody). A manager's scope holds only own
    clients and the region's unowned leads, so a manager plans calls for nobody but oneself."""
    text = " ".join(title.split())
    if not text:
        raise InvalidInput("call.title_missing", N_("a call task needs a title"))
    now = ws.now()
    with ws.write() as session:
        rows = _rows_within(session, ws.viewer, Capability.PLAN_CALLS, client_ids)
        made = 0
        for client_id, (_segment, owner_id, _name) in rows.items():
            assignee = owner_id if owner_id is not None else ws.viewer.user_id
            open_task(
                session,
                title=text,
                kind=TaskKind.CALL.value,
                due=due,
                assignee_id=assignee,
                client_id=client_id,
                by_user_id=ws.viewer.user_id,
                now=now,
            )
            made += 1
    return BulkResult(made, len(rows) - made)
