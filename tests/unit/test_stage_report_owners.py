"""Time in stage per manager counts each stay for the deal's owner now, whichever way the deal
changed hands (the owner copied onto the history, migration 0025, must follow every path)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from crm_tui.domain.clients.handovers import hand_over, undo_handover
from crm_tui.domain.deals.edit import edit_deal
from crm_tui.domain.deals.moves import change_stage, load_deal, move_deal
from crm_tui.domain.reports.stage_times import stage_times_report
from crm_tui.domain.reports.table import Slice
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import clients, deal_stage_changes, deals, stages, users
from crm_tui.storage.records import DealStageChange
from tests.seed import FROZEN_NOW, MOSCOW, Seeded
from tests.unit.test_kpi_reports import NOVEMBER

Open = Callable[[str], Workspace]


def add_stays(engine: Engine, seeded: Seeded) -> None:
    """Two stays in November on every seeded deal, written without an owner (as a path that
    forgets it would): the deal's is taken."""
    with write_session(engine) as session:
        code = {c: i for i, c in session.execute(select(stages.c.id, stages.c.code))}
        new, qualification = code["new"], code["qualification"]
        for n, deal_id in enumerate(seeded.deals.values()):
            for k in range(2):
                session.add(
                    DealStageChange(
                        deal_id=deal_id,
                        at=FROZEN_NOW - timedelta(days=1 + k, hours=n),
                        from_stage_id=new if k else qualification,
                        to_stage_id=qualification,
                        stay_tenths=10 * n + k,
                    )
                )


def expected(engine: Engine) -> Counter[tuple[str, str | None]]:
    """Stays per stage and current owner, counted here from the deals' owners (not the copy)."""
    start, end = NOVEMBER.bounds(MOSCOW)
    h = deal_stage_changes.c
    with write_session(engine) as session:
        owner_of = {k: v for k, v in session.execute(select(deals.c.id, deals.c.owner_id))}
        login_of = {k: v for k, v in session.execute(select(users.c.id, users.c.login))}
        stage_of = {k: v for k, v in session.execute(select(stages.c.id, stages.c.name))}
        stays = session.execute(select(h.deal_id, h.from_stage_id, h.at, h.stay_tenths)).all()
    found: Counter[tuple[str, str | None]] = Counter()
    for deal_id, stage_id, at, tenths in stays:
        if tenths is None or not start <= at < end:
            continue
        owner = owner_of[deal_id]
        found[stage_of[stage_id], None if owner is None else login_of[owner]] += 1
    return found


def shown(workspace_for: Open) -> Counter[tuple[str, str | None]]:
    ws = workspace_for("admin")
    with ws.read() as session:
        report = stage_times_report(session, ws.viewer, NOVEMBER, MOSCOW, FROZEN_NOW, (Slice.MANAGER,))
    return Counter({(row["stage"], row["manager"]): row["stays"] for row in report.rows if row["stays"]})


def test_stays_follow_the_deal_to_each_new_owner(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    add_stays(engine, seeded)
    before = expected(engine)
    assert before[("New inquiry", "ivanova")] > 0 and before == shown(workspace_for)

    # a move writes its stay for the deal's owner
    ivanova = workspace_for("ivanova")
    with ivanova.read() as session:
        deal = load_deal(session, seeded.deals["d_qual_aqua"])
        proposal = session.scalar(select(stages.c.id).where(stages.c.code == "proposal"))
    assert proposal is not None
    move_deal(ivanova, deal.id, proposal, deal.version)
    assert expected(engine) == shown(workspace_for)

    # a handover of ivanova's clients takes their open deals' stays along, and its undo back
    head = workspace_for("smirnov")
    done = hand_over(head, "smirnov", from_login="ivanova")
    assert done.handover is not None and done.deals > 0
    after = expected(engine)
    assert after != before and after[("New inquiry", "smirnov")] > 0
    assert after == shown(workspace_for)
    undo_handover(head, done.handover)
    assert expected(engine) == shown(workspace_for)

    # an edit of the deal's owner
    admin = workspace_for("admin")
    with admin.read() as session:
        metall = load_deal(session, seeded.deals["d_prop_metall"])
    with write_session(engine) as session:  # a deal goes only to whoever sees its client
        session.execute(
            update(clients).where(clients.c.id == metall.client_id).values(owner_id=seeded.users["ivanova"])
        )
    edit_deal(admin, metall.id, metall.version, {"owner": "ivanova"})
    assert expected(engine) == shown(workspace_for)

    # a move that hands the deal on (a refusal given to another manager)
    with admin.write() as session:
        teplo = load_deal(session, seeded.deals["d_new_teplo"])
        change_stage(session, admin, teplo, proposal, owner_id=seeded.users["petrov"])
    assert expected(engine)[("New inquiry", "petrov")] >= 2

    # and any other statement on the deals, down to nobody's
    with write_session(engine) as session:
        session.execute(update(deals).where(deals.c.id == seeded.deals["d_prop_stroy"]).values(owner_id=None))
    final = expected(engine)
    assert final[("New inquiry", None)] > 0
    assert final == shown(workspace_for)
