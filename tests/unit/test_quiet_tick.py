"""A tick with nothing to do does nothing (issue 29): cron runs `crm schedule tick` every few
minutes, and recomputing every segment each time cost seconds on a big base. What the segments
depend on changing, or the day, makes it work again."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine

from crm_tui.domain.clients.merges import merge_clients
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.segments.interval import INTERVAL_KEY
from crm_tui.domain.settings import put_setting
from crm_tui.domain.workspace import open_workspace
from crm_tui.scheduling.tick import TICK_KEY, run_tick
from crm_tui.storage.database import get_engine, read_session, write_session
from crm_tui.storage.models import sales_documents, settings_table
from tests.cli_support import crm_process, heavy_imports
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

EVERYTHING = ["segments", "contact_tasks", "deal_reminders"]


def test_a_second_tick_skips_every_job_and_a_changed_input_or_day_brings_them_back(
    db_url: str, engine: Engine, seeded: Seeded
) -> None:
    def tick(at: timedelta = timedelta(0)) -> list[str]:
        ws = open_workspace(db_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW + at))
        return run_tick(ws).skipped

    assert tick() == []
    assert tick() == EVERYTHING
    assert tick(timedelta(minutes=5)) == EVERYTHING
    with write_session(engine) as session:
        session.execute(
            sales_documents.insert().values(
                kind="sale", number="77", doc_year=2026, doc_date=FROZEN_NOW.date(), amount=100_000,
                client_id=seeded.clients["romashka"], client_name="Ромашка", file="t.xlsx", row=2,
                updated_at=FROZEN_NOW,
            )
        )  # fmt: skip
    daily = ["contact_tasks", "deal_reminders"]  # they count in days, and once a day is enough
    assert tick(timedelta(minutes=10)) == daily  # a document came: the segments follow it
    assert tick(timedelta(minutes=15)) == EVERYTHING
    with write_session(engine) as session:
        put_setting(session, INTERVAL_KEY, 45, at=FROZEN_NOW, user_id=None)
    assert tick(timedelta(minutes=20)) == []  # a setting: the jobs are told something new
    assert tick(timedelta(days=1)) == []  # a new day: purchases age, tasks and reminders are due
    assert tick(timedelta(days=1, minutes=5)) == EVERYTHING


def test_a_merge_that_removes_a_client_is_news_for_the_segments(db_url: str, seeded: Seeded) -> None:
    """The tick finds a change by the newest audit row and the tables' highest ids, without
    counting their rows (most of a quiet tick's time on a large base): a client removed by a
    merge, not the newest one, still makes the segments recompute."""

    def tick(at: timedelta) -> list[str]:
        ws = open_workspace(db_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW + at))
        return run_tick(ws).skipped

    tick(timedelta(0))
    assert tick(timedelta(minutes=5)) == EVERYTHING
    ws = open_workspace(db_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW + timedelta(minutes=7)))
    kept, removed = sorted(seeded.clients.values())[:2]
    with ws.write() as session:
        merge_clients(session, ws.viewer, ws.now(), kept, [removed])
    assert tick(timedelta(minutes=10)) == ["contact_tasks", "deal_reminders"]


def test_force_runs_everything(db_url: str, seeded: Seeded) -> None:
    ws = open_workspace(db_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    run_tick(ws)
    report = run_tick(ws, force=True)
    assert report.skipped == [] and report.segments is not None and report.segments.moved == 0


def test_a_tick_that_finds_what_the_last_one_did_writes_nothing(db_url: str, seeded: Seeded) -> None:
    """Cron's every-few-minutes tick takes no write lock when nothing changed (it waited behind
    a colleague's import before, and wrote the same fingerprint again)."""

    def tick(at: timedelta) -> None:
        run_tick(open_workspace(db_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW + at)))

    def remembered_at(engine: Engine) -> object:
        with read_session(engine) as session:
            return session.scalar(select(settings_table.c.updated_at).where(settings_table.c.key == TICK_KEY))

    tick(timedelta(0))
    tick(timedelta(minutes=5))
    engine = get_engine(db_url)
    before = remembered_at(engine)
    tick(timedelta(minutes=10))
    assert remembered_at(engine) == before


QUIET_TICK_LOADS_NOT = (
    "crm_tui.domain.campaigns.claims",
    "crm_tui.scheduling.outbox_job",
    "crm_tui.scheduling.inbound_mail",
    "crm_tui.domain.segments.recompute",
    "crm_tui.scheduling.contact_rules",
    "sqlalchemy.dialects.postgresql",
    "sqlalchemy.orm",  # the questions and the tick's note go through a Core connection
    "rich",
    "crm_tui.storage.models",  # every table: the tick's questions read their own few
    "crm_tui.storage.tables.documents",
    "crm_tui.storage.tables.web",
    "crm_tui.storage.tables.report_indexes",
)


def test_a_quiet_tick_loads_none_of_the_jobs(seeded_db: str) -> None:
    """`crm schedule tick` with nothing due asks each job whether it has work and loads none of
    them: not the outbox's claims (nor PostgreSQL's dialect on SQLite), the mail, the segments;
    nor Rich (for tables)."""
    for _ in range(2):  # the first tick's tasks are news for the segments of the second
        crm_process("--db", seeded_db, "schedule", "tick", user="admin", check=True)
    loaded = heavy_imports("--db", seeded_db, "schedule", "tick", user="admin", modules=QUIET_TICK_LOADS_NOT)
    assert loaded == {}
