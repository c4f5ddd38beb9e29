"""The funnel kanban's read model: a column per stage with its count and sum, and a page of
cards per column (oldest in the stage first: they need attention), from SQL.

Won and Lost columns show the deals closed in the last ``CLOSED_DAYS`` days, so a column of
ten thousand old wins never has to be read. A deal's stage and its page come from one query
per column, keyset-paged by ``(stage_entered_at, id)``.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, func, select, tuple_
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import visible_deals
from crm_tui.domain.deals.pipelines import stages_of
from crm_tui.domain.deals.stuck import stuck_condition
from crm_tui.storage.models import DealStatus, TaskStatus, clients, deals, stages, tasks, users

CARDS_PER_COLUMN = 20
CLOSED_DAYS = 30


@dataclass(frozen=True)
class KanbanFilter:
    pipeline_id: int
    owner_id: int | None = None
    region: str | None = None
    """Deals of the managers of this region."""
    created_from: datetime | None = None
    """Only deals created from this moment (the period filter)."""


@dataclass(frozen=True)
class KanbanCard:
    id: int
    title: str
    client: str
    amount: int
    owner: str | None
    stage_entered_at: datetime
    version: int
    next_task: str | None
    next_due: datetime | None
    stuck: bool

    def days_in_stage(self, now: datetime) -> int:
        return (now - self.stage_entered_at).days


@dataclass
class KanbanColumn:
    stage_id: int
    name: str
    is_won: bool
    is_lost: bool
    stuck_after_days: int | None
    count: int = 0
    amount: int = 0
    cards: list[KanbanCard] = field(default_factory=list)
    has_more: bool = False


def _where(
    viewer: Viewer, flt: KanbanFilter, now: datetime, closed: bool, statuses: tuple[str, ...] = ()
) -> list[ColumnElement[bool]]:
    """Open deals, or (``closed``) those closed in the last ``CLOSED_DAYS``: conditions that
    ``ix_deals_board`` answers, rather than one OR that makes the engine read every deal."""
    d = deals.c
    conditions = [
        visible_deals(viewer),
        d.pipeline_id == flt.pipeline_id,
    ]
    if closed:
        conditions += [
            d.status.in_(statuses or (DealStatus.WON.value, DealStatus.LOST.value)),
            d.closed_at >= now - timedelta(days=CLOSED_DAYS),
        ]
    else:
        conditions.append(d.status == DealStatus.OPEN.value)
    if flt.owner_id is not None:
        conditions.append(d.owner_id == flt.owner_id)
    if flt.region is not None:
        conditions.append(d.owner_id.in_(select(users.c.id).where(users.c.region == flt.region)))
    if flt.created_from is not None:
        conditions.append(d.created_at >= flt.created_from)
    return conditions


def column_cards(
    session: Session,
    viewer: Viewer,
    flt: KanbanFilter,
    stage_id: int,
    now: datetime,
    after: tuple[datetime, int] | None = None,
    limit: int = CARDS_PER_COLUMN,
    newest_first: bool = False,
) -> tuple[list[KanbanCard], bool]:
    """A page of a column: open stages oldest in the stage first (they need attention), Won and
    Lost newest first; both walk ``ix_deals_stage_entered``."""
    d = deals.c
    order = (d.stage_entered_at.desc(), d.id.desc()) if newest_first else (d.stage_entered_at, d.id)
    # The page's ids first (an index walk or a sort of small keys), the card's details and its
    # next task only for the page: never a subquery per deal of a ten-thousand-deal column.
    page = select(d.id).where(*_where(viewer, flt, now, newest_first), d.stage_id == stage_id)
    if after is not None:
        key = tuple_(d.stage_entered_at, d.id)
        page = page.where(key < tuple_(*after) if newest_first else key > tuple_(*after))
    ids = [row[0] for row in session.execute(page.order_by(*order).limit(limit + 1))]
    rows = _cards(session, ids, order, now)
    return rows[:limit], len(rows) > limit


def _cards(
    session: Session, ids: Sequence[int], order: tuple[ColumnElement[Any], ...], now: datetime
) -> list[KanbanCard]:
    """The cards of the deals ``ids``, in ``order``: details and the next task for these only."""
    if not ids:
        return []
    d, t = deals.c, tasks.c
    next_task = (
        select(t.title, t.due_at)
        .where(t.deal_id == d.id, t.status == TaskStatus.OPEN.value)
        .order_by(t.due_at, t.id)
        .limit(1)
        .correlate(deals)
    )
    stuck = stuck_condition(session, now)
    query = (
        select(
            d.id,
            d.title,
            clients.c.name,
            d.amount,
            users.c.full_name,
            d.stage_entered_at,
            d.version,
            next_task.with_only_columns(t.title).scalar_subquery(),
            next_task.with_only_columns(t.due_at).scalar_subquery(),
            stuck,
        )
        .select_from(
            deals.join(clients, clients.c.id == d.client_id).outerjoin(users, users.c.id == d.owner_id)
        )
        .where(d.id.in_(ids))
        .order_by(*order)
    )
    return [
        KanbanCard(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], bool(r[9]))
        for r in session.execute(query)
    ]


def kanban(
    session: Session, viewer: Viewer, flt: KanbanFilter, now: datetime, first: Collection[int] = ()
) -> list[KanbanColumn]:
    """The board: every stage's count and sum, and its first page of cards. The open deals
    ``first`` names (the ones just made on the kanban, which would otherwise sit at the end of a
    long column, oldest first) lead their column's page, so the person sees what they made."""
    d, s = deals.c, stages.c
    limits = dict(
        session.execute(select(s.id, s.stuck_after_days).where(s.pipeline_id == flt.pipeline_id)).all()
    )
    columns = [
        KanbanColumn(x.id, x.name, x.is_won, x.is_lost, limits.get(x.id))
        for x in stages_of(session, flt.pipeline_id)
    ]
    by_id = {c.stage_id: c for c in columns}
    # one status at a time: an equality on status lets the board index serve the grouping too
    for closed, statuses in ((False, ()), (True, (DealStatus.WON.value,)), (True, (DealStatus.LOST.value,))):
        for stage_id, n, amount in session.execute(
            select(d.stage_id, func.count(), func.coalesce(func.sum(d.amount), 0))
            .where(*_where(viewer, flt, now, closed, statuses))
            .group_by(d.stage_id)
        ):
            if stage_id in by_id:
                by_id[stage_id].count, by_id[stage_id].amount = int(n), int(amount)
    for column in columns:
        if column.count:
            closed = column.is_won or column.is_lost
            column.cards, column.has_more = column_cards(
                session, viewer, flt, column.stage_id, now, newest_first=closed
            )
    if first:
        _put_first(session, viewer, flt, now, first, by_id)
    return columns


