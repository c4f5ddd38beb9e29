"""`crm report calls --by source` on both databases: each touch counted under the PBX that
reported it (its identity's part before the colon), the mailbox a mail was read from, or the
CRM for a touch logged by hand; the figures counted by hand here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

from sqlalchemy.engine import Engine

from crm_tui.domain.reports.kpi import KpiName, KpiQuery, run_kpi, shown
from crm_tui.domain.reports.period import Period
from crm_tui.domain.reports.table import Report, Slice
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import Direction
from crm_tui.storage.records import Interaction
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

Open = Callable[[str], Workspace]
DAYS = Period(date(2026, 12, 1), date(2026, 12, 3))


def add_touches(engine: Engine, seeded: Seeded) -> None:
    rows = [
        ("ivanova", "call", Direction.INBOUND, 120, "asterisk:1733296503.1"),
        ("ivanova", "call", Direction.INBOUND, None, "asterisk:1733296504.7"),
        ("petrov", "call", Direction.OUTBOUND, 40, "mango:a-77"),
        ("ivanova", "call", Direction.OUTBOUND, 15, None),
        ("petrov", "email", Direction.INBOUND, None, "mail:<x1@client.ru>"),
    ]
    with write_session(engine) as session:
        for n, (login, kind, direction, seconds, external) in enumerate(rows):
            at = datetime(2026, 12, 2, 9, n, tzinfo=UTC)
            session.add(
                Interaction(kind=kind, direction=direction, occurred_at=at, duration_s=seconds,
                            client_id=seeded.clients["aqua"], user_id=seeded.users[login], created_at=at,
                            external_id=external)
            )  # fmt: skip


def report(ws: Workspace, *by: Slice) -> Report:
    with ws.read() as session:
        return run_kpi(session, ws.viewer, KpiQuery(KpiName.CALLS, DAYS, by), FROZEN_NOW, MOSCOW)


def test_calls_by_source(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    add_touches(engine, seeded)
    found = {row["source"]: row for row in report(workspace_for("admin"), Slice.SOURCE).rows}
    figures = ("calls_in", "calls_out", "answered", "missed", "talk_seconds", "mails_in")
    assert {source: tuple(row[k] for k in figures) for source, row in found.items()} == {
        "asterisk": (2, 0, 1, 1, 120, 0),
        "mango": (0, 1, 1, 0, 40, 0),
        "crm": (0, 1, 1, 0, 15, 0),
        "mail": (0, 0, 0, 0, 0, 1),
    }
    column = report(workspace_for("admin"), Slice.SOURCE).column("source")
    assert shown(column, "mango") == "Mango Office" and shown(column, "crm") == "in the CRM"


def test_by_source_and_manager_within_the_viewers_scope(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    add_touches(engine, seeded)
    mine = report(workspace_for("ivanova"), Slice.MANAGER, Slice.SOURCE).rows
    assert [(row["manager"], row["source"], row["calls_in"] + row["calls_out"]) for row in mine] == [
        ("ivanova", "asterisk", 2),
        ("ivanova", "crm", 1),
    ]
    days = report(workspace_for("admin"), Slice.SOURCE, Slice.DAY).rows
    assert {(row["source"], row["day"]) for row in days} == {
        (source, "2026-12-02") for source in ("asterisk", "mango", "crm", "mail")
    }
