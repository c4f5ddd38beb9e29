"""`crm demo`: a base that looks like a Russian sales team's, small to try the app, large to
benchmark it.

Rows go in with Core ``executemany`` in batches of a few thousand, with ids computed here (the
base holds no clients, so they are known) rather than read back row by row: the large base is
2.5 million rows and must build in well under three minutes. Transactions hold tens of thousands
of rows (on SQLite all clients are one): nobody else works in a demo base while it is built,
and fewer commits mean far fewer index pages written again. Nothing is audited: demo rows are
not anybody's changes. How the rows go in fast (bulk pragmas, the search index built once) is
``loading``'s.
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, insert, inspect, select, update
from sqlalchemy.engine import URL, Engine
from sqlalchemy.exc import DBAPIError

from crm_tui.demo import (
    activity,
    campaigns,
    documents,
    hand_work,
    history,
    inbound,
    requests,
    stage_history,
    trade_export,
)
from crm_tui.demo.forge import Forge
from crm_tui.demo.loading import bulk_mode, finish, max_id, write_clients
from crm_tui.demo.plan import SIZES, UserPlan, plan_clients, plan_deals, plan_team
from crm_tui.demo.writing import write_batches
from crm_tui.domain.deals.pipelines import stages_of
from crm_tui.domain.workspace import prepare_database
from crm_tui.i18n import N_, MessageError
from crm_tui.storage.database import (
    create_private,
    describe,
    get_engine,
    parse_database_url,
    read_session,
    sqlite_file,
    unavailable,
    write_session,
)
from crm_tui.storage.models import (
    clients,
    contacts,
    deals,
    interactions,
    pipelines,
    users,
)
from crm_tui.storage.models import tasks as tasks_table

log = logging.getLogger(__name__)
Row = dict[str, Any]
BATCH = 5_000  # rows to one executemany
TARGET_STEP = 10_000_000  # monthly targets are round sums: 100 000 ₽ in kopecks
MIN_TARGET = 50_000_000

DEMO_LANGUAGE = "ru"
"""The demo is a Russian sales team's base, whatever language its builder reads the program in:
what a team writes (client and deal names, notes, calls, letters, requests, tasks) and the
funnel, lost reasons and portrait a new base ships in its language are Russian; the program's
own words (screens, commands' output) stay in the language in force. A database that already
has its funnel keeps its language (``base_language``), so the demo never mixes two."""


class DemoTargetNotEmpty(MessageError):
    """The demo never mixes its invented clients into a real base."""

    default_code = "demo.target_not_empty"


@dataclass(frozen=True)
class DemoSummary:
    database: str
    users: int
    clients: int
    deals: int
    interactions: int
    tasks: int
    seconds: float
    requests: int = 0
    """The week of requests (their touches are among ``interactions``, their tasks ``tasks``)."""
    statement: str | None = None
    """The bank statement written beside the base for `crm import bank` (a SQLite base only)."""
    login: str = ""
    """Who the demo was built for: the admin the app opens as."""
    browser_password: str = ""
    """A fresh random password ``login`` signs in to `crm serve` with (only its hash is kept)."""
    trade_file: str | None = None
    """The 1C documents written beside the base for `crm import orders` (a SQLite base only)."""


def build_demo(
    database: str,
    *,
    size: str,
    seed: int,
    login: str,
    replace_file: bool,
    now: datetime | None = None,
) -> DemoSummary:
    """Build the demo base in ``database``; the same ``seed`` and ``now`` give the same rows."""
    started = time.perf_counter()
    spec = SIZES.get(size)
    if spec is None:
        raise ValueError(f"unknown demo size {size!r}: use small or large")
    moment = datetime.now(UTC) if now is None else now
    if moment.tzinfo is None:
        raise ValueError("the demo's `now` must carry a time zone")
    moment = moment.astimezone(UTC)
    url = parse_database_url(database)
    if replace_file and sqlite_file(url) is not None:
        _remove_sqlite_file(url)
    else:
        _refuse_if_has_clients(url)
    engine = prepare_database(database, DEMO_LANGUAGE)
    try:
        counts = _generate(engine, spec_name=size, seed=seed, login=login, now=moment)
    except DBAPIError as exc:
        raise unavailable(engine, exc) from exc
    users_n, tasks_n, made, statement, trade = counts
    password = _browser_password(engine, login, moment)
    return DemoSummary(
        database=describe(engine),
        users=users_n,
        clients=spec.clients,
        deals=spec.deals,
        interactions=spec.interactions + made.touches,
        tasks=tasks_n,
        seconds=round(time.perf_counter() - started, 3),
        requests=made.received,
        statement=str(statement) if statement else None,
        login=login,
        browser_password=password,
        trade_file=str(trade) if trade else None,
    )


def _browser_password(engine: Engine, login: str, now: datetime) -> str:
    """A browser password for the person the demo is built for, so `crm serve` can be tried at
    once: random for each build (a demo base left on a shared machine is not open to anyone who
    read the README), printed once by `crm demo`, stored as a hash like any other."""
    import secrets

    from crm_tui.domain.access.passwords import set_password
    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.workspace import open_workspace

    password = secrets.token_urlsafe(9)
    ws = open_workspace(engine.url.render_as_string(hide_password=False), login, clock=fixed_clock(now))
    with ws.write() as session:
        set_password(session, ws.viewer, login, password, now)
    return password


def _remove_sqlite_file(url: URL) -> None:
    """Delete the file and its WAL companions; pooled connections would keep the old inode alive."""
    path = sqlite_file(url)
    assert path is not None
    get_engine(url).dispose()
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    create_private(path)  # the engine made it 0660 before; SQLite would make it anew by the umask


def _refuse_if_has_clients(url: URL) -> None:
    engine = get_engine(url)
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("clients"):
                return
            found = conn.execute(select(clients.c.id).limit(1)).first()
    except DBAPIError as exc:
        raise unavailable(engine, exc) from exc
    if found is not None:
        raise DemoTargetNotEmpty(
            "demo.target_not_empty",
            N_(
                "database {database} already holds clients: the demo only builds into an empty database "
                "(run `crm demo` without --db to rebuild the demo file)"
            ),
            database=describe(engine),
        )


def _generate(
    engine: Engine, *, spec_name: str, seed: int, login: str, now: datetime
) -> tuple[int, int, requests.Requests, Path | None, Path | None]:
    spec = SIZES[spec_name]
    stream = {
        part: random.Random(f"crm-demo:{seed}:{part}")
        for part in (
            "team",
            "clients",
            "deals",
            "touches",
            "tasks",
            "sales",
            "portraits",
            "hand",
            "requests",
            "stages",
        )
    }
    base = history.base_words(engine)
    with engine.connect() as conn:
        existing = {
            row.login: (row.id, row.full_name)
            for row in conn.execute(select(users.c.id, users.c.login, users.c.full_name))
        }
        pipeline_id = conn.execute(
            select(pipelines.c.id).order_by(pipelines.c.is_default.desc(), pipelines.c.id).limit(1)
        ).scalar_one()
    with read_session(engine) as session:
        stage_list = stages_of(session, pipeline_id)
    open_ids = [s.id for s in stage_list if not s.is_won and not s.is_lost]
    won_id = next(s.id for s in stage_list if s.is_won)
    lost_id = next(s.id for s in stage_list if s.is_lost)
    stage_ids = (*(open_ids + open_ids[-1:] * 5)[:5], won_id, lost_id)

    clock = _Phases()
    team = plan_team(stream["team"], Forge(stream["team"]), spec, login, existing, max_id(engine, users), now)
    login_id = team[0].id
    book = plan_clients(stream["clients"], spec, team, max_id(engine, clients), now)
    deal_base = max_id(engine, deals)
    plan_deals(stream["clients"], spec, book, login_id, deal_base)
    with bulk_mode(engine):
        _write_team(engine, team)
        clock.done("plan and users")
        forge = Forge(stream["clients"])
        write_clients(engine, forge, book, max_id(engine, contacts), now, base.said)
        clock.done("clients, contacts, channels")

        frame = activity.Frame(now, activity.month_start(now), pipeline_id, stage_ids)
        sales = activity.Sales()
        words = activity.words_for(base.said, base.lost_reasons)
        made = activity.deal_rows(stream["deals"], book, frame, deal_base, sales, BATCH, words)
        write_batches(engine, deals, made)
        stage_history.write_stage_history(engine, stream["stages"], stage_list, deal_base, BATCH)
        _write_targets(engine, stream["team"], team, sales)
        clock.done("deals")
        touches = activity.interaction_rows(
            stream["touches"], book, frame, login_id, spec.interactions, BATCH, base.said
        )
        write_batches(engine, interactions, touches)
        clock.done("interactions")
        task_rows = activity.task_rows(
            stream["tasks"], book, frame, team, login_id, spec.tasks, BATCH, base.said
        )
        task_count = write_batches(engine, tasks_table, task_rows)
        task_count += hand_work.write_hand_work(engine, stream["hand"], book, team, login_id, now, base.said)
        clock.done("tasks, deal lines, the week's meetings")
        history.write_history(engine, book, team, sales, base, now, stream["sales"], stream["portraits"])
        clock.done("sales history and portraits")
    file = sqlite_file(engine.url)
    statement, paid_tasks = documents.write_documents(
        engine, random.Random(f"crm-demo:{seed}:documents"), now, login_id, file.parent if file else None
    )
    task_count += paid_tasks
    trade = trade_export.write_trade_export(engine, now, login_id, file.parent) if file else None
    clock.done("contracts, invoices, payments, a bank statement, a 1C export")
    history.recompute(engine, login, now)
    clock.done("segments")
    finish(engine)
    clock.done("analyze and checkpoint")
    # Through the intake, as requests arrive: after the ids and statistics are in place.
    inbox = requests.write_requests(engine, stream["requests"], team, now, base.said.language)
    clock.done("a week of requests")
    came = inbound.write_inbound(
        engine, random.Random(f"crm-demo:{seed}:inbound"), team, now, base.said.language
    )
    inbox = dataclasses.replace(inbox, touches=inbox.touches + came[0], tasks=inbox.tasks + came[1])
    clock.done("calls, mail and forms that came in by themselves")

    replies = campaigns.write_campaigns(
        engine, random.Random(f"crm-demo:{seed}:campaigns"), team, now, base.said.language
    )
    inbox = replace(inbox, touches=inbox.touches + replies, tasks=inbox.tasks + replies)
    clock.done("the lost clients' drip")
    return len(team), task_count + inbox.tasks, inbox, statement, trade


class _Phases:
    """Logs how long each phase took, so a slow build can be pinned on a table."""

    def __init__(self) -> None:
        self._last = time.perf_counter()

    def done(self, phase: str) -> None:
        now = time.perf_counter()
        log.info("demo build: %s in %.1f s", phase, now - self._last)
        self._last = now


def _write_team(engine: Engine, team: list[UserPlan]) -> None:
    new = [
        {
            "id": u.id,
            "login": u.login,
            "full_name": u.full_name,
            "role": u.role.value,
            "region": u.region,
            "monthly_target": 0,
            "active": True,
            "created_at": u.created_at,
        }
        for u in team
        if not u.exists
    ]
    with write_session(engine) as session:
        if new:
            session.execute(insert(users), new)
        for u in team:
            if u.exists:
                session.execute(
                    update(users)
                    .where(users.c.id == u.id)
                    .values(full_name=u.full_name, role=u.role.value, region=u.region, active=True)
                )


def _write_targets(engine: Engine, rng: random.Random, team: list[UserPlan], sales: activity.Sales) -> None:
    """A plan a little above what each seller closed per month lately, as a head would set it,
    and above what is already won this month: a team that met its plan by the 20th has a
    plan that was set too low."""
    months = activity.HISTORY.days / 30.4
    rows = []
    for u in team:
        if u.weight <= 0:
            continue
        usual = sales.last_months.get(u.id, 0) / months * rng.uniform(0.9, 1.3)
        monthly = max(usual, sales.this_month.get(u.id, 0) * rng.uniform(1.15, 1.6))
        rows.append({"uid": u.id, "target": max(MIN_TARGET, round(monthly / TARGET_STEP) * TARGET_STEP)})
    if rows:
        with write_session(engine) as session:
            session.execute(
                update(users)
                .where(users.c.id == bindparam("uid"))
                .values(monthly_target=bindparam("target")),
                rows,
            )
