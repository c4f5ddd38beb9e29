"""A request becomes a client (with its contact and, if asked, a deal) or is linked to one.

Before a client is made the base is asked who already has the request's numbers, addresses or
INN (``clients.overlap``, the check every new client goes through): "«Ромашка» belongs to
Иванова: link instead?" and nothing is saved unless the person insists. The deal opens through
``deals.new_deal.open_deal`` (the pipeline's first open stage, its history, audit and playbook
task) in the same transaction. Every touch of the request moves to the client's timeline; the
request keeps the client, the contact and the deal it became.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, client_target, require
from crm_tui.domain.access.visibility import visible_clients
from crm_tui.domain.audit.changes import change
from crm_tui.domain.clients.overlap import Holder, who_has
from crm_tui.domain.clients.records import ChannelDraft, ClientDraft, ContactDraft, create_client
from crm_tui.domain.deals.new_deal import DealDraft, open_deal
from crm_tui.domain.errors import InvalidInput, not_found
from crm_tui.domain.leads.records import (
    ANSWER_ORIGIN,
    ESCALATION_ORIGIN,
    close_lead_tasks,
    load_head,
    require_open,
)
from crm_tui.domain.values.legal_forms import split_legal_form
from crm_tui.domain.values.requisites import normalise_inn_kpp
from crm_tui.domain.values.typed import read_typed
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import (
    ChannelKind,
    ClientKind,
    ClientStatus,
    LeadStatus,
    clients,
    contacts,
    interactions,
    lead_addresses,
    leads,
    tasks,
)


@dataclass(frozen=True)
class Conversion:
    """What the client is to be: its name (empty: the request's company, else the person), its
    INN, and a deal to open (empty title: none)."""

    name: str = ""
    inn: str = ""
    deal_title: str = ""
    amount: str = ""
    pipeline: str = ""


@dataclass
class Converted:
    """``client_id`` is None when nothing was saved because ``holders`` have the client."""

    lead_id: int
    client_id: int | None
    contact_id: int | None = None
    deal_id: int | None = None
    holders: list[Holder] = field(default_factory=list)


def _addresses(session: Session, lead_id: int) -> list[ChannelDraft]:
    a = lead_addresses.c
    return [
        ChannelDraft(ChannelKind(kind), value, raw)
        for kind, value, raw in session.execute(
            select(a.kind, a.value, a.raw).where(a.lead_id == lead_id, a.valid.is_(True)).order_by(a.id)
        )
        if kind in (ChannelKind.PHONE.value, ChannelKind.EMAIL.value)
    ]


def _move_history(session: Session, lead_id: int, client_id: int) -> None:
    """The request's touches and tasks onto the client: its timeline shows them from now on."""
    session.execute(update(interactions).where(interactions.c.lead_id == lead_id).values(client_id=client_id))
    session.execute(
        update(tasks)
        .where(tasks.c.origin.in_([f"{ANSWER_ORIGIN}{lead_id}", f"{ESCALATION_ORIGIN}{lead_id}"]))
        .values(client_id=client_id)
    )


def _close(
    session: Session,
    ws: Workspace,
    lead_id: int,
    seen: int,
    now: datetime,
    action: str,
    values: dict[str, object],
) -> None:
    change(
        session, leads, lead_id,
        {"status": LeadStatus.CONVERTED.value, "closed_at": now, **values},
        at=now, user_id=ws.viewer.user_id, seen=seen, action=action, changes=values,
    )  # fmt: skip
    close_lead_tasks(session, lead_id, now, action, done=True)


def convert_request(ws: Workspace, lead_id: int, how: Conversion, *, anyway: bool = False) -> Converted:
    inn, _ = read_typed("inn", normalise_inn_kpp, how.inn, N_("an INN"), label=N_("inn"))
    now = ws.now()
    with ws.write() as session:
        lead = load_head(session, lead_id)
        require(ws.viewer, Capability.WORK_LEADS, lead.target)
        require_open(lead)
        typed = " ".join(how.name.split()) or lead.company_name or lead.person_name or ""
        split = split_legal_form(typed)
        if not split.value.name:
            raise InvalidInput("client.name_missing", N_("name: a client needs a name"), field="name")
        channels = _addresses(session, lead_id)
        holders = who_has(
            session,
            ws.viewer,
            inn=inn,
            phones=[c.value for c in channels if c.kind is ChannelKind.PHONE],
            emails=[c.value for c in channels if c.kind is ChannelKind.EMAIL],
        )
        if holders and not anyway:
            return Converted(lead_id, None, holders=holders)
        region, owner_id = session.execute(
            select(leads.c.region, leads.c.owner_id).where(leads.c.id == lead_id)
        ).one()
        person = lead.person_name
        company = bool(lead.company_name) or bool(how.name.strip())
        draft = ClientDraft(
            name=split.value.name,
            kind=ClientKind.COMPANY if company else ClientKind.PERSON,
            legal_form=split.value.form,
            inn=inn,
            region=region,
            owner_id=owner_id if owner_id is not None else ws.viewer.user_id,
            status=ClientStatus.PROSPECT if how.deal_title.strip() else ClientStatus.LEAD,
            contacts=[ContactDraft(person, None, channels)] if person else [],
            channels=[] if person else channels,
        )
        client_id = create_client(session, ws.viewer, draft, now)
        contact_id = session.scalar(select(contacts.c.id).where(contacts.c.client_id == client_id).limit(1))
        _move_history(session, lead_id, client_id)
        deal_id = None
        if how.deal_title.strip():
            deal_id = open_deal(
                session, ws, DealDraft(str(client_id), how.deal_title, how.amount, how.pipeline)
            ).id
        _close(
            session, ws, lead_id, lead.version, now, "convert",
            {"client_id": client_id, "contact_id": contact_id, "deal_id": deal_id},
        )  # fmt: skip
    return Converted(lead_id, client_id, contact_id, deal_id, holders)


def link_request(ws: Workspace, lead_id: int, client_id: int) -> Converted:
    """The request belongs to a client the base has: its touches go to that client's timeline."""
    now = ws.now()
    with ws.write() as session:
        lead = load_head(session, lead_id)
        require(ws.viewer, Capability.WORK_LEADS, lead.target)
        require_open(lead)
        c = clients.c
        row = session.execute(
            select(c.id, c.owner_id, c.region, c.status).where(c.id == client_id, visible_clients(ws.viewer))
        ).first()
        if row is None:
            raise not_found("client", client_id)
        require(
            ws.viewer, Capability.SEE_CLIENTS, client_target(row.id, row.owner_id, row.region, row.status)
        )
        _move_history(session, lead_id, client_id)
        _close(session, ws, lead_id, lead.version, now, "link", {"client_id": client_id})
    return Converted(lead_id, client_id)
