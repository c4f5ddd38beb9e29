"""What the segments screen shows: counts and sums, the clients of a segment, who moved.

Counts are one grouped read over the covering ``(segment, sales_total)`` index; a segment's
list is a keyset page over ``(segment, last_purchase_on, id)`` or ``(segment, sales_total, id)``,
so the tenth page costs what the first does. Everything goes through ``visible_clients``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import visible_clients
from crm_tui.domain.segments.recompute import SegmentCount, segment_counts
from crm_tui.storage.models import Segment, clients, segment_changes, segment_recomputes, users

PAGE = 50
MOVES_COUNTED = 100_000


class SegmentSort(StrEnum):
    LAST_PURCHASE = "last_purchase"
    VALUE = "value"


@dataclass(frozen=True)
class SegmentCursor:
    key: date | int | None
    id: int


@dataclass(frozen=True)
class SegmentRow:
    id: int
    name: str
    legal_form: str | None
    owner: str | None
    region: str | None
    last_purchase_on: date | None
    sales_total: int
    manual: bool

    def cursor(self, sort: SegmentSort) -> SegmentCursor:
        return SegmentCursor(
            self.last_purchase_on if sort is SegmentSort.LAST_PURCHASE else self.sales_total, self.id
        )


@dataclass(frozen=True)
class SegmentOverview:
    counts: list[SegmentCount]
    recomputed_at: datetime | None
    interval_days: int | None
    interval_source: str | None
    moved: int


@dataclass(frozen=True)
class MoveRow:
    client_id: int
    name: str
    owner: str | None
    before: str | None
    after: str | None


def segment_overview(session: Session, viewer: Viewer) -> SegmentOverview:
    counts = segment_counts(session, visible_clients(viewer))
    r = segment_recomputes.c
    last = session.execute(
        select(r.id, r.at, r.interval_days, r.interval_source).order_by(r.id.desc()).limit(1)
    ).first()
    if last is None:
        return SegmentOverview(counts, None, None, None, 0)
    moved = (
        session.scalar(select(func.count()).select_from(_moves(viewer).limit(MOVES_COUNTED).subquery())) or 0
    )
    return SegmentOverview(counts, last.at, last.interval_days, last.interval_source, moved)


def _after(sort: SegmentSort, cursor: SegmentCursor) -> ColumnElement[bool]:
    """Rows after ``cursor`` in descending key order, clients that never bought last."""
    c = clients.c
    if sort is SegmentSort.VALUE:
        return or_(c.sales_total < cursor.key, and_(c.sales_total == cursor.key, c.id < cursor.id))
    if cursor.key is None:
        return and_(c.last_purchase_on.is_(None), c.id < cursor.id)
    return or_(
        c.last_purchase_on < cursor.key,
        and_(c.last_purchase_on == cursor.key, c.id < cursor.id),
        c.last_purchase_on.is_(None),
    )


def segment_page(
    session: Session,
    viewer: Viewer,
    segment: Segment,
    sort: SegmentSort,
    after: SegmentCursor | None = None,
    limit: int = PAGE,
) -> tuple[list[SegmentRow], bool]:
    """A page of the segment's clients, most recent buyers (or biggest) first; and whether
    there is more."""
    c = clients.c
    order: tuple[Any, ...]
    if sort is SegmentSort.VALUE:
        order = (c.sales_total.desc(), c.id.desc())
    else:
        order = (c.last_purchase_on.desc().nulls_last(), c.id.desc())
    query = (
        select(
            c.id,
            c.name,
            c.legal_form,
            users.c.full_name,
            c.region,
            c.last_purchase_on,
            c.sales_total,
            c.segment_manual,
        )
        .select_from(clients.outerjoin(users, users.c.id == c.owner_id))
        .where(c.segment == segment.value, visible_clients(viewer))
        .order_by(*order)
        .limit(limit + 1)
    )
    if after is not None:
        query = query.where(_after(sort, after))
    rows = [SegmentRow(*row) for row in session.execute(query)]
    return rows[:limit], len(rows) > limit


def _moves(viewer: Viewer) -> Select[Any]:
    r, sc, c = segment_recomputes.c, segment_changes.c, clients.c
    latest = select(r.id).order_by(r.id.desc()).limit(1).scalar_subquery()
    return (
        select(c.id, c.name, users.c.full_name, sc.from_segment, sc.to_segment)
        .select_from(
            segment_changes.join(clients, c.id == sc.client_id).outerjoin(users, users.c.id == c.owner_id)
        )
        .where(sc.recompute_id == latest, visible_clients(viewer))
    )


def segment_moves(session: Session, viewer: Viewer, limit: int = PAGE) -> list[MoveRow]:
    """Clients the latest recompute moved: from one segment to another, into their first one
    (139 clients becoming warm is 139 moves to a person, not 0), or out of every segment."""
    rows = session.execute(_moves(viewer).order_by(segment_changes.c.id).limit(limit))
    return [MoveRow(*row) for row in rows]
