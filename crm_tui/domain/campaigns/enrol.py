"""Enrolling an audience: a recipient row and one outbox row per step, with its Message-ID.

Everything a letter needs to be sent exactly once is written here, in one transaction, before
any letter goes out: the outbox row is unique per recipient and step, so enrolling twice adds
nobody twice. Who is left out, and why, is counted: no e-mail, on the suppression list, no
consent to advertising (38-FZ art. 18), no sender (the owner has no address).
"""

from __future__ import annotations

import secrets
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, insert, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.users import viewer_of
from crm_tui.domain.access.visibility import clients_within
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.campaigns.setup import find_campaign, steps_of
from crm_tui.domain.campaigns.stops import suppressed_addresses
from crm_tui.domain.clients.listing import ClientFilter, filter_conditions
from crm_tui.domain.clients.search import like_condition
from crm_tui.domain.clients.search_keys import search_patterns
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import (
    CampaignKind,
    ChannelKind,
    OutboxState,
    RecipientState,
    campaign_recipients,
    channels,
    clients,
    mail_consents,
    mail_senders,
    outbox,
    users,
)


@dataclass
class Enrolled:
    campaign: str
    enrolled: int = 0
    letters: int = 0
    left_out: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        return {
            "campaign": self.campaign,
            "enrolled": self.enrolled,
            "letters": self.letters,
            "left_out": dict(sorted(self.left_out.items())),
        }


def pending_letter(
    campaign_id: int,
    recipient_id: int,
    step_id: int,
    sender_id: int,
    sender_address: str,
    address: str,
    due: datetime,
) -> dict[str, Any]:
    """One outbox row of a campaign's step for a recipient, its Message-ID made before it is
    ever sent (the identity a reply, a bounce or a resend is matched by)."""
    return {
        "campaign_id": campaign_id,
        "recipient_id": recipient_id,
        "step_id": step_id,
        "sender_id": sender_id,
        "address": address,
        "message_id": message_id(sender_address),
        "state": OutboxState.PENDING.value,
        "due_at": due,
        "next_try": due,
        "attempts": 0,
    }


def write_letters(session: Session, letters: list[dict[str, Any]]) -> None:
    """The rows in chunks a statement's parameters can hold on both databases."""
    for start in range(0, len(letters), 5000):
        session.execute(insert(outbox), letters[start : start + 5000])


def _audience(
    session: Session, audience: dict[str, Any], client_ids: list[int] | None, author: Viewer | None
) -> list[tuple[int, int | None]]:
    """(client id, owner id) of the audience's clients: every condition it holds (a saved
    clients filter's search and installed base are the clients list's own conditions)."""
    query = select(clients.c.id, clients.c.owner_id).order_by(clients.c.id)
    if audience.get("segment"):
        query = query.where(clients.c.segment == audience["segment"])
    if audience.get("status"):
        query = query.where(clients.c.status == audience["status"])
    if audience.get("region"):
        query = query.where(clients.c.region == audience["region"])
    if audience.get("owner"):
        owner = select(users.c.id).where(users.c.login == audience["owner"]).scalar_subquery()
        query = query.where(clients.c.owner_id == owner)
    if audience.get("owns") or audience.get("product"):
        # "any": the item exists, ours or not (the clients list's owns condition takes it so).
        flt = ClientFilter(owns=audience.get("owns") or "any", product=str(audience.get("product") or ""))
        query = query.where(*filter_conditions(flt))
    patterns = search_patterns(str(audience.get("search") or ""))
    if patterns:
        query = query.where(like_condition(patterns))
    if audience.get("clients") is not None:
        query = query.where(clients.c.id.in_([int(i) for i in audience["clients"]]))
    if client_ids is not None:
        query = query.where(clients.c.id.in_(client_ids))
    if author is not None:  # a head's campaign reaches the head's region, whoever enrols
        query = query.where(clients_within(author, Capability.SEE_CLIENTS))
    return [(int(c), o) for c, o in session.execute(query)]


