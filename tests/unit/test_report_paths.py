"""The faster ways the reports take on a big base give the figures the plain way gave: a few
hundred touches and stays at random moments (around a zone's clock change too) on the seeded
team, every slice the issue names, for an admin, a head and a manager, on both databases.

The plain way is the code that ran before (each moment's day worked out and sorted in SQL): it is
kept for periods of too many pieces, and the test forces it to compare."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from crm_tui.domain.reports import calls, stage_times
from crm_tui.domain.reports.calls import calls_report
from crm_tui.domain.reports.period import Grain, Period, local_buckets
from crm_tui.domain.reports.stage_times import stage_times_report
from crm_tui.domain.reports.table import Slice
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import Direction, deal_stage_changes, deals, stages
from crm_tui.storage.records import DealStageChange, Interaction
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

Open = Callable[[str], Workspace]
BERLIN = ZoneInfo("Europe/Berlin")
PERIOD = Period(date(2026, 9, 28), date(2026, 11, 20))
SLICES = [
    (Slice.DAY,),
    (Slice.WEEK,),
    (Slice.MONTH,),
    (Slice.MANAGER, Slice.WEEK),
    (Slice.MANAGER, Slice.DAY),
    (Slice.REGION, Slice.MONTH),
    (Slice.DAY, Slice.MONTH),
    (Slice.WEEK, Slice.MONTH),
]


def add_random_touches(engine: Engine, seeded: Seeded) -> None:
    rng = random.Random(26)
    people = [seeded.users["ivanova"], seeded.users["petrov"], seeded.users["smirnov"], None]
    start = datetime(2026, 9, 25, tzinfo=UTC)
    with write_session(engine) as session:
        for _ in range(600):
            at = start + timedelta(seconds=rng.randrange(60 * 86400))
            if rng.random() < 0.2:  # near a local midnight in Moscow or Berlin
                at = at.replace(hour=rng.choice([20, 21, 22, 23]), minute=rng.choice([0, 29, 59]))
            seconds = rng.choice([None, 0, 15, 300])
            session.add(
                Interaction(
                    kind=rng.choice(["call", "call", "email", "message"]),
                    direction=rng.choice([Direction.INBOUND, Direction.OUTBOUND]),
                    occurred_at=at,
                    duration_s=seconds,
                    client_id=seeded.clients["aqua"],
                    user_id=rng.choice(people),
                    created_at=at,
                )
            )


@pytest.mark.parametrize("login", ["admin", "smirnov", "ivanova"])
@pytest.mark.parametrize("tz", [MOSCOW, BERLIN], ids=["moscow", "berlin"])
def test_calls_by_period_pieces_equal_the_plain_grouping(
    engine: Engine,
    seeded: Seeded,
    workspace_for: Open,
    login: str,
    tz: ZoneInfo,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    add_random_touches(engine, seeded)
    ws = workspace_for(login)
    for by in SLICES:
        for manager in (None, seeded.users["ivanova"]):
            with ws.read() as session:
                fast = calls_report(session, ws.viewer, PERIOD, tz, by, manager_id=manager)
            with monkeypatch.context() as patched:
                patched.setattr(calls, "BY_PIECES", frozenset())
                with ws.read() as session:
                    plain = calls_report(session, ws.viewer, PERIOD, tz, by, manager_id=manager)
            assert fast.rows == plain.rows, (login, by, manager)
            assert fast.rows, (login, by, manager)


def test_pieces_turn_over_at_local_midnights_across_a_clock_change() -> None:
    """Berlin leaves summer time on 25 October 2026: that day is 25 hours long."""
    pieces = local_buckets([Grain.DAY, Grain.WEEK], BERLIN, Period(date(2026, 10, 24), date(2026, 10, 26)))
    assert [(p.labels, p.start, p.end - p.start) for p in pieces] == [
        (("2026-10-24", "2026-10-19"), datetime(2026, 10, 23, 22, tzinfo=UTC), timedelta(hours=24)),
        (("2026-10-25", "2026-10-19"), datetime(2026, 10, 24, 22, tzinfo=UTC), timedelta(hours=25)),
        (("2026-10-26", "2026-10-26"), datetime(2026, 10, 25, 23, tzinfo=UTC), timedelta(hours=24)),
    ]
    weeks = local_buckets([Grain.WEEK], MOSCOW, Period(date(2026, 10, 1), date(2026, 10, 31)))
    mondays = ["2026-09-28", "2026-10-05", "2026-10-12", "2026-10-19", "2026-10-26"]
    assert [p.labels[0] for p in weeks] == mondays


def nearest_rank(values: list[int], share_of_ten: int) -> float:
    """The stay at rank ceil(p x n), as the report defines its median and 90%, counted here from
    the list itself."""
    ordered = sorted(values)
    n = len(ordered)
    rank = (n + 1) // 2 if share_of_ten == 5 else (n * 9 + 9) // 10
    return ordered[rank - 1] / 10


def add_random_stays(engine: Engine, seeded: Seeded) -> None:
    rng = random.Random(20)
    with write_session(engine) as session:
        ids = {code: i for i, code in session.execute(select(stages.c.id, stages.c.code))}
        codes = sorted(ids)
        some_deals = list(seeded.deals.values())
        for _ in range(400):
            session.add(
                DealStageChange(
                    deal_id=rng.choice(some_deals),
                    at=datetime(2026, 11, 20, tzinfo=UTC) - timedelta(minutes=rng.randrange(50 * 1440)),
                    from_stage_id=ids[rng.choice(codes)],
                    to_stage_id=ids[rng.choice(codes)],
                    stay_tenths=rng.randrange(1, 300),
                )
            )


@pytest.mark.parametrize(
    ("login", "owners"),
    [("admin", None), ("smirnov", ["smirnov", "ivanova"]), ("ivanova", ["ivanova"])],
)
def test_time_in_stage_of_the_whole_scope_is_the_nearest_ranks_of_its_stays(
    engine: Engine, seeded: Seeded, workspace_for: Open, login: str, owners: list[str] | None
) -> None:
    """Per stage, without a slice: every stay of the deals the viewer may see figures of (an
    admin's: all, the unowned too; a head's: the region's people's and their own; a manager's:
    their own), ranked here."""
    add_random_stays(engine, seeded)
    ws = workspace_for(login)
    start, end = PERIOD.bounds(MOSCOW)
    h = deal_stage_changes.c
    query = (
        select(stages.c.name, h.stay_tenths)
        .join(stages, stages.c.id == h.from_stage_id)
        .join(deals, deals.c.id == h.deal_id)
        .where(h.at >= start, h.at < end)
    )
    if owners is not None:
        query = query.where(deals.c.owner_id.in_([seeded.users[o] for o in owners]))
    with ws.read() as session:
        found = session.execute(query).all()
        report = stage_times_report(session, ws.viewer, PERIOD, MOSCOW, FROZEN_NOW)
    shown = {row["stage"]: row for row in report.rows if row["stays"]}
    expected = {}
    for stage in {name for name, _ in found}:
        stays = [int(t) for name, t in found if name == stage]
        expected[stage] = (len(stays), nearest_rank(stays, 5), nearest_rank(stays, 9))
    assert {k: (r["stays"], r["median_days"], r["p90_days"]) for k, r in shown.items()} == expected
    assert len(expected) >= 3


@pytest.mark.parametrize("login", ["admin", "smirnov", "ivanova"])
def test_time_in_stage_per_manager_read_per_person_equals_one_grouping(
    engine: Engine, seeded: Seeded, workspace_for: Open, login: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_random_stays(engine, seeded)
    ws = workspace_for(login)
    # SQLite's histograms read off an index and merged in Python (stay_histograms) against one
    # grouping with the percentiles in SQL: every slice, a region, the periods' pieces, the
    # whole team, one manager asked for
    slices = [
        (),
        (Slice.MANAGER,),
        (Slice.REGION,),
        (Slice.MANAGER, Slice.REGION),
        (Slice.REGION, Slice.MANAGER),
        (Slice.MANAGER, Slice.WEEK),
        (Slice.DAY,),
        (Slice.WEEK,),
        (Slice.MONTH,),
        (Slice.REGION, Slice.MONTH),
        (Slice.PIPELINE, Slice.STAGE),
    ]
    asked = [(by, None) for by in slices] + [
        ((), seeded.users["ivanova"]),
        ((Slice.WEEK,), seeded.users["ivanova"]),
    ]
    for by, manager in asked:
        with ws.read() as session:
            fast = stage_times_report(session, ws.viewer, PERIOD, MOSCOW, FROZEN_NOW, by, manager_id=manager)
        with monkeypatch.context() as patched:
            patched.setattr(stage_times, "BY_PIECES", frozenset())
            with ws.read() as session:
                plain = stage_times_report(
                    session, ws.viewer, PERIOD, MOSCOW, FROZEN_NOW, by, manager_id=manager
                )
        assert fast.rows == plain.rows, by
        assert any(row["stays"] for row in fast.rows), by
    # and the percentiles are the nearest ranks of the stays themselves (Иванова's, per stage)
    start, end = PERIOD.bounds(MOSCOW)
    h = deal_stage_changes.c
    with ws.read() as session:
        found = session.execute(
            select(stages.c.name, h.stay_tenths)
            .join(stages, stages.c.id == h.from_stage_id)
            .join(deals, deals.c.id == h.deal_id)
            .where(h.at >= start, h.at < end, deals.c.owner_id == seeded.users["ivanova"])
        ).all()
        report = stage_times_report(session, ws.viewer, PERIOD, MOSCOW, FROZEN_NOW, (Slice.MANAGER,))
    checked = 0
    for row in report.rows:
        if row["manager"] == "ivanova" and row["stays"]:
            mine = [int(t) for name, t in found if name == row["stage"]]
            assert (row["stays"], row["median_days"], row["p90_days"]) == (
                len(mine),
                nearest_rank(mine, 5),
                nearest_rank(mine, 9),
            ), row
            checked += 1
    assert checked >= 3


@pytest.mark.parametrize("grain", [Slice.DAY, Slice.WEEK, Slice.MONTH])
def test_time_in_stage_by_period_is_each_local_days_stays(
    engine: Engine, seeded: Seeded, workspace_for: Open, grain: Slice
) -> None:
    """By day, week or month on either engine: each piece's stays, the piece named by its local
    first day, as counted here (PostgreSQL groups by the day's start and names it afterwards)."""
    add_random_stays(engine, seeded)
    ws = workspace_for("admin")
    start, end = PERIOD.bounds(MOSCOW)
    h = deal_stage_changes.c
    query = select(stages.c.name, h.at, h.stay_tenths).join(stages, stages.c.id == h.from_stage_id)
    with ws.read() as session:
        found = session.execute(query.where(h.at >= start, h.at < end, h.stay_tenths.is_not(None))).all()
        report = stage_times_report(session, ws.viewer, PERIOD, MOSCOW, FROZEN_NOW, (grain,))

    def first_day(at: datetime) -> str:
        day = (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(MOSCOW).date()
        if grain is Slice.WEEK:
            day -= timedelta(days=day.weekday())
        elif grain is Slice.MONTH:
            day = day.replace(day=1)
        return day.isoformat()

    groups: dict[tuple[str, str], list[int]] = {}
    for name, at, stay in found:
        groups.setdefault((name, first_day(at)), []).append(int(stay))
    expected = {k: (len(v), nearest_rank(v, 5), nearest_rank(v, 9)) for k, v in groups.items()}
    shown = {
        (r["stage"], r[grain.value]): (r["stays"], r["median_days"], r["p90_days"])
        for r in report.rows
        if r["stays"]
    }
    assert shown == expected and len(expected) > 3
