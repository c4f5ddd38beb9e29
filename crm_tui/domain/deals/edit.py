"""Editing a deal (title, amount, close date, owner) and listing deals: the deal screen's `e`,
`crm deal edit`, `crm deal list`.

An edit carries the version the person read: a colleague's save in between refuses it
(``audit.changes.change``), never overwritten. A deal with lines has their sum as its amount, so
its amount is changed through its lines (``deals.lines``). Moving a deal is ``moves``' business.

A won or lost deal keeps the figures it closed with: its amount, lines, owner and close date are
in the plan, the KPIs and the manager's pay, so they are refused (``closed_figures``); its title
may still be corrected. To change them, the deal is moved back to an open stage (audited), as a
sale that fell through is. An invoiced deal that is still open may change: an invoice is a
document of its own (its number, amount and file are kept as made), and the next one made
follows the deal.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.visibility import require_seen_client, visible_deals
from crm_tui.domain.audit.changes import change, stale
from crm_tui.domain.deals.moves import deal_target, load_deal
from crm_tui.domain.deals.new_deal import (
    TITLE_LENGTH,
    check_owner_sees,
    owner_for,
    read_amount,
    read_close,
    read_title,
    refuse,
)
from crm_tui.domain.values.folding import fold
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import DealStatus, clients, deal_lines, deals, stages, users

EDITABLE = ("title", "amount", "close", "owner")
"""What ``--set field=value`` may name."""
CLOSED_FIGURES = ("amount", "close", "owner")
"""What a closed deal refuses of ``EDITABLE`` (and its lines)."""
_CLOSED = {
    DealStatus.WON.value: N_(
        "deal {id} is won: its amount, lines, owner and close date stay as it closed; move it back to an "
        "open stage to change them"
    ),
    DealStatus.LOST.value: N_(
        "deal {id} is lost: its amount, lines, owner and close date stay as it closed; move it back to an "
        "open stage to change them"
    ),
}
LIST_LIMIT = 200


def edit_deal(ws: Workspace, deal_id: int, version: int, typed: Mapping[str, str]) -> int:
    """Save the fields ``typed`` (of ``EDITABLE``, as text) on a deal read at ``version``;
    returns the new version."""
    unknown = sorted(set(typed) - set(EDITABLE))
    if unknown:
        raise refuse(
            unknown[0], "deal.field_unknown", N_("no deal field {name!r}: use {fields}"),
            name=unknown[0], fields=", ".join(EDITABLE),
        )  # fmt: skip
    now = ws.now()
    with ws.write() as session:
        deal = load_deal(session, deal_id)
        require(ws.viewer, Capability.EDIT_DEALS, deal_target(deal))
        if deal.version != version:
            raise stale("deal", deal.title)
        for name in CLOSED_FIGURES:
            if name in typed:
                closed_figures(deal.id, deal.status, name)
        current = session.execute(
            select(deals.c.title, deals.c.amount, deals.c.expected_close, deals.c.owner_id).where(
                deals.c.id == deal_id
            )
        ).one()
        values: dict[str, object] = {}
        before: dict[str, object] = {}
        if "title" in typed:
            title = read_title(typed["title"])
            values |= {"title": title, "title_key": fold(title)[:TITLE_LENGTH]}
            before["title"] = [current.title, title]
        if "amount" in typed:
            if has_lines(session, deal_id):
                raise refuse(
                    "amount",
                    "deal.amount_from_lines",
                    N_("the deal's amount is the sum of its lines: change the lines"),
                )
            amount = read_amount(typed["amount"])
            values["amount"] = amount
            before["amount"] = [current.amount, amount]
        if "close" in typed:
            close = read_close(ws, typed["close"])
            values["expected_close"] = close
            before["expected_close"] = [_iso(current.expected_close), _iso(close)]
        if "owner" in typed:
            if not typed["owner"].strip():
                raise refuse("owner", "deal.owner_missing", N_("say whose deal it is"))
            owner = owner_for(session, ws.viewer, typed["owner"], None)
            check_owner_sees(session, owner, deal.client_id)
            values["owner_id"] = owner
            before["owner_id"] = [current.owner_id, owner]
        return change(
            session,
            deals,
            deal_id,
            values,
            at=now,
            user_id=ws.viewer.user_id,
            seen=version,
            refused=lambda: stale("deal", deal.title),
            action="edit",
            changes=before,
        )


def closed_figures(deal_id: int, status: str, field_name: str) -> None:
    """Refuse a change of a closed deal's ``field_name`` (one of ``CLOSED_FIGURES`` or "line")."""
    if status in _CLOSED:
        raise refuse(field_name, "deal.closed", _CLOSED[status], id=deal_id, status=status)


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def has_lines(session: Session, deal_id: int) -> bool:
    return session.scalar(select(deal_lines.c.id).where(deal_lines.c.deal_id == deal_id).limit(1)) is not None


@dataclass(frozen=True)
class DealQuery:
    owner_id: int | None = None
    stage_id: int | None = None
    client_id: int | None = None
    open_only: bool = False


@dataclass(frozen=True)
class DealListRow:
    id: int
    title: str
    client_id: int
    client: str
    stage: str
    status: str
    owner: str | None
    """The owner's login (``owner_name`` is their full name)."""
    amount: int
    expected_close: date | None
    version: int
    owner_name: str | None = None


def list_deals(
    session: Session, viewer: Viewer, query: DealQuery, limit: int = LIST_LIMIT
) -> list[DealListRow]:
    """The deals ``viewer`` sees that ``query`` asks for, open first, then the latest changed; a
    client out of the viewer's scope is not found, as a missing one."""
    d = deals.c
    where = [visible_deals(viewer)]
    if query.owner_id is not None:
        where.append(d.owner_id == query.owner_id)
    if query.stage_id is not None:
        where.append(d.stage_id == query.stage_id)
    if query.client_id is not None:
        require_seen_client(session, viewer, query.client_id)
        where.append(d.client_id == query.client_id)
    if query.open_only:
        where.append(d.status == DealStatus.OPEN.value)
    rows = session.execute(
        select(
            d.id,
            d.title,
            d.client_id,
            clients.c.name,
            stages.c.name,
            d.status,
            users.c.login,
            d.amount,
            d.expected_close,
            d.version,
            users.c.full_name,
        )
        .select_from(
            deals.join(clients, clients.c.id == d.client_id)
            .join(stages, stages.c.id == d.stage_id)
            .outerjoin(users, users.c.id == d.owner_id)
        )
        .where(*where)
        .order_by(case((d.status == DealStatus.OPEN.value, 0), else_=1), d.updated_at.desc(), d.id.desc())
        .limit(limit)
    )
    return [DealListRow(*cast("tuple[Any, ...]", row)) for row in rows]