def _addresses(session: Session, client_ids: list[int]) -> dict[int, tuple[str, int | None]]:
    """Each client's address to write to: a contact's first e-mail, else the client's own."""
    chosen: dict[int, tuple[str, int | None]] = {}
    for start in range(0, len(client_ids), 1000):
        chunk = client_ids[start : start + 1000]
        rows = session.execute(
            select(channels.c.client_id, channels.c.value, channels.c.contact_id)
            .where(and_(channels.c.kind == ChannelKind.EMAIL.value, channels.c.client_id.in_(chunk)))
            .order_by(channels.c.client_id, channels.c.contact_id.is_(None), channels.c.id)
        )
        for client_id, value, contact_id in rows:
            chosen.setdefault(int(client_id), (str(value), contact_id))
    return chosen


def message_id(sender: str) -> str:
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "crm.invalid"
    return f"{uuid.uuid4().hex}@{domain}"


def enrol(ws: Workspace, ref: str, client_ids: list[int] | None = None) -> Enrolled:
    """Enrol the campaign's audience (or only ``client_ids`` of it) not enrolled yet."""
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    now = ws.now()
    with ws.write() as session:
        campaign = find_campaign(session, ref)
        return enrol_in(session, campaign, now, ws.viewer.user_id, client_ids)


def enrol_in(
    session: Session,
    campaign: dict[str, Any],
    now: datetime,
    user_id: int | None,
    client_ids: list[int] | None,
) -> Enrolled:
    result = Enrolled(campaign["name"])
    steps = steps_of(session, campaign["id"])
    author = viewer_of(session, int(campaign["user_id"])) if campaign.get("user_id") else None
    audience = _audience(session, campaign["audience"], client_ids, author)
    there = set(
        session.scalars(
            select(campaign_recipients.c.client_id).where(campaign_recipients.c.campaign_id == campaign["id"])
        )
    )
    audience = [(c, o) for c, o in audience if c not in there]
    addresses = _addresses(session, [c for c, _ in audience])
    stopped = suppressed_addresses(session, [a for a, _ in addresses.values()])
    consented: set[str] = set()
    if campaign["kind"] == CampaignKind.ADVERTISING.value:
        wanted = sorted({a for a, _ in addresses.values()})
        for start in range(0, len(wanted), 1000):
            consented |= set(
                session.scalars(
                    select(mail_consents.c.address).where(
                        mail_consents.c.address.in_(wanted[start : start + 1000])
                    )
                )
            )
    senders = {
        (None if r.user_id is None else int(r.user_id)): (int(r.id), str(r.address))
        for r in session.execute(select(mail_senders.c.id, mail_senders.c.user_id, mail_senders.c.address))
    }
    shared = None
    if campaign["sender_id"] is not None:
        shared = next(v for v in senders.values() if v[0] == campaign["sender_id"])
    recipients: list[dict[str, Any]] = []
    sender_of: dict[int, tuple[int, str]] = {}
    for client_id, owner_id in audience:
        found = addresses.get(client_id)
        if found is None:
            result.left_out["no_email"] += 1
            continue
        address, contact_id = found
        if address in stopped:
            result.left_out["suppressed"] += 1
            continue
        if campaign["kind"] == CampaignKind.ADVERTISING.value and address not in consented:
            result.left_out["no_consent"] += 1
            continue
        sender = shared or (senders.get(owner_id) if owner_id is not None else None)
        if sender is None:
            result.left_out["no_sender"] += 1
            continue
        sender_of[client_id] = sender
        recipients.append(
            {
                "campaign_id": campaign["id"],
                "client_id": client_id,
                "contact_id": contact_id,
                "address": address,
                "enrolled_at": now,
                "state": RecipientState.ACTIVE.value,
                "token": secrets.token_urlsafe(24),
            }
        )
    if not recipients:
        return result
    made = session.execute(
        insert(campaign_recipients).returning(
            campaign_recipients.c.id, campaign_recipients.c.client_id, campaign_recipients.c.address
        ),
        recipients,
    ).all()
    letters: list[dict[str, Any]] = []
    for recipient_id, client_id, address in made:
        sender_id, sender_address = sender_of[int(client_id)]
        for step in steps:
            due = now + timedelta(days=int(step["day_offset"]))
            letters.append(
                pending_letter(
                    campaign["id"], recipient_id, step["id"], sender_id, sender_address, address, due
                )
            )
    write_letters(session, letters)
    result.enrolled = len(made)
    result.letters = len(letters)
    audit.record(
        session,
        at=now,
        user_id=user_id,
        entity="campaign",
        entity_id=campaign["id"],
        action="enrol",
        changes=result.as_json(),
    )
    return result
