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
from sqlalchemy.engine import Engine

from crm_tui.domain.reports import calls
from crm_tui.domain.reports.calls import calls_report
from crm_tui.domain.reports.period import Grain, Period, local_buckets
from crm_tui.domain.reports.table import Slice
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import Direction
from crm_tui.storage.records import Interaction
from tests.seed import MOSCOW, Seeded

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