def board_card(
    session: Session, viewer: Viewer, flt: KanbanFilter, deal_id: int, now: datetime
) -> tuple[int, KanbanCard] | None:
    """The open deal ``deal_id``'s stage and card as the board under ``flt`` shows it, or None
    when the board does not show it (another manager's under a manager filter, not open). What
    the kanban needs to put a deal just made into its column without reading the board again."""
    d = deals.c
    stage_id = session.scalar(select(d.stage_id).where(*_where(viewer, flt, now, False), d.id == deal_id))
    if stage_id is None:
        return None
    cards = _cards(session, [deal_id], (d.id,), now)
    return (int(stage_id), cards[0]) if cards else None


def _put_first(
    session: Session,
    viewer: Viewer,
    flt: KanbanFilter,
    now: datetime,
    first: Collection[int],
    by_id: dict[int, KanbanColumn],
) -> None:
    """``first``'s open deals, newest first, at the head of their columns (once)."""
    d = deals.c
    order = (d.stage_entered_at.desc(), d.id.desc())
    found = session.execute(
        select(d.id, d.stage_id).where(*_where(viewer, flt, now, False), d.id.in_(list(first)))
    ).all()
    stage_of = {deal_id: stage_id for deal_id, stage_id in found}
    ahead: dict[int, list[KanbanCard]] = {}
    for card in _cards(session, list(stage_of), order, now):
        ahead.setdefault(stage_of[card.id], []).append(card)
    for stage_id, cards in ahead.items():
        column = by_id.get(stage_id)
        if column is not None:
            column.cards = [*cards, *(c for c in column.cards if c.id not in stage_of)]


def stage_after(columns: list[KanbanColumn], stage_id: int, step: int) -> KanbanColumn | None:
    """The column a card moves to with ``]`` (+1) or ``[`` (-1): the next open stage, Won after
    the last one; never Lost (that needs a reason, and has its own key)."""
    order = [c for c in columns if not c.is_lost]
    ids = [c.stage_id for c in order]
    if stage_id not in ids:
        return None
    index = ids.index(stage_id) + step
    return order[index] if 0 <= index < len(order) else None


def lost_column(columns: list[KanbanColumn]) -> KanbanColumn | None:
    return next((c for c in columns if c.is_lost), None)
