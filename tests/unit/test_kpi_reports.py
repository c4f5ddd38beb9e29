"""The heads' KPI reports on the seeded team and a few touches, stays and tasks added here, on
both databases with the clock frozen: each figure is counted by hand in the test, and each
viewer gets only the figures of the people in their scope."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine

from crm_tui.domain.errors import AccessDenied
from crm_tui.domain.reports.calls import calls_per_day, calls_report
from crm_tui.domain.reports.growth import growth_report
from crm_tui.domain.reports.period import Period, period_or_month
from crm_tui.domain.reports.plan import plan_report
from crm_tui.domain.reports.refusals import refusals_report
from crm_tui.domain.reports.silent import silent_clients, silent_report
from crm_tui.domain.reports.stage_times import stage_times_report
from crm_tui.domain.reports.table import Report, Slice
from crm_tui.domain.reports.task_control import tasks_report
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import Direction, Role, TaskKind, TaskStatus, stages
from crm_tui.storage.records import DealStageChange, Interaction, Task
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

Open = Callable[[str], Workspace]
NOVEMBER = Period(date(2026, 11, 1), date(2026, 11, 20))


def by_manager(report: Report) -> dict[str, dict[str, object]]:
    return {str(row["manager"]): row for row in report.rows}


def add_touches(engine: Engine, seeded: Seeded) -> None:
    def touch(
        login: str, client: str, at: datetime, kind: str, direction: Direction, seconds: int | None
    ) -> None:
        session.add(
            Interaction(
                kind=kind,
                direction=direction,
                occurred_at=at,
                duration_s=seconds,
                client_id=seeded.clients[client],
                user_id=seeded.users[login],
                created_at=at,
            )
        )

    with write_session(engine) as session:
        touch("ivanova", "aqua", datetime(2026, 11, 19, 7, 0, tzinfo=UTC), "call", Direction.INBOUND, 120)
        touch("ivanova", "aqua", datetime(2026, 11, 19, 8, 0, tzinfo=UTC), "call", Direction.OUTBOUND, 0)
        # 01:30 on the 19th in Moscow: a day of the 19th there, though the 18th in UTC
        touch(
            "ivanova", "romashka", datetime(2026, 11, 18, 22, 30, tzinfo=UTC), "call", Direction.INBOUND, None
        )
        touch(
            "ivanova", "romashka", datetime(2026, 11, 18, 9, 0, tzinfo=UTC), "email", Direction.OUTBOUND, None
        )
        touch("petrov", "metall", datetime(2026, 11, 19, 9, 0, tzinfo=UTC), "call", Direction.INBOUND, 60)
        touch("ivanova", "aqua", datetime(2026, 10, 31, 22, 0, tzinfo=UTC), "call", Direction.INBOUND, 30)


def test_calls_and_mails_per_manager(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    add_touches(engine, seeded)
    ws = workspace_for("admin")
    with ws.read() as session:
        found = by_manager(calls_report(session, ws.viewer, NOVEMBER, MOSCOW))
    # the seed's: an inbound call to Аква-Сервис and one outbound to Ромашка (no duration), a
    # mail in from Теплодом (a message to Вектор is neither); Петров's inbound call unanswered.
    # 31 October 22:00 UTC is 1 November 01:00 in Moscow: in the period.
    assert {
        k: found["ivanova"][k] for k in ("calls_in", "calls_out", "answered", "missed", "talk_seconds")
    } == {
        "calls_in": 4,
        "calls_out": 2,
        "answered": 2,
        "missed": 2,
        "talk_seconds": 150,
    }
    assert (found["ivanova"]["mails_in"], found["ivanova"]["mails_out"]) == (1, 1)
    assert (found["petrov"]["calls_in"], found["petrov"]["answered"], found["petrov"]["missed"]) == (2, 1, 1)
    assert set(found) == {"ivanova", "petrov"}


def test_calls_per_day_fall_on_the_viewers_days(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    add_touches(engine, seeded)
    ws = workspace_for("ivanova")
    with ws.read() as session:
        days = dict(calls_per_day(session, ws.viewer, Period(date(2026, 11, 17), date(2026, 11, 20)), MOSCOW))
        weeks = calls_report(session, ws.viewer, NOVEMBER, MOSCOW, (Slice.WEEK,)).rows
    # 18th: the seed's outbound call at 10:30; 19th: two calls and the one at 01:30; 20th: the seed's
    assert days == {"2026-11-17": 0, "2026-11-18": 1, "2026-11-19": 3, "2026-11-20": 1}
    # weeks from Monday: 26 Oct (1 November is a Sunday), 16 Nov
    assert [(row["week"], row["calls_in"] + row["calls_out"]) for row in weeks] == [
        ("2026-10-26", 1),
        ("2026-11-16", 5),
    ]


def test_scope_a_manager_sees_their_own_a_head_the_region(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    add_touches(engine, seeded)
    seen = {}
    for login in ("ivanova", "petrov", "smirnov", "admin"):
        ws = workspace_for(login)
        with ws.read() as session:
            seen[login] = set(by_manager(calls_report(session, ws.viewer, NOVEMBER, MOSCOW)))
            seen[login] |= {
                str(r["manager"]) for r in tasks_report(session, ws.viewer, NOVEMBER, MOSCOW, FROZEN_NOW).rows
            }
            seen[login] |= {
                str(r["manager"]) for r in plan_report(session, ws.viewer, NOVEMBER, MOSCOW, FROZEN_NOW).rows
            }
    assert seen["ivanova"] == {"ivanova"}
    assert seen["petrov"] == {"petrov"}
    assert seen["smirnov"] == {"ivanova", "smirnov"}  # Москва: Иванова, and the head's own plan row
    assert seen["admin"] == {"ivanova", "petrov", "smirnov"}


def test_by_region(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    add_touches(engine, seeded)
    ws = workspace_for("admin")
    with ws.read() as session:
        rows = calls_report(session, ws.viewer, NOVEMBER, MOSCOW, (Slice.REGION,)).rows
    assert {row["region"]: row["calls_in"] for row in rows} == {"Москва": 4, "Липецк": 2}


def test_new_clients_per_owner(seeded: Seeded, workspace_for: Open) -> None:
    ws = workspace_for("admin")
    september = Period(date(2026, 9, 1), date(2026, 9, 30))  # the seed's clients came 60 days ago
    with ws.read() as session:
        found = by_manager(growth_report(session, ws.viewer, september, MOSCOW))
        november = growth_report(session, ws.viewer, NOVEMBER, MOSCOW).rows
    assert (found["ivanova"]["new_clients"], found["ivanova"]["customers"]) == (6, 2)
    assert (found["petrov"]["new_clients"], found["petrov"]["customers"]) == (2, 1)
    assert november == []


def test_time_in_stage_median_p90_and_over_limit(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    with write_session(engine) as session:
        session.execute(update(stages).values(stuck_after_days=None))
        session.execute(update(stages).where(stages.c.code == "new").values(stuck_after_days=1))
        new = session.execute(stages.select().where(stages.c.code == "new")).one().id
        qualification = session.execute(stages.select().where(stages.c.code == "qualification")).one().id
        for n, tenths in enumerate((50, 10, 40, 20, 30)):
            session.add(
                DealStageChange(
                    deal_id=seeded.deals["d_qual_aqua"],
                    at=FROZEN_NOW - timedelta(days=n + 1),
                    from_stage_id=new,
                    to_stage_id=qualification,
                    stay_tenths=tenths,
                )
            )
        session.add(  # ended in October: outside the period
            DealStageChange(
                deal_id=seeded.deals["d_qual_aqua"],
                at=datetime(2026, 10, 5, tzinfo=UTC),
                from_stage_id=new,
                to_stage_id=qualification,
                stay_tenths=900,
            )
        )
    ws = workspace_for("admin")
    with ws.read() as session:
        report = stage_times_report(session, ws.viewer, NOVEMBER, MOSCOW, FROZEN_NOW, (Slice.MANAGER,))
    rows = {(row["stage"], row["manager"]): row for row in report.rows}
    line = rows["New inquiry", "ivanova"]
    # stays 1..5 days: nearest-rank median the 3rd, 90% the 5th; Теплодом 2 days in a 1-day stage
    assert (line["stays"], line["median_days"], line["p90_days"], line["over_limit"]) == (5, 3.0, 5.0, 1)
    assert ("New inquiry", "petrov") not in rows


def test_silent_clients_by_owner_and_segment(seeded: Seeded, workspace_for: Open) -> None:
    ws = workspace_for("admin")
    with ws.read() as session:
        report = silent_report(session, ws.viewer, FROZEN_NOW, MOSCOW, 30)
        names = [c.name for c in silent_clients(session, ws.viewer, FROZEN_NOW, 30)]
        head = workspace_for("smirnov")
        region = silent_report(session, head.viewer, FROZEN_NOW, MOSCOW, 30)
    # touched lately: Аква-Сервис, Теплодом, Вектор Плюс, Ромашка, Липецкий металл
    assert {(r["manager"], r["segment"]): r["silent_clients"] for r in report.rows} == {
        ("ivanova", ""): 2,
        ("petrov", ""): 1,
    }
    assert sorted(names) == ["АгроЛипецк", "Зорин Алексей Викторович", "СтройМонтаж"]
    assert [r["manager"] for r in region.rows] == ["ivanova"]


def test_plan_against_fact_with_the_months_projection(seeded: Seeded, workspace_for: Open) -> None:
    ws = workspace_for("admin")
    month = period_or_month(None, None, FROZEN_NOW, MOSCOW)
    assert month == Period(date(2026, 11, 1), date(2026, 11, 30))
    with ws.read() as session:
        found = by_manager(plan_report(session, ws.viewer, month, MOSCOW, FROZEN_NOW))
        regions = plan_report(session, ws.viewer, month, MOSCOW, FROZEN_NOW, (Slice.REGION,)).rows
    ivanova = found["ivanova"]
    # won in November: Ромашка 650 000 (5 days ago) and Вектор 300 000 (12 days ago); not the one
    # 40 days ago. The month began at 21:00 UTC on 31 October: 19 days 12.5 hours are gone of 30.
    gone = (FROZEN_NOW - datetime(2026, 10, 31, 21, 0, tzinfo=UTC)) / timedelta(days=30)
    assert (ivanova["plan"], ivanova["fact"], ivanova["won"]) == (150_000_000, 95_000_000, 2)
    assert ivanova["projection"] == round(95_000_000 / gone)
    assert ivanova["done_share"] == round(95_000_000 / 150_000_000, 4)
    assert (found["petrov"]["plan"], found["petrov"]["fact"]) == (100_000_000, 0)
    assert {row["region"]: row["plan"] for row in regions} == {"Москва": 150_000_000, "Липецк": 100_000_000}


def test_tasks_set_done_on_time_late_and_overdue(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    with write_session(engine) as session:
        for title, due, done_at in [
            ("В срок", FROZEN_NOW - timedelta(days=4), FROZEN_NOW - timedelta(days=4, hours=1)),
            ("С опозданием", FROZEN_NOW - timedelta(days=4), FROZEN_NOW - timedelta(days=2)),
        ]:
            session.add(
                Task(
                    title=title,
                    kind=TaskKind.CALL,
                    due_at=due,
                    assignee_id=seeded.users["ivanova"],
                    status=TaskStatus.DONE,
                    completed_at=done_at,
                    created_at=datetime(2026, 10, 20, tzinfo=UTC),
                )
            )
    ws = workspace_for("smirnov")
    with ws.read() as session:
        found = by_manager(tasks_report(session, ws.viewer, NOVEMBER, MOSCOW, FROZEN_NOW))
    # the seed's six tasks of Иванова were set 7 days ago; due in the period: all but tomorrow's,
    # and the two added here (set in October); overdue: the call about the proposal, the invoice
    assert {k: found["ivanova"][k] for k in ("set", "due", "done_on_time", "done_late", "overdue")} == {
        "set": 6,
        "due": 7,
        "done_on_time": 1,
        "done_late": 1,
        "overdue": 2,
    }
    assert "petrov" not in found


def test_refusals_share_and_reasons(seeded: Seeded, workspace_for: Open) -> None:
    ws = workspace_for("admin")
    with ws.read() as session:
        found = by_manager(refusals_report(session, ws.viewer, NOVEMBER, MOSCOW))
        reasons = refusals_report(session, ws.viewer, NOVEMBER, MOSCOW, (Slice.REASON,)).rows
    assert {k: found["ivanova"][k] for k in ("closed", "won", "lost", "lost_share", "lost_amount")} == {
        "closed": 3,
        "won": 2,
        "lost": 1,
        "lost_share": 0.3333,
        "lost_amount": 7_500_000,
    }
    assert [(r["reason"], r["lost"]) for r in reasons if r["lost"]] == [("Дорого", 1)]
    assert [r["reason"] for r in reasons if not r["lost"]] == ["won (no reason)"]  # was an empty name


def test_ops_get_no_reports(seeded: Seeded, engine: Engine, workspace_for: Open) -> None:
    from crm_tui.domain.access.users import add_user

    with write_session(engine) as session:
        add_user(
            session,
            login="ops",
            full_name="Ops",
            role=Role.OPS,
            region=None,
            monthly_target=0,
            now=FROZEN_NOW,
            by_user_id=None,
        )
    ws = workspace_for("ops")
    with ws.read() as session, pytest.raises(AccessDenied):
        calls_report(session, ws.viewer, NOVEMBER, MOSCOW)


def test_days_follow_the_zones_clock_change(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    """Berlin leaves summer time on 25 October 2026: 22:30 UTC that evening is 23:30 there, the
    25th (with the summer offset it would be the 26th); 21:30 UTC the day before is 23:30 too."""
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    with write_session(engine) as session:
        for at in (datetime(2026, 10, 24, 21, 30, tzinfo=UTC), datetime(2026, 10, 25, 22, 30, tzinfo=UTC)):
            session.add(
                Interaction(kind="call", direction=Direction.OUTBOUND, occurred_at=at, duration_s=60,
                            client_id=seeded.clients["aqua"], user_id=seeded.users["ivanova"], created_at=at)
            )  # fmt: skip
    ws = workspace_for("ivanova")
    with ws.read() as session:
        days = dict(calls_per_day(session, ws.viewer, Period(date(2026, 10, 24), date(2026, 10, 26)), berlin))
    assert days == {"2026-10-24": 1, "2026-10-25": 1, "2026-10-26": 0}
