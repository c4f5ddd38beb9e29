"""The client's installed base (seed 001): what it already owns, ours or a competitor's.

A manager who knows the client runs a rival's equipment bought five years ago knows when to
call; the clients list finds every such client ("owns a competitor's product").
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from sqlalchemy import delete, insert, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.visibility import visible_clients
from crm_tui.domain.audit.changes import change
from crm_tui.domain.errors import InvalidInput, not_found
from crm_tui.domain.values.folding import fold
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import clients, installed_base

_YEAR = re.compile(r"^(19|20)\d\d$")
_MONTH = re.compile(r"^(\d{1,2})[./](\d{4})$")
_DAY = re.compile(r"^(\d{1,2})[./](\d{1,2})[./](\d{4})$")


@dataclass(frozen=True)
class InstalledDraft:
    product: str
    vendor: str = ""
    ours: bool = False
    quantity: int = 1
    acquired: str = ""
    """As people know it: ``2019``, ``03.2021``, ``15.03.2021`` or ISO."""
    note: str = ""


@dataclass(frozen=True)
class InstalledLine:
    id: int
    product: str
    vendor: str | None
    ours: bool
    quantity: int
    acquired_on: date | None
    note: str | None


def parse_acquired(text: str) -> date | None:
    """When it was bought, to the precision people remember: a year, a month or a day."""
    raw = text.strip()
    if not raw:
        return None
    try:
        if _YEAR.match(raw):
            return date(int(raw), 1, 1)
        if match := _MONTH.match(raw):
            return date(int(match.group(2)), int(match.group(1)), 1)
        if match := _DAY.match(raw):
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(
            "installed.acquired_invalid",
            N_("acquired: {text!r} is not a date; write 2019, 03.2021 or 15.03.2021"),
            field="acquired",
            text=text,
        ) from None


def _check_client(session: Session, ws: Workspace, client_id: int) -> None:
    seen = session.scalar(select(clients.c.id).where(clients.c.id == client_id, visible_clients(ws.viewer)))
    if seen is None:
        raise not_found("client", client_id)


def add_installed(ws: Workspace, client_id: int, draft: InstalledDraft) -> int:
    product = " ".join(draft.product.split())
    vendor = " ".join(draft.vendor.split()) or None
    if not product:
        raise InvalidInput(
            "installed.product_missing", N_("product: say what the client owns"), field="product"
        )
    if draft.quantity < 1:
        raise InvalidInput(
            "installed.quantity_invalid",
            N_("quantity: {quantity} is not a number of items (1 or more)"),
            field="quantity",
            quantity=draft.quantity,
        )
    acquired = parse_acquired(draft.acquired)
    now = ws.now()
    if acquired is not None and acquired > now.astimezone(ws.tz).date():
        raise InvalidInput(
            "installed.acquired_future",
            N_("acquired: {date} is in the future"),
            field="acquired",
            date=f"{acquired:%d.%m.%Y}",
        )
    with ws.write() as session:
        _check_client(session, ws, client_id)
        item_id = int(
            session.connection()
            .execute(
                insert(installed_base)
                .values(
                    client_id=client_id,
                    product=product[:200],
                    vendor=vendor[:200] if vendor else None,
                    ours=draft.ours,
                    quantity=draft.quantity,
                    acquired_on=acquired,
                    note=" ".join(draft.note.split())[:1000] or None,
                    search_key=fold(f"{product} {vendor or ''}")[:400],
                    created_at=now,
                    created_by_id=ws.viewer.user_id,
                )
                .returning(installed_base.c.id)
            )
            .scalar_one()
        )
        change(
            session,
            clients,
            client_id,
            at=now,
            user_id=ws.viewer.user_id,
            action="installed_add",
            changes={"product": product, "vendor": vendor, "ours": draft.ours, "quantity": draft.quantity},
        )
        return item_id


def remove_installed(ws: Workspace, item_id: int) -> None:
    """Removed items stay in the audit trail with what they were."""
    with ws.write() as session:
        row = session.execute(select(installed_base).where(installed_base.c.id == item_id)).first()
        if row is None:
            raise not_found("installed_item", item_id)
        _check_client(session, ws, row.client_id)
        session.execute(delete(installed_base).where(installed_base.c.id == item_id))
        change(
            session,
            clients,
            row.client_id,
            at=ws.now(),
            user_id=ws.viewer.user_id,
            action="installed_remove",
            changes={
                "product": row.product,
                "vendor": row.vendor,
                "ours": row.ours,
                "quantity": row.quantity,
            },
        )


def installed_of(session: Session, client_id: int) -> list[InstalledLine]:
    b = installed_base.c
    rows = session.execute(
        select(b.id, b.product, b.vendor, b.ours, b.quantity, b.acquired_on, b.note)
        .where(b.client_id == client_id)
        .order_by(b.ours, b.acquired_on.desc().nulls_last(), b.id)
    )
    return [InstalledLine(*row) for row in rows]
