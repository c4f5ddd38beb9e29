"""Day 30 of the drip (seed 000): those who got every letter and never answered, as a call list
for their managers, and with ``tasks`` a call task for each of them on its owner's desk."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.visibility import visible_clients
from crm_tui.domain.base_language import base_text
from crm_tui.domain.campaigns.setup import find_campaign
from crm_tui.domain.exports import write_workbook
from crm_tui.domain.tasks.create import open_task
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import NC_, _
from crm_tui.storage.models import (
    ChannelKind,
    TaskKind,
    TaskStatus,
    campaign_recipients,
    channels,
    clients,
    contacts,
    outbox,
    tasks,
    users,
)


@dataclass(frozen=True)
class Nonresponder:
    client_id: int
    client: str
    contact: str
    phones: str
    owner: str
    owner_id: int | None
    letters: int

    def as_json(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k != "owner_id"}


def _rows(session: Session, viewer: Viewer, campaign_id: int, since: Any) -> list[Nonresponder]:
    letters = (
        select(
            outbox.c.recipient_id,
            func.count().label("total"),
            func.sum(case((outbox.c.state == "sent", 1), else_=0)).label("sent"),
        )
        .where(outbox.c.campaign_id == campaign_id)
        .group_by(outbox.c.recipient_id)
        .subquery()
    )
    found = session.execute(
        select(
            campaign_recipients.c.client_id,
            clients.c.name,
            contacts.c.full_name,
            users.c.full_name,
            clients.c.owner_id,
            letters.c.sent,
        )
        .join(letters, letters.c.recipient_id == campaign_recipients.c.id)
        .join(clients, clients.c.id == campaign_recipients.c.client_id)
        .outerjoin(contacts, contacts.c.id == campaign_recipients.c.contact_id)
        .outerjoin(users, users.c.id == clients.c.owner_id)
        .where(
            campaign_recipients.c.campaign_id == campaign_id,
            campaign_recipients.c.replied_at.is_(None),
            campaign_recipients.c.stop_reason.is_(None),
            campaign_recipients.c.enrolled_at <= since,
            letters.c.sent == letters.c.total,
            visible_clients(viewer),
        )
        .order_by(users.c.full_name, clients.c.name_key)
    ).all()
    phones: dict[int, list[str]] = {}
    ids = [int(r[0]) for r in found]
    for start in range(0, len(ids), 1000):
        for client_id, value in session.execute(
            select(channels.c.client_id, channels.c.value)
            .where(
                channels.c.client_id.in_(ids[start : start + 1000]),
                channels.c.kind == ChannelKind.PHONE.value,
            )
            .order_by(channels.c.id)
        ):
            phones.setdefault(int(client_id), []).append(str(value))
    return [
        Nonresponder(
            int(c), str(n), str(p or ""), ", ".join(phones.get(int(c), [])), str(o or ""), oid, int(s or 0)
        )
        for c, n, p, o, oid, s in found
    ]


def nonresponders(
    ws: Workspace, ref: str, *, day: int = 30, xlsx: Path | None = None, make_tasks: bool = False
) -> tuple[list[Nonresponder], int]:
    """Those ``day`` days or more in the campaign who got every letter and never answered, of
    the clients ``ws.viewer`` sees (a head calls the region's, not another region's); the
    call list written to ``xlsx``; with ``make_tasks`` a call task for each (once). Returns the
    rows and how many tasks were opened."""
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    now = ws.now()
    with ws.write() if make_tasks else ws.read() as session:
        campaign = find_campaign(session, ref)
        rows = _rows(session, ws.viewer, campaign["id"], now - timedelta(days=day))
        opened = 0
        if make_tasks:
            origin = f"campaign:{campaign['id']}"
            have = set(
                session.scalars(
                    select(tasks.c.client_id).where(
                        tasks.c.origin == origin, tasks.c.status == TaskStatus.OPEN.value
                    )
                )
            )
            title = base_text(session, "task", NC_("task", "Call after the mailing «{campaign}»: {client}"))
            for row in rows:
                if row.client_id in have:
                    continue
                open_task(
                    session,
                    title=title.format(campaign=campaign["name"], client=row.client),
                    kind=TaskKind.CALL.value,
                    due=now,
                    assignee_id=row.owner_id,
                    client_id=row.client_id,
                    by_user_id=ws.viewer.user_id,
                    now=now,
                    origin=origin,
                )
                opened += 1
    if xlsx is not None:
        header = [_("Client"), _("Contact"), _("Phones"), _("Owner"), _("Letters sent")]
        write_workbook(
            xlsx, _("Call list"), header, [[r.client, r.contact, r.phones, r.owner, r.letters] for r in rows]
        )
    return rows, opened
