"""The lead analysis's figures, counted by hand: new and repeat requests, in work, converted,
junk, the median minutes to the first answer (odd and even counts) and answered on time, for
the team and by source, manager, region, day and week, on both databases; a head sees only
the region's requests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from crm_tui.domain.reports.leads import lead_report
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import lead_sources, leads
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

Open = Callable[[str], Workspace]
DAY_19 = datetime(2026, 11, 19, 9, 0, tzinfo=UTC)
# 23:30 on the 16th in UTC is 02:30 on the 17th in Moscow: a Tuesday, the week of the 16th
LATE_16 = datetime(2026, 11, 16, 23, 30, tzinfo=UTC)
EARLY_9 = datetime(2026, 11, 9, 7, 0, tzinfo=UTC)


def add_requests(engine: Engine, seeded: Seeded) -> None:
    ivanova, petrov = seeded.users["ivanova"], seeded.users["petrov"]
    with write_session(engine) as session:
        site = session.execute(
            insert(lead_sources)
            .values(name="Сайт", active=True, created_at=FROZEN_NOW)
            .returning(lead_sources.c.id)
        ).scalar_one()
        rows = [
            # (received, status, repeat, owner, region, source, utm, minutes to answer, due after)
            (DAY_19, "converted", False, ivanova, "Москва", site, None, 10, 15),
            (DAY_19, "in_work", False, ivanova, "Москва", site, None, 20, 15),
            (LATE_16, "in_work", True, ivanova, "Москва", None, "yandex", 40, 15),
            (LATE_16, "junk", False, petrov, "Липецк", None, "yandex", 5, 15),
            (EARLY_9, "new", False, petrov, "Липецк", site, None, None, 15),
            (EARLY_9, "converted", False, petrov, "Липецк", site, None, 30, 60),
        ]
        for received, status, repeat, owner, region, source, utm, minutes, due in rows:
            session.execute(
                insert(leads).values(
                    status=status, repeat=repeat, channel="web_form", source_id=source, utm_source=utm,
                    person_name="Клиент", message="", region=region, owner_id=owner, flags=[],
                    received_at=received, answer_due_at=received + timedelta(minutes=due),
                    first_response_at=None if minutes is None else received + timedelta(minutes=minutes),
                    created_at=received, updated_at=received, version=1,
                )
            )  # fmt: skip


def test_team_and_groups_counted_by_hand(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    add_requests(engine, seeded)
    ws = workspace_for("admin")
    with ws.read() as session:

        def report(by: str | None) -> Any:
            found = lead_report(
                session, ws.viewer, date(2026, 11, 1), date(2026, 11, 20), by=by, now=FROZEN_NOW, tz=MOSCOW
            )
            return found.as_json()

        team = report(None)["team"]
        by_source = report("source")
        by_day = report("day")
        by_week = report("week")
        by_manager = report("manager")
    # 6 requests, 1 repeat; converted counts new requests only (2 of 5); answered 5 of 6:
    # minutes 5, 10, 20, 30, 40 -> median 20; on time (junk left out): 10 of 15, 30 of 60 -> 2 of 5
    # with a deadline passed or answered (the unanswered one's 15 minutes ran out long ago)
    assert isinstance(team, dict)
    assert (team["requests"], team["new"], team["repeat"], team["in_work"], team["junk"]) == (6, 5, 1, 2, 1)
    assert (team["converted"], team["conversion"], team["band"]) == (2, 0.4, "good")
    assert (team["median_response_minutes"], team["on_time"]) == (20.0, 0.4)
    groups = {g["key"]: g for g in by_source["groups"]}
    assert set(groups) == {"Сайт", "—"}  # an utm_source no source names is no source
    # Сайт: answered 10, 20, 30 -> median 20; no source: 40 and 5 -> the mean of the two, 22.5
    assert (groups["Сайт"]["requests"], groups["Сайт"]["median_response_minutes"]) == (4, 20.0)
    assert (groups["—"]["repeat"], groups["—"]["median_response_minutes"]) == (1, 22.5)
    assert [g["key"] for g in by_source["groups"]] == ["Сайт", "—"]
    days = {g["key"]: g["requests"] for g in by_day["groups"]}
    assert days == {"2026-11-09": 2, "2026-11-17": 2, "2026-11-19": 2}
    weeks = {g["key"]: g["requests"] for g in by_week["groups"]}
    assert weeks == {"2026-11-09": 2, "2026-11-16": 4}
    managers = {g["key"]: (g["new"], g["converted"]) for g in by_manager["groups"]}
    assert managers == {"Иванова Светлана": (2, 1), "Петров Андрей": (3, 1)}


def test_a_head_sees_the_region(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    add_requests(engine, seeded)
    ws = workspace_for("smirnov")
    with ws.read() as session:
        found = lead_report(
            session, ws.viewer, date(2026, 11, 1), date(2026, 11, 20), by="region", now=FROZEN_NOW, tz=MOSCOW
        ).as_json()
    groups: Any = found["groups"]
    team: Any = found["team"]
    assert [(g["key"], g["requests"]) for g in groups] == [("Москва", 3)]
    # Moscow's answers: 10, 20, 40 minutes
    assert team["median_response_minutes"] == 20.0


def test_a_source_reads_by_one_rule_in_the_report_and_the_inbox(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    """The analysis by source showed a request's raw utm_source ("yandex") where the inbox showed
    "—" and the request's card "no source": an utm_source the sources' list does not know is no
    source, and a request without one reads "—" everywhere."""
    from crm_tui.domain.leads.inbox import list_requests

    add_requests(engine, seeded)
    ws = workspace_for("admin")
    with ws.read() as session:
        report = lead_report(
            session, ws.viewer, date(2026, 11, 1), date(2026, 11, 20), by="source", now=FROZEN_NOW, tz=MOSCOW
        )
    assert sorted(report.label(g) for g in report.groups) == ["Сайт", "—"]
    shown = {item.source_label for item in list_requests(ws)}
    assert shown == {"Сайт", "—"}


def test_conversion_and_on_time_are_shares_as_in_every_report(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    """The lead analysis's ``--json`` gave conversion and on time in percent (40.0) where every
    other report's ``--json``, and its own workbook and CSV, hold shares of 0..1 (0.4)."""
    from crm_tui.domain.reports.sheets import lead_sheets
    from crm_tui.domain.values.formatting import share_percent

    add_requests(engine, seeded)
    ws = workspace_for("admin")
    with ws.read() as session:
        report = lead_report(
            session, ws.viewer, date(2026, 11, 1), date(2026, 11, 20), by="manager", now=FROZEN_NOW, tz=MOSCOW
        )
    [sheet] = lead_sheets(report)
    rows = list(sheet.rows)
    for figures, row in zip([report.team, *report.groups], rows, strict=True):
        shown = figures.as_json()
        assert (shown["conversion"], shown["on_time"]) == (row[7], row[10])
        assert shown["conversion"] is None or 0 <= shown["conversion"] <= 1
    team = report.team.as_json()
    assert (team["conversion"], team["on_time"]) == (0.4, 0.4)
    assert share_percent(team["conversion"]) == "40.0%"
