"""Handing clients over (seed 003): one client, a selection, or all of a manager's clients (in
a region), to another manager, with their open deals and open tasks. Undoable; audited.

A handover remembers every record it moved and who had it before. Undo gives back only what
the receiver still has: a client the new manager has meanwhile passed on is kept and listed.

Records move in one statement per chunk of ids (``versioned`` gives what moves with them), not
one by one through ``audit.changes.change``: a handover may move a manager's thousands of
clients. Each client gets its audit row; its deals and tasks are listed in the handover's row.
The undo writes a record back only while the receiver still holds it, a condition on the holder
rather than on a version somebody read.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, can_own_clients, person, require
from crm_tui.domain.access.visibility import clients_within
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.audit.changes import versioned
from crm_tui.domain.errors import InvalidInput, NotFound, not_found
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_, Message
from crm_tui.storage.models import DealStatus, TaskStatus, clients, deals, handovers, tasks, users

_CHUNK = 900


_KEPT = {
    "clients": N_("client {id}: passed on or removed since, kept as it is"),
    "deals": N_("deal {id}: passed on or removed since, kept as it is"),
    "tasks": N_("task {id}: passed on or removed since, kept as it is"),
}
"""What undoing a handover left with the receiver, by the kind of record."""


@dataclass
class HandoverResult:
    handover: int | None
    to: str
    clients: int = 0
    deals: int = 0
    tasks: int = 0
    dry_run: bool = False


@dataclass
class HandoverUndo:
    handover: int
    clients: int = 0
    deals: int = 0
    tasks: int = 0
    kept: list[Message] = field(default_factory=list)


def _user(session: Session, login: str) -> Any:
    found = session.execute(
        select(users.c.id, users.c.full_name, users.c.region, users.c.active, users.c.role).where(
            users.c.login == login
        )
    ).first()
    if found is None or not found.active:
        raise NotFound("user.not_found", N_("no active user {login!r}"), login=login)
    return found


def _chunks(ids: Sequence[int]) -> list[list[int]]:
    return [list(ids[i : i + _CHUNK]) for i in range(0, len(ids), _CHUNK)]


def _select_clients(
    session: Session, ws: Workspace, from_id: int | None, client_ids: Sequence[int] | None, region: str | None
) -> list[tuple[int, int | None]]:
    c = clients.c
    conditions: list[ColumnElement[bool]] = [clients_within(ws.viewer, Capability.HAND_OVER_CLIENTS)]
    if from_id is not None:
        conditions.append(c.owner_id == from_id)
    if region is not None:
        conditions.append(c.region == region)
    if client_ids is not None:
        found: list[tuple[int, int | None]] = []
        for chunk in _chunks(list(client_ids)):
            found += [
                (r.id, r.owner_id)
                for r in session.execute(select(c.id, c.owner_id).where(c.id.in_(chunk), *conditions))
            ]
        missing = sorted(set(client_ids) - {cid for cid, _ in found})
        if missing:
            if from_id:
                raise NotFound(
                    "client.not_found",
                    N_("client {id} not found among this manager's clients"),
                    id=missing[0],
                )
            raise not_found("client", missing[0])
        return found
    return [
        (r.id, r.owner_id)
        for r in session.execute(select(c.id, c.owner_id).where(*conditions).order_by(c.id))
    ]


def hand_over(
    ws: Workspace,
    to_login: str,
    *,
    from_login: str | None = None,
    client_ids: Sequence[int] | None = None,
    region: str | None = None,
    dry_run: bool = False,
) -> HandoverResult:
    """Give clients to ``to_login``: all of ``from_login``'s (in ``region``), or ``client_ids``.
    The clients' open deals and open tasks held by their previous owner move with them."""
    require(ws.viewer, Capability.HAND_OVER_CLIENTS)
    if from_login is None and client_ids is None:
        raise InvalidInput("handover.nothing", N_("say whose clients (--from) or which (--client)"))
    now = ws.now()
    with ws.write() as session:
        target = _user(session, to_login)
        if not can_own_clients(target.role):
            raise InvalidInput(
                "handover.receiver_role", N_("{login} is not a manager or a head of sales"), login=to_login
            )
        require(ws.viewer, Capability.HAND_OVER_CLIENTS, person(target.id, target.region, to_login))
        source = _user(session, from_login) if from_login else None
        chosen = _select_clients(session, ws, source.id if source else None, client_ids, region)
        chosen = [(cid, owner) for cid, owner in chosen if owner != target.id]
        result = HandoverResult(None, to_login, dry_run=dry_run)
        moved: dict[str, list[list[int | None]]] = {"clients": [], "deals": [], "tasks": []}
        for chunk in _chunks([cid for cid, _ in chosen]):
            previous = {cid: owner for cid, owner in chosen if cid in set(chunk)}
            d, t = deals.c, tasks.c
            for deal_id, client_id, owner in session.execute(
                select(d.id, d.client_id, d.owner_id).where(
                    d.client_id.in_(chunk), d.status == DealStatus.OPEN.value
                )
            ):
                if owner == previous[client_id] or owner is None:
                    moved["deals"].append([deal_id, owner])
            for task_id, client_id, assignee in session.execute(
                select(t.id, t.client_id, t.assignee_id).where(
                    t.client_id.in_(chunk), t.status == TaskStatus.OPEN.value
                )
            ):
                if assignee == previous[client_id] or assignee is None:
                    moved["tasks"].append([task_id, assignee])
            moved["clients"] += [[cid, previous[cid]] for cid in chunk]
        result.clients, result.deals, result.tasks = (len(moved[k]) for k in ("clients", "deals", "tasks"))
        if dry_run or not chosen:
            return result
        for table, key, column in (
            (clients, "clients", "owner_id"),
            (deals, "deals", "owner_id"),
            (tasks, "tasks", "assignee_id"),
        ):
            for chunk in _chunks([int(row[0] or 0) for row in moved[key]]):
                values = versioned(table, {column: target.id}, now)
                session.connection().execute(update(table).where(table.c.id.in_(chunk)).values(values))
        result.handover = int(
            session.connection()
            .execute(
                insert(handovers)
                .values(
                    at=now,
                    user_id=ws.viewer.user_id,
                    from_user_id=source.id if source else None,
                    to_user_id=target.id,
                    region=region,
                    moved=moved,
                )
                .returning(handovers.c.id)
            )
            .scalar_one()
        )
        for client_id, before in moved["clients"]:
            audit.record(
                session,
                at=now,
                user_id=ws.viewer.user_id,
                entity="client",
                entity_id=int(client_id or 0),
                action="owner_changed",
                changes={"owner_id": [before, target.id], "handover": result.handover},
            )
    return result


