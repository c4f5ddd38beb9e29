"""Logging calls, notes and other touches with a client."""

from __future__ import annotations

from sqlalchemy import select

from crm_tui.domain import audit
from crm_tui.domain.access import visible_clients
from crm_tui.domain.errors import InvalidInput, NotFound
from crm_tui.domain.workspace import Workspace
from storage.models import Direction, Interaction, InteractionKind, clients


def log_interaction(
    ws: Workspace,
    client_id: int,
    kind: InteractionKind,
    summary: str,
    *,
    direction: Direction = Direction.OUTBOUND,
    duration_s: int | None = None,
    deal_id: int | None = None,
) -> int:
    text = summary.strip()
    if not text:
        raise InvalidInput(f"a {kind.value} needs a summary: what was said or agreed")
    if duration_s is not None and duration_s < 0:
        raise InvalidInput("a call cannot last a negative time")
    now = ws.now()
    with ws.write() as session:
        exists = session.scalar(
            select(clients.c.id).where(clients.c.id == client_id, visible_clients(ws.viewer))
        )
        if exists is None:
            raise NotFound(f"client {client_id} not found")
        item = Interaction(
            kind=kind,
            direction=direction,
            channel="phone" if kind is InteractionKind.CALL else None,
            occurred_at=now,
            duration_s=duration_s,
            summary=text,
            client_id=client_id,
            deal_id=deal_id,
            user_id=ws.viewer.user_id,
            created_at=now,
        )
        session.add(item)
        session.flush()
        assert item.id is not None
        audit.record(
            session,
            at=now,
            user_id=ws.viewer.user_id,
            entity="interaction",
            entity_id=item.id,
            action="create",
            changes={"client_id": client_id, "kind": kind.value},
        )
        return item.id
