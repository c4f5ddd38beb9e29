"""The segment rules on hand-built sales histories (seed 000, day 2), on both engines."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import count

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.engine import Engine

from crm_tui.domain.errors import AccessDenied
from crm_tui.domain.segments.actions import set_segment
from crm_tui.domain.segments.interval import set_interval
from crm_tui.domain.segments.recompute import recompute_segments
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import DocumentKind, Segment, clients, sales_documents, segment_changes
from tests.seed import FROZEN_NOW, Seeded

TODAY = FROZEN_NOW.date()  # 2026-11-20, the same day in Moscow
WARM_BY_DEALS = {"romashka", "vektor", "stroymontazh", "aqua", "metall"}
_numbers = count(1)


def add_doc(
    engine: Engine,
    client_id: int | None,
    kind: DocumentKind,
    days_ago: int,
    rubles: int = 10_000,
    paid: bool | None = None,
) -> None:
    day = TODAY - timedelta(days=days_ago)
    with write_session(engine) as session:
        session.connection().execute(
            insert(sales_documents).values(
                kind=kind.value,
                number=f"ТД00-{next(_numbers):06d}",
                doc_year=day.year,
                doc_date=day,
                client_id=client_id,
                client_name="test",
                amount=rubles * 100,
                paid=paid,
                file="orders.xlsx",
                row=1,
                updated_at=FROZEN_NOW,
            )
        )


def segments(engine: Engine, seeded: Seeded) -> dict[str, str | None]:
    with write_session(engine) as session:
        rows = dict(session.execute(select(clients.c.id, clients.c.segment)).all())
    return {key: rows[client_id] for key, client_id in seeded.clients.items()}


@pytest.fixture
def head(workspace_for: Callable[[str], Workspace]) -> Workspace:
    return workspace_for("smirnov")


@pytest.fixture
def admin(workspace_for: Callable[[str], Workspace]) -> Workspace:
    return workspace_for("admin")


def test_without_sales_history_only_warm_is_told(engine: Engine, seeded: Seeded, head: Workspace) -> None:
    result = recompute_segments(head)
    assert result.interval.source == "none"
    found = segments(engine, seeded)
    assert {k for k, v in found.items() if v == Segment.WARM} == WARM_BY_DEALS
    assert {k for k, v in found.items() if v is None} == {"teplo", "zorin", "agro"}


def test_loyal_is_a_purchase_fewer_days_ago_than_the_interval(
    engine: Engine, seeded: Seeded, head: Workspace, admin: Workspace
) -> None:
    set_interval(admin, 30)
    add_doc(engine, seeded.clients["teplo"], DocumentKind.SALE, days_ago=29)
    add_doc(engine, seeded.clients["zorin"], DocumentKind.SALE, days_ago=30)  # exactly one interval ago
    result = recompute_segments(head)
    assert (result.interval.days, result.interval.source) == (30, "set")
    found = segments(engine, seeded)
    assert found["teplo"] == Segment.LOYAL
    assert found["zorin"] == Segment.LOST
    assert found["agro"] == Segment.LOST  # never bought, in a base that has history
    assert {k for k, v in found.items() if v == Segment.WARM} == WARM_BY_DEALS


def test_an_unpaid_invoice_makes_a_loyal_client_warm(engine: Engine, seeded: Seeded, head: Workspace) -> None:
    add_doc(engine, seeded.clients["teplo"], DocumentKind.PAYMENT, days_ago=3)
    add_doc(engine, seeded.clients["teplo"], DocumentKind.INVOICE, days_ago=1, paid=False)
    add_doc(engine, seeded.clients["agro"], DocumentKind.PAYMENT, days_ago=2)
    recompute_segments(head)
    found = segments(engine, seeded)
    assert found["teplo"] == Segment.WARM
    assert found["agro"] == Segment.LOYAL


def test_the_interval_is_the_average_gap_over_the_base(
    engine: Engine, seeded: Seeded, head: Workspace
) -> None:
    for days_ago in (60, 50, 40):  # gaps 10, 10
        add_doc(engine, seeded.clients["teplo"], DocumentKind.SALE, days_ago)
    for days_ago in (100, 60):  # gap 40
        add_doc(engine, seeded.clients["zorin"], DocumentKind.SALE, days_ago)
    result = recompute_segments(head)
    assert (result.interval.days, result.interval.source) == (20, "auto")  # 60 days / 3 gaps
    found = segments(engine, seeded)
    assert found["teplo"] == Segment.LOST  # 40 days ago
    assert found["zorin"] == Segment.LOST


def test_one_purchase_in_several_documents_counts_once(
    engine: Engine, seeded: Seeded, head: Workspace
) -> None:
    teplo = seeded.clients["teplo"]
    for days_ago in (45, 15):
        add_doc(engine, teplo, DocumentKind.ORDER, days_ago + 2, 50_000)
        add_doc(engine, teplo, DocumentKind.INVOICE, days_ago + 1, 50_000, paid=True)
        add_doc(engine, teplo, DocumentKind.PAYMENT, days_ago, 50_000)
    result = recompute_segments(head)
    assert result.interval.days == 30  # payments 45 and 15 days ago, not six documents
    with write_session(engine) as session:
        total, last = session.execute(
            select(clients.c.sales_total, clients.c.last_purchase_on).where(clients.c.id == teplo)
        ).one()
    assert total == 100_000 * 100
    assert last == TODAY - timedelta(days=15)


def test_recompute_twice_changes_nothing_the_second_time(
    engine: Engine, seeded: Seeded, head: Workspace
) -> None:
    add_doc(engine, seeded.clients["teplo"], DocumentKind.SALE, days_ago=5)
    first = recompute_segments(head)
    assert first.assigned == len(seeded.clients)
    with write_session(engine) as session:
        written = session.scalar(select(func.count()).select_from(segment_changes))
    second = recompute_segments(head)
    assert (second.moved, second.assigned, second.cleared, second.moves) == (0, 0, 0, {})
    assert [c.clients for c in second.counts] == [c.clients for c in first.counts]
    with write_session(engine) as session:
        assert session.scalar(select(func.count()).select_from(segment_changes)) == written


def test_moves_are_counted_by_direction(
    engine: Engine, seeded: Seeded, head: Workspace, admin: Workspace
) -> None:
    set_interval(admin, 30)
    add_doc(engine, seeded.clients["teplo"], DocumentKind.SALE, days_ago=5)
    recompute_segments(head)
    add_doc(engine, seeded.clients["agro"], DocumentKind.SALE, days_ago=1)
    set_interval(admin, 3)
    result = recompute_segments(head)
    assert result.moves == {"loyal->lost": 1, "lost->loyal": 1}
    assert result.moved == 2


def test_a_manual_segment_is_kept_until_cleared(engine: Engine, seeded: Seeded, head: Workspace) -> None:
    ivanova_ws = head  # a head may set the segment of a client in the region
    set_segment(ivanova_ws, seeded.clients["zorin"], Segment.WARM)
    add_doc(engine, seeded.clients["teplo"], DocumentKind.SALE, days_ago=5)
    result = recompute_segments(head)
    assert result.manual == 1
    assert segments(engine, seeded)["zorin"] == Segment.WARM
    set_segment(ivanova_ws, seeded.clients["zorin"], None)
    recompute_segments(head)
    assert segments(engine, seeded)["zorin"] == Segment.LOST


def test_managers_cannot_recompute_or_set_the_interval(
    seeded: Seeded, workspace_for: Callable[[str], Workspace]
) -> None:
    manager = workspace_for("ivanova")
    with pytest.raises(AccessDenied):
        recompute_segments(manager)
    with pytest.raises(AccessDenied):
        set_interval(manager, 30)
    with pytest.raises(AccessDenied):
        set_interval(workspace_for("smirnov"), 30)


def test_a_manager_sets_segments_of_own_clients_only(
    seeded: Seeded, workspace_for: Callable[[str], Workspace]
) -> None:
    manager = workspace_for("ivanova")
    set_segment(manager, seeded.clients["teplo"], Segment.LOYAL)
    from crm_tui.domain.errors import NotFound

    with pytest.raises(NotFound):
        set_segment(manager, seeded.clients["agro"], Segment.LOYAL)


def test_clients_getting_their_first_segment_count_as_moved(
    engine: Engine, seeded: Seeded, head: Workspace, admin: Workspace
) -> None:
    """The walk-through: 139 clients became warm and the screen said "0 moved" (a first segment
    was not counted as a move, and the `m` list left those clients out)."""
    from crm_tui.domain.segments.lists import segment_moves, segment_overview

    result = recompute_segments(head)
    warm = {seeded.clients[key] for key in WARM_BY_DEALS}
    assert result.assigned >= len(warm) and result.changed == result.assigned
    with admin.read() as session:
        overview = segment_overview(session, admin.viewer)
        moves = segment_moves(session, admin.viewer)
    assert overview.moved == len(moves) > 0
    assert {m.client_id for m in moves if m.before is None and m.after == "warm"} >= warm
