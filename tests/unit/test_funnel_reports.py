"""The funnel and forecast reports on the seeded team: counts, reach, conversion, medians, money."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.engine import Engine

from crm_tui.domain.deals.moves import move_deal
from crm_tui.domain.deals.pipelines import default_pipeline_id
from crm_tui.domain.reports.funnel import ReportScope, forecast_report, funnel_report, weighted_kopecks
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import stages
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

Open = Callable[[str], Workspace]


def report(ws: Workspace, **scope: object) -> dict[str, tuple[int, int, int, float | None, float | None]]:
    with ws.read() as session:
        pid = default_pipeline_id(session)
        assert pid is not None
        found = funnel_report(session, ws.viewer, ReportScope(pid, **scope), FROZEN_NOW, MOSCOW)  # type: ignore[arg-type]
    return {s.name: (s.deals, s.amount, s.reached, s.conversion, s.median_days) for s in found.stages}


def test_counts_reach_conversion_and_median_days(seeded: Seeded, workspace_for: Open) -> None:
    found = report(workspace_for("admin"))
    # every deal reached New inquiry, the lost one too; 2 and 1 days in stage
    assert found["New inquiry"] == (2, 165_000_00, 13, 0.7692, 1.5)
    assert found["Qualification"] == (1, 310_000_00, 10, 0.9, 5.0)
    assert found["Proposal sent"][:3] == (3, 3_736_500_00, 9)
    assert found["Won"] == (3, 1_949_000_00, 3, None, None)
    assert found["Lost"][:3] == (1, 75_000_00, 1)


def test_a_deal_lost_from_a_stage_counts_as_having_reached_it(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    with write_session(engine) as session:
        lost = session.scalar(select(stages.c.id).where(stages.c.code == "lost"))
    move_deal(
        workspace_for("ivanova"), seeded.deals["d_inv_vektor"], int(lost or 0), 1, lost_reason="No budget"
    )
    found = report(workspace_for("admin"))
    assert found["Invoice issued"][2] == 6  # still counted as reached (it got that far)
    assert found["Invoice issued"][0] == 0
    with workspace_for("admin").read() as session:
        pid = default_pipeline_id(session)
        assert pid is not None
        reasons = funnel_report(
            session, workspace_for("admin").viewer, ReportScope(pid), FROZEN_NOW, MOSCOW
        ).lost_reasons
    assert reasons == [("No budget", 1, 540_000_00), ("Дорого", 1, 75_000_00)]


def test_a_manager_reports_on_own_deals_only(seeded: Seeded, workspace_for: Open) -> None:
    mine = report(workspace_for("petrov"))
    assert sum(v[0] for v in mine.values()) == 1  # Липецкий металл's proposal
    assert report(workspace_for("admin"), owner_id=seeded.users["petrov"]) == mine


def test_forecast_is_weighted_by_stage_probability_in_kopecks(seeded: Seeded, workspace_for: Open) -> None:
    with workspace_for("admin").read() as session:
        lines = forecast_report(session, workspace_for("admin").viewer)
    by_manager = {line.manager: line for line in lines}
    ivanova = by_manager["Иванова Светлана"]
    assert ivanova.month == "2026-12"
    # new 10%: 120 000 + 45 000; qualification 20%: 310 000; proposal 40%: 1 250 000 + 86 500;
    # invoice 60%: 540 000; awaiting payment 80%: 780 000 + 220 000 (roubles)
    expected = (165_000 * 10 + 310_000 * 20 + 1_336_500 * 40 + 540_000 * 60 + 1_000_000 * 80) * 100
    assert ivanova.weighted == weighted_kopecks(expected)
    assert ivanova.deals == 8 and by_manager["Петров Андрей"].weighted == 2_400_000_00 * 40 // 100
    assert (weighted_kopecks(149), weighted_kopecks(150), weighted_kopecks(0)) == (1, 2, 0)


def test_time_in_stage_comes_from_the_stage_history(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    with write_session(engine) as session:
        ids = {code: sid for sid, code in session.execute(select(stages.c.id, stages.c.code))}
    ivanova = workspace_for("ivanova")
    deal = seeded.deals["d_new_zorin"]
    move_deal(ivanova, deal, ids["qualification"], 1)
    move_deal(ivanova, deal, ids["proposal"], 2)  # left Qualification at once (the clock is frozen)
    found = report(workspace_for("admin"))
    assert found["Qualification"][4] == 2.5  # Аква-Сервис 5 days, Зорин 0 days
    assert found["New inquiry"][4] == 1.5  # Теплодом still there 2 days, Зорин stayed 1 day
