"""Recomputing every client's segment from the sales history, set-based in SQL.

One write transaction: the purchase statistics of every client are aggregated in one pass over
the documents into a temporary table, the rule (``segment_rules.segment_of``) is evaluated in
one ``INSERT ... SELECT`` that writes a ``segment_changes`` row for each client whose segment
differs, and the clients are updated from those rows. A client whose segment stays is not
written at all, so a second run in a row changes nothing. Manual segments are left alone.

The clients' versions do not move and no audit row is written per client (the ``segment_changes``
rows are this job's trail): a segment is computed, not edited, so a colleague's open edit of the
client stays valid and an import undo does not take a recomputed client for one edited since.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    ColumnElement,
    Date,
    Integer,
    MetaData,
    Table,
    case,
    distinct,
    exists,
    false,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.segments.interval import IntervalChoice, base_interval, resolve_interval
from crm_tui.domain.segments.rules import (
    PURCHASE_KINDS,
    SEGMENTS,
    any_purchase,
    loyal_cutoff,
    segment_of,
    unpaid_invoice,
    warm_deal_clients,
)
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.records import SegmentRecompute
from crm_tui.storage.tables.clients import clients
from crm_tui.storage.tables.sales import sales_documents, segment_changes, segment_recomputes

_stats = Table(
    "tmp_client_sales",
    MetaData(),
    Column("client_id", Integer, primary_key=True),
    Column("first_purchase", Date),
    Column("last_purchase", Date),
    Column("purchases", Integer, nullable=False),
    Column("total", BigInteger, nullable=False),
    prefixes=["TEMPORARY"],
)


@dataclass(frozen=True)
class SegmentCount:
    segment: str | None
    clients: int
    sales_total: int


@dataclass(frozen=True)
class RecomputeResult:
    recompute_id: int
    at: datetime
    interval: IntervalChoice
    counts: list[SegmentCount]
    moved: int
    """Clients that changed from one segment to another."""
    assigned: int
    """Clients that had no segment before."""
    cleared: int
    manual: int
    moves: dict[str, int] = field(default_factory=dict)
    """``"loyal->lost": 12``: how many clients made each move."""

    @property
    def changed(self) -> int:
        """Clients whose segment changed at all: moved, given their first, or cleared."""
        return self.moved + self.assigned + self.cleared

    def as_json(self) -> dict[str, Any]:
        return {
            "recompute": self.recompute_id,
            "at": self.at.isoformat(),
            "interval_days": self.interval.days,
            "interval_source": self.interval.source,
            "counts": {c.segment or "none": c.clients for c in self.counts},
            "sales_total": {c.segment or "none": c.sales_total for c in self.counts},
            "moved": self.moved,
            "assigned": self.assigned,
            "cleared": self.cleared,
            "manual": self.manual,
            "moves": self.moves,
        }


def _fill_stats(session: Session) -> None:
    """Purchase dates and sums per client and document kind, grouped along the covering
    ``(kind, client_id, doc_date, paid, amount)`` index; then per client the first kind it has
    (see ``PURCHASE_KINDS``) is taken as its purchases."""
    d = sales_documents.c
    rank = case(
        *((d.kind == kind.value, i) for i, kind in enumerate(PURCHASE_KINDS)), else_=len(PURCHASE_KINDS)
    )
    per_kind = (
        select(
            d.client_id,
            rank.label("rank"),
            func.count(distinct(d.doc_date)).label("purchases"),
            func.min(d.doc_date).label("first_purchase"),
            func.max(d.doc_date).label("last_purchase"),
            func.coalesce(func.sum(d.amount), 0).label("total"),
        )
        .where(d.client_id.is_not(None), any_purchase())
        .group_by(d.kind, d.client_id)
        .subquery()
    )
    p = per_kind.c
    ranked = select(
        p.client_id,
        p.first_purchase,
        p.last_purchase,
        p.purchases,
        p.total,
        func.row_number().over(partition_by=p.client_id, order_by=p.rank).label("pick"),
    ).subquery()
    r = ranked.c
    session.connection().execute(
        insert(_stats).from_select(
            ["client_id", "first_purchase", "last_purchase", "purchases", "total"],
            select(r.client_id, r.first_purchase, r.last_purchase, r.purchases, r.total).where(r.pick == 1),
        )
    )


def _record_changes(
    session: Session, recompute_id: int, at: datetime, user_id: int, cutoff: date | None
) -> None:
    c, s = clients.c, _stats.c
    d = sales_documents.c
    warm = or_(
        c.id.in_(select(d.client_id).where(unpaid_invoice(), d.client_id.is_not(None))),
        c.id.in_(warm_deal_clients()),
    )
    new = segment_of(warm, s.last_purchase, cutoff)
    changed = (
        select(
            c.id,
            literal(recompute_id),
            literal(at, segment_changes.c.at.type),
            c.segment,
            new,
            false(),
            literal(user_id),
        )
        .select_from(clients.outerjoin(_stats, s.client_id == c.id))
        .where(c.segment_manual.is_(False), new.is_distinct_from(c.segment))
    )
    sc = segment_changes.c
    session.connection().execute(
        insert(segment_changes).from_select(
            ["client_id", "recompute_id", "at", "from_segment", "to_segment", "manual", "user_id"], changed
        )
    )
    session.connection().execute(
        update(clients)
        .where(clients.c.id == sc.client_id, sc.recompute_id == recompute_id)
        .values(segment=sc.to_segment)
    )


def _update_purchases(session: Session) -> None:
    """Last purchase and purchase value on the client row, for sorting the segment lists."""
    c, s = clients.c, _stats.c
    conn = session.connection()
    conn.execute(
        update(clients)
        .where(
            c.id == s.client_id,
            or_(c.last_purchase_on.is_distinct_from(s.last_purchase), c.sales_total != s.total),
        )
        .values(last_purchase_on=s.last_purchase, sales_total=s.total)
    )
    conn.execute(
        update(clients)
        .where(
            or_(c.last_purchase_on.is_not(None), c.sales_total != 0),
            ~exists().where(s.client_id == c.id),
        )
        .values(last_purchase_on=None, sales_total=0)
    )


def segment_counts(session: Session, where: ColumnElement[bool] | None = None) -> list[SegmentCount]:
    """Clients and purchase value per segment (``None``: no segment yet), in segment order."""
    c = clients.c
    query = select(c.segment, func.count(), func.coalesce(func.sum(c.sales_total), 0)).group_by(c.segment)
    if where is not None:
        query = query.where(where)
    found = {
        segment: SegmentCount(segment, int(n), int(total)) for segment, n, total in session.execute(query)
    }
    ordered: list[str | None] = [*SEGMENTS, None]
    return [found.get(key, SegmentCount(key, 0, 0)) for key in ordered]


def _tally(session: Session, recompute_id: int) -> tuple[int, int, int, dict[str, int]]:
    sc = segment_changes.c
    moves: Counter[str] = Counter()
    moved = assigned = cleared = 0
    for before, after, n in session.execute(
        select(sc.from_segment, sc.to_segment, func.count())
        .where(sc.recompute_id == recompute_id)
        .group_by(sc.from_segment, sc.to_segment)
    ):
        moves[f"{before or 'none'}->{after or 'none'}"] += n
        if before is None:
            assigned += n
        elif after is None:
            cleared += n
        else:
            moved += n
    return moved, assigned, cleared, dict(sorted(moves.items()))


def recompute_segments(ws: Workspace) -> RecomputeResult:
    """Recompute every client's segment; a head, an admin or ops may run it (it is team-wide)."""
    viewer: Viewer = ws.viewer
    require(viewer, Capability.RECOMPUTE_SEGMENTS)
    at = ws.now()
    today = at.astimezone(ws.tz).date()
    with ws.write() as session:
        conn = session.connection()
        _stats.drop(conn, checkfirst=True)
        _stats.create(conn)
        try:
            _fill_stats(session)
            interval = resolve_interval(session, base_interval(session, _stats))
            cutoff = loyal_cutoff(today, interval.days) if interval.days is not None else None
            run = SegmentRecompute(
                at=at, user_id=viewer.user_id, interval_days=interval.days, interval_source=interval.source
            )
            session.add(run)
            session.flush()
            assert run.id is not None
            _record_changes(session, run.id, at, viewer.user_id, cutoff)
            _update_purchases(session)
        finally:
            _stats.drop(conn, checkfirst=True)
        moved, assigned, cleared, moves = _tally(session, run.id)
        counts = segment_counts(session)
        manual = session.scalar(select(func.count()).where(clients.c.segment_manual.is_(True))) or 0
        conn.execute(
            update(segment_recomputes)
            .where(segment_recomputes.c.id == run.id)
            .values(
                counts={c.segment or "none": c.clients for c in counts},
                moved=moved,
                assigned=assigned,
            )
        )
    return RecomputeResult(run.id, at, interval, counts, moved, assigned, cleared, int(manual), moves)