def undo_handover(ws: Workspace, handover_id: int) -> HandoverUndo:
    require(ws.viewer, Capability.HAND_OVER_CLIENTS)
    now = ws.now()
    report = HandoverUndo(handover_id)
    with ws.write() as session:
        h = handovers.c
        row = session.execute(select(h.moved, h.to_user_id, h.undone_at).where(h.id == handover_id)).first()
        if row is None:
            raise not_found("handover", handover_id)
        if row.undone_at is not None:
            raise InvalidInput("handover.undone", N_("handover {id} was already undone"), id=handover_id)
        for table, key, column in (
            (clients, "clients", "owner_id"),
            (deals, "deals", "owner_id"),
            (tasks, "tasks", "assignee_id"),
        ):
            holder = table.c[column]
            for record_id, before in row.moved.get(key, []):
                done = session.connection().execute(
                    update(table)
                    .where(table.c.id == record_id, holder == row.to_user_id)
                    .values(versioned(table, {column: before}, now))
                )
                if done.rowcount:
                    setattr(report, key, getattr(report, key) + 1)
                else:
                    report.kept.append(Message(f"handover.kept_{key[:-1]}", _KEPT[key], id=record_id))
                    continue
                if table is clients:
                    audit.record(
                        session,
                        at=now,
                        user_id=ws.viewer.user_id,
                        entity="client",
                        entity_id=record_id,
                        action="owner_changed",
                        changes={"owner_id": [row.to_user_id, before], "handover_undone": handover_id},
                    )
        session.connection().execute(update(handovers).where(h.id == handover_id).values(undone_at=now))
    return report
