"""Taking a free lead (seed 003): an inbound lead nobody owns yet is for the managers of its
region to take, first come first served.

The take is one conditional statement (``UPDATE ... WHERE id = ? AND owner_id IS NULL``): when two
managers take the same lead at once, the database lets exactly one of them change the row; the
other's statement matches nothing, and they are told who has it. Audited, like every change of
a client (``audit.changes.change``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, client_target, require
from crm_tui.domain.audit.changes import versioned
from crm_tui.domain.audit.trail import record
from crm_tui.domain.errors import DomainError, not_found
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import ClientStatus, audit_entries, clients, users


class TakenAlready(DomainError):
    """Somebody took the lead first."""

    default_code = "client.taken"


@dataclass(frozen=True)
class Taken:
    client_id: int
    name: str
    version: int
    already_yours: bool = False


def take_lead(ws: Workspace, client_id: int) -> Taken:
    """Make the viewer the owner of an unowned lead of their region."""
    with ws.write() as session:
        return take_in(session, ws.viewer, client_id, ws.now())


def take_in(
    session: Session, viewer: Viewer, client_id: int, now: datetime, by: Viewer | None = None
) -> Taken:
    """``take_lead`` inside a caller's transaction (a deal opened on a free lead takes it: both
    or neither). ``viewer`` takes it (and must be one who may take it); ``by``, when another
    person acts for them (a head or an admin opening the deal), is who the audit row names."""
    c = clients.c
    row = session.execute(
        select(c.id, c.name, c.owner_id, c.region, c.status, c.version).where(c.id == client_id)
    ).first()
    if row is None:
        raise not_found("client", client_id)
    # A lead a colleague has just taken is judged as the free lead it was a moment ago, so
    # the one who came second is told who was first (not that the lead does not exist).
    taken = row.owner_id not in (None, viewer.user_id) and row.status == ClientStatus.LEAD.value
    owner = None if taken else row.owner_id
    require(viewer, Capability.TAKE_LEADS, client_target(client_id, owner, row.region, row.status))
    if row.owner_id == viewer.user_id:
        return Taken(client_id, row.name, row.version, already_yours=True)
    version = session.execute(
        update(clients)
        .where(c.id == client_id, c.owner_id.is_(None))
        .values(versioned(clients, {"owner_id": viewer.user_id}, now))
        .returning(c.version)
    ).scalar()
    if version is None:
        holder = session.scalar(
            select(users.c.full_name)
            .select_from(clients.join(users, users.c.id == c.owner_id))
            .where(c.id == client_id)
        )
        took = session.scalar(
            select(audit_entries.c.id).where(
                audit_entries.c.entity == "client",
                audit_entries.c.entity_id == client_id,
                audit_entries.c.action == "take",
            )
        )
        raise TakenAlready(
            "client.taken",
            # a lead given to the colleague (imported, handed over) was never free to take
            N_("«{name}» was taken first by {holder}")
            if took is not None
            else N_("«{name}» is already {holder}'s client"),
            name=row.name,
            holder=holder or "—",
        )
    record(
        session, at=now, user_id=(by or viewer).user_id, entity="client", entity_id=client_id, action="take",
        changes={"owner_id": [None, viewer.user_id]},
    )  # fmt: skip
    return Taken(client_id, row.name, int(version))
