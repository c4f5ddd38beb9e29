"""Who already has this client: asked before a client is saved, so managers do not overlap.

Seed 003: two managers working one company is how bases get doubles and clients get two calls.
Before a new client (or an edit, an import row, an inbound contact) is saved, its valid INN,
phones and e-mails are looked up; the person sees the client they belong to and its owner
("belongs to Petrov, Lipetsk") whether or not they may open that client, and decides.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, can, client_target
from crm_tui.domain.values.requisites import is_valid_inn
from crm_tui.i18n import _
from crm_tui.storage.models import ChannelKind, channels, clients, users


@dataclass(frozen=True)
class Holder:
    """A client that already has one of the keys."""

    client_id: int
    client_name: str
    owner: str | None
    region: str | None
    matched: str
    visible: bool

    def describe(self) -> str:
        if self.owner and self.region:
            text = _("{matched}: «{name}» (client {id}) belongs to {owner}, {region}")
        elif self.owner:
            text = _("{matched}: «{name}» (client {id}) belongs to {owner}")
        elif self.region:
            text = _("{matched}: «{name}» (client {id}) has no owner, {region}")
        else:
            text = _("{matched}: «{name}» (client {id}) has no owner")
        shown = {"matched": self.matched, "name": self.client_name, "id": self.client_id}
        return text.format(**shown, owner=self.owner, region=self.region)


def who_has(
    session: Session,
    viewer: Viewer,
    *,
    inn: str | None = None,
    phones: Iterable[str] = (),
    emails: Iterable[str] = (),
    exclude: int | None = None,
) -> list[Holder]:
    """Clients holding the valid ``inn`` or any of the normalised ``phones`` / ``emails``."""
    conditions = []
    phone_list, email_list = sorted(set(phones)), sorted(set(emails))
    if phone_list:
        conditions.append(and_(channels.c.kind == ChannelKind.PHONE.value, channels.c.value.in_(phone_list)))
    if email_list:
        conditions.append(and_(channels.c.kind == ChannelKind.EMAIL.value, channels.c.value.in_(email_list)))
    matched: dict[int, str] = {}
    if inn and is_valid_inn(inn):
        for client_id in session.scalars(select(clients.c.id).where(clients.c.inn == inn)):
            matched.setdefault(client_id, _("INN {inn}").format(inn=inn))
    if conditions:
        for client_id, kind, value in session.execute(
            select(channels.c.client_id, channels.c.kind, channels.c.value).where(or_(*conditions))
        ):
            label = _("phone {value}") if kind == ChannelKind.PHONE.value else _("e-mail {value}")
            matched.setdefault(client_id, label.format(value=value))
    if exclude is not None:
        matched.pop(exclude, None)
    if not matched:
        return []
    rows = session.execute(
        select(
            clients.c.id,
            clients.c.name,
            clients.c.owner_id,
            clients.c.region,
            clients.c.status,
            users.c.full_name,
        )
        .outerjoin(users, users.c.id == clients.c.owner_id)
        .where(clients.c.id.in_(sorted(matched)))
        .order_by(clients.c.id)
    )
    return [
        Holder(
            client_id=row.id,
            client_name=row.name,
            owner=row.full_name,
            region=row.region,
            matched=matched[row.id],
            visible=can(
                viewer, Capability.SEE_CLIENTS, client_target(row.id, row.owner_id, row.region, row.status)
            ),
        )
        for row in rows
    ]
