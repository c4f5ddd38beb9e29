"""`crm demo` builds a base a salesperson would believe, with their own desk full on day one."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, or_, select, text
from sqlalchemy.engine import Engine

from crm_tui.demo.builder import DemoSummary, DemoTargetNotEmpty, build_demo
from crm_tui.demo.vocabulary import REGIONS
from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.clients.listing import ClientFilter, client_page
from crm_tui.domain.clients.records import ClientDraft, create_client
from crm_tui.domain.clients.search_keys import derived_keys
from crm_tui.domain.clock import fixed_clock, local_day_bounds, local_month_bounds
from crm_tui.domain.desk import load_desk
from crm_tui.domain.leads.inbox import inbox_page
from crm_tui.domain.portrait.completeness import completeness_report
from crm_tui.domain.reports.leads import lead_report
from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.phones import normalise_phones
from crm_tui.domain.values.requisites import is_valid_inn, is_valid_kpp, is_valid_ogrn
from crm_tui.domain.workspace import Workspace, open_workspace
from crm_tui.storage.database import dispose_engines, get_engine, read_session
from crm_tui.storage.models import (
    Role,
    channels,
    clients,
    contacts,
    deals,
    interactions,
    leads,
    sales_documents,
    stages,
    tasks,
    user_passwords,
    users,
)
from tests.conftest import drop_schema, new_schema, schema_url
from tests.seed import FROZEN_NOW, MOSCOW

LOGIN = "olga"
SEED = 7
E164_RU = re.compile(r"^\+7\d{10}$")
EMAIL = re.compile(r"^[a-z0-9._-]+@[a-z0-9.-]+\.ru$")


@dataclass(frozen=True)
class Demo:
    url: str
    summary: DemoSummary

    @property
    def engine(self) -> Engine:
        return get_engine(self.url)

    def workspace(self, login: str = LOGIN) -> Workspace:
        return open_workspace(self.url, login, tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))

    def scalar(self, query: object) -> int:
        with read_session(self.engine) as session:
            return int(session.scalar(query) or 0)  # type: ignore[call-overload]


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def demo(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Demo]:
    """The real `small` base, built once per backend for the whole module."""
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('demo')}/demo.db"
    else:
        server: Engine = request.getfixturevalue("postgres_server")
        schema = new_schema(server)
        url = schema_url(server, schema)
    summary = build_demo(url, size="small", seed=SEED, login=LOGIN, replace_file=True, now=FROZEN_NOW)
    yield Demo(url, summary)
    dispose_engines()
    if schema is not None:
        drop_schema(server, schema)


def tiny(path: Path, *, seed: int = 1, login: str = LOGIN, replace_file: bool = True) -> DemoSummary:
    return build_demo(
        str(path), size="tiny", seed=seed, login=login, replace_file=replace_file, now=FROZEN_NOW
    )


# What was promised ---------------------------------------------------------------------------


def test_small_has_the_promised_counts(demo: Demo) -> None:
    s = demo.summary
    assert (s.users, s.clients, s.deals) == (12, 2_000, 1_500)
    assert s.requests > 0 and s.interactions > 20_000  # the week of requests adds its touches
    assert s.tasks >= 1_000
    for table, expected in [
        (users, s.users),
        (clients, s.clients),
        (deals, s.deals),
        (interactions, s.interactions),
        (tasks, s.tasks),
    ]:
        assert demo.scalar(select(func.count()).select_from(table)) == expected, table.name
    assert demo.scalar(select(func.count()).select_from(contacts)) > s.clients


def test_team_is_managers_in_three_regions_a_head_each_and_an_admin(demo: Demo) -> None:
    with read_session(demo.engine) as session:
        team = session.execute(select(users.c.login, users.c.role, users.c.region)).all()
    roles = Counter(role for _, role, _ in team)
    assert roles == {Role.MANAGER: 8, Role.HEAD: 3, Role.ADMIN: 1}
    assert {region for _, role, region in team if role == Role.HEAD} == {"Москва", "Липецк", "Воронеж"}
    assert {region for _, role, region in team if role == Role.MANAGER} == {"Москва", "Липецк", "Воронеж"}
    assert (LOGIN, Role.HEAD, "Москва") in team
    assert len({login for login, _, _ in team}) == len(team)


def test_deals_fill_every_stage_with_money_in_kopecks(demo: Demo) -> None:
    with read_session(demo.engine) as session:
        rows = session.execute(
            select(
                stages.c.code, deals.c.status, deals.c.amount, deals.c.lost_reason, deals.c.closed_at
            ).select_from(deals.join(stages, stages.c.id == deals.c.stage_id))
        ).all()
    by_stage = Counter(code for code, *_ in rows)
    assert set(by_stage) == {"new", "qualification", "proposal", "invoice", "awaiting_payment", "won", "lost"}
    assert all(isinstance(amount, int) and amount > 0 for _, _, amount, _, _ in rows)
    month_start, _ = local_month_bounds(FROZEN_NOW, MOSCOW)
    won = [closed for code, _, _, _, closed in rows if code == "won"]
    assert any(c >= month_start for c in won) and any(c < month_start for c in won)
    assert all(reason for code, _, _, reason, _ in rows if code == "lost")
    assert all(
        status == "open" and closed is None
        for code, status, _, _, closed in rows
        if code not in ("won", "lost")
    )
    assert all(
        closed is not None and closed <= FROZEN_NOW
        for code, _, _, _, closed in rows
        if code in ("won", "lost")
    )


def test_client_status_agrees_with_its_deals(demo: Demo) -> None:
    with read_session(demo.engine) as session:
        status = dict(session.execute(select(clients.c.id, clients.c.status)).all())
        outcomes: dict[int, set[str]] = {}
        for client_id, deal_status in session.execute(select(deals.c.client_id, deals.c.status)):
            outcomes.setdefault(client_id, set()).add(deal_status)
    for client_id, value in status.items():
        mine = outcomes.get(client_id, set())
        expected = "customer" if "won" in mine else "prospect" if mine else "lead"
        assert value == expected, client_id
    assert set(status.values()) == {"lead", "prospect", "customer"}


# Data that looks real ------------------------------------------------------------------------


def test_requisites_pass_their_checksums_and_match_the_region(demo: Demo) -> None:
    prefixes = {r.name: {c.inn_prefix for c in r.cities} for r in REGIONS}
    with read_session(demo.engine) as session:
        rows = session.execute(
            select(clients.c.legal_form, clients.c.inn, clients.c.kpp, clients.c.ogrn, clients.c.region)
        ).all()
    forms = Counter(form for form, *_ in rows)
    assert {"ООО", "АО", "ПАО", "ИП"} <= set(forms)
    inns = [inn for _, inn, _, _, _ in rows if inn]
    assert len(inns) == len(set(inns)), "INNs repeat"
    for form, inn, kpp, ogrn, region in rows:
        if form is None:
            continue
        assert inn is not None and is_valid_inn(inn), inn
        assert inn[:2] in prefixes[region], (inn, region)
        assert ogrn is not None and is_valid_ogrn(ogrn), ogrn
        if form == "ИП":
            assert len(inn) == 12 and len(ogrn) == 15 and kpp is None
        else:
            assert len(inn) == 10 and len(ogrn) == 13
            assert kpp is not None and is_valid_kpp(kpp) and kpp[:4] == inn[:4]


def test_phones_are_e164_with_the_typed_form_kept_and_emails_are_ru(demo: Demo) -> None:
    with read_session(demo.engine) as session:
        rows = session.execute(select(channels.c.kind, channels.c.value, channels.c.raw)).all()
    phones = [(value, raw) for kind, value, raw in rows if kind == "phone"]
    emails = [value for kind, value, _ in rows if kind == "email"]
    assert phones and emails
    for value, raw in phones:
        assert E164_RU.match(value), value
        assert [p.e164 for p in normalise_phones(raw).value] == [value], (value, raw)
    assert any(raw.startswith("8 (") for _, raw in phones), "no number typed the Russian way"
    assert all(EMAIL.match(e) for e in emails), [e for e in emails if not EMAIL.match(e)][:5]
    assert len(set(emails)) == len(emails) and len({v for v, _ in phones}) == len(phones)


def test_contacts_are_cyrillic_people_with_positions(demo: Demo) -> None:
    """Russian people; their positions in the base's language: Russian, as a Russian team's (the
    tests run in English)."""
    with read_session(demo.engine) as session:
        people = session.execute(select(contacts.c.full_name, contacts.c.position).limit(300)).all()
    assert all(re.fullmatch(r"[А-ЯЁ][а-яё-]+ [А-ЯЁ][а-яё]+ [А-ЯЁ][а-яё]+", name) for name, _ in people)
    titles = {p for _, p in people if p}
    assert {"Генеральный директор", "Главный бухгалтер", "Менеджер по закупкам"} <= titles


# The demo tells the truth about the product (issue 19) -----------------------------------------


def test_a_sales_history_makes_loyal_and_lost_clients_as_in_a_real_base(demo: Demo) -> None:
    with read_session(demo.engine) as session:
        counts: dict[Any, int] = dict(
            session.execute(select(clients.c.segment, func.count()).group_by(clients.c.segment)).all()
        )
        # a contract or an invoice not paid yet (made on a deal, issue 25) is no purchase
        purchase = or_(
            sales_documents.c.kind.not_in(("contract", "invoice")), sales_documents.c.paid.is_(True)
        )
        buyers = session.scalar(
            select(func.count(func.distinct(sales_documents.c.client_id))).where(purchase)
        )
        customers = session.scalar(select(func.count()).where(clients.c.status == "customer"))
        bought = session.scalar(select(func.count()).where(clients.c.last_purchase_on.is_not(None)))
        repeat = session.scalar(
            select(func.count()).select_from(
                select(sales_documents.c.client_id)
                .group_by(sales_documents.c.client_id)
                .having(func.count() > 2)
                .subquery()
            )
        )
    total = sum(counts.values())
    assert None not in counts and total == demo.summary.clients
    assert buyers == customers == bought  # whoever won a deal bought, and the card says when
    assert repeat is not None and buyers is not None and repeat > buyers // 2  # customers reorder
    share = {segment: n / total for segment, n in counts.items()}
    assert 0.04 < share["loyal"] < 0.2 and 0.06 < share["warm"] < 0.25 and share["lost"] > 0.6, share


def test_portraits_are_filled_some_managers_well_and_some_far_below(demo: Demo) -> None:
    ws = demo.workspace("admin")
    with ws.read() as session:
        report = [m for m in completeness_report(session, ws.viewer) if m.login is not None]
    shares = sorted(m.share for m in report if m.clients >= 50)
    assert shares[-1] > 0.8 and shares[-2] > 0.8, shares
    assert shares[0] < 0.4, shares


def test_search_keys_follow_the_one_rule(demo: Demo) -> None:
    with read_session(demo.engine) as session:
        sample = session.execute(
            select(
                clients.c.id,
                clients.c.name,
                clients.c.legal_form,
                clients.c.inn,
                clients.c.city,
                clients.c.name_key,
                clients.c.search_text,
            )
            .order_by(clients.c.id)
            .limit(60)
        ).all()
        found = session.execute(
            select(channels.c.client_id, channels.c.kind, channels.c.value)
            .where(channels.c.client_id <= sample[-1].id)
            .order_by(channels.c.id)
        ).all()
    for row in sample:
        phones = [v for cid, kind, v in found if cid == row.id and kind == "phone"]
        emails = [v for cid, kind, v in found if cid == row.id and kind == "email"]
        assert (row.name_key, row.search_text) == derived_keys(
            row.name, row.legal_form, row.inn, row.city, phones, emails
        )


def test_interactions_span_half_a_year_of_every_kind_and_direction(demo: Demo) -> None:
    with read_session(demo.engine) as session:
        kinds = set(session.scalars(select(interactions.c.kind).distinct()))
        directions = set(session.scalars(select(interactions.c.direction).distinct()))
        first, last = session.execute(
            select(func.min(interactions.c.occurred_at), func.max(interactions.c.occurred_at))
        ).one()
    assert kinds == {"call", "email", "message", "meeting", "note"}
    assert directions == {"inbound", "outbound", "internal"}
    assert FROZEN_NOW - timedelta(days=200) < first < FROZEN_NOW - timedelta(days=150)
    assert FROZEN_NOW - timedelta(days=1) < last <= FROZEN_NOW


def test_search_by_an_upper_case_cyrillic_fragment(demo: Demo) -> None:
    ws = demo.workspace()
    with ws.read() as session:
        name = session.scalar(
            select(clients.c.name).where(clients.c.legal_form == "ООО", clients.c.region == "Москва").limit(1)
        )
        assert name is not None
        fragment = name.split()[0][:5].upper()
        page = client_page(session, ws.viewer, ClientFilter(query=fragment))
    assert page.rows
    assert any(fold(fragment) in fold(r.name) for r in page.rows)
    assert all(r.region == "Москва" or r.owner == ws.viewer.full_name for r in page.rows)


def test_search_by_inn_and_phone_goes_through_the_search_index(demo: Demo) -> None:
    """Rare terms on a base bigger than the scan window are answered by the trigram index,
    which the builder fills in one go: it must hold every demo client."""
    if demo.engine.dialect.name == "sqlite":
        with demo.engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO client_search(client_search) VALUES ('integrity-check')")
            triggers = conn.exec_driver_sql(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%client_search%'"
            ).scalar()
        assert triggers == 3
    ws = demo.workspace("admin")
    with ws.read() as session:
        last = session.execute(
            select(clients.c.id, clients.c.inn)
            .where(clients.c.legal_form == "ООО")
            .order_by(clients.c.id.desc())
        ).first()
        assert last is not None
        phone = session.scalar(
            select(channels.c.value).where(channels.c.client_id == last.id, channels.c.kind == "phone")
        )
        assert phone is not None
        by_inn = client_page(session, ws.viewer, ClientFilter(query=last.inn))
        by_phone = client_page(session, ws.viewer, ClientFilter(query="8" + phone[2:]))
    assert [r.id for r in by_inn.rows] == [last.id]
    assert [r.id for r in by_phone.rows] == [last.id]


# The desk of whoever opens the demo ----------------------------------------------------------


def test_login_is_the_moscow_head_with_a_full_desk(demo: Demo) -> None:
    ws = demo.workspace()
    assert (ws.viewer.login, ws.viewer.role, ws.viewer.region) == (LOGIN, Role.HEAD, "Москва")
    desk = load_desk(ws)
    assert any(t.overdue for t in desk.tasks) and any(not t.overdue for t in desk.tasks)
    _, day_end = local_day_bounds(FROZEN_NOW, MOSCOW)
    assert all(t.due_at < day_end for t in desk.tasks)
    assert [s.stage for s in desk.stages] == ["Новое обращение", "Квалификация", "КП отправлено",
                                              "Счёт выставлен", "Ждём оплату"]  # fmt: skip
    assert all(s.count > 0 and s.amount > 0 for s in desk.stages)
    assert len(desk.inbound) == 10
    assert desk.inbound[0].occurred_at > FROZEN_NOW - timedelta(days=1)
    kpi = desk.kpi
    assert kpi.plan > 0 and kpi.plan % 100 == 0
    assert kpi.fact > 0 and kpi.won_count > 0
    assert kpi.awaiting_payment_count > 0 and kpi.overdue_tasks > 0
    assert kpi.plan_share is not None and 0.2 < kpi.plan_share < 1.0


def test_every_seller_has_tasks_due_today_and_overdue(demo: Demo) -> None:
    _, day_end = local_day_bounds(FROZEN_NOW, MOSCOW)
    with read_session(demo.engine) as session:
        sellers = session.scalars(select(users.c.id).where(users.c.role.in_(["manager", "head"]))).all()
        rows = session.execute(
            select(tasks.c.assignee_id, tasks.c.due_at).where(
                tasks.c.status == "open", tasks.c.due_at < day_end
            )
        ).all()
    for seller in sellers:
        mine = [due for who, due in rows if who == seller]
        assert any(due < FROZEN_NOW for due in mine), seller
        assert any(due >= FROZEN_NOW for due in mine), seller


def test_ids_continue_after_the_demo(demo: Demo) -> None:
    """On PostgreSQL the builder writes ids itself; the sequences must have moved past them."""
    ws = demo.workspace()
    with ws.write() as session:
        new_id = create_client(session, ws.viewer, ClientDraft(name="Новый клиент"), FROZEN_NOW)
        session.rollback()
    assert new_id > demo.summary.clients


# Building ------------------------------------------------------------------------------------


def _dump(path: Path) -> list[object]:
    engine = get_engine(str(path))
    with read_session(engine) as session:
        return [
            session.execute(select(users).order_by(users.c.id)).all(),
            session.execute(select(clients).order_by(clients.c.id)).all(),
            session.execute(select(channels).order_by(channels.c.id)).all(),
            session.execute(select(deals).order_by(deals.c.id)).all(),
            session.execute(select(interactions).order_by(interactions.c.id)).all(),
            session.execute(select(tasks).order_by(tasks.c.id)).all(),
        ]


def test_same_seed_same_base_other_seed_other_base(tmp_path: Path) -> None:
    tiny(tmp_path / "a.db")
    tiny(tmp_path / "b.db")
    tiny(tmp_path / "c.db", seed=2)
    try:
        assert _dump(tmp_path / "a.db") == _dump(tmp_path / "b.db")
        assert _dump(tmp_path / "a.db")[1] != _dump(tmp_path / "c.db")[1]
    finally:
        dispose_engines()


def test_refuses_a_database_that_holds_clients_and_replaces_its_own_file(tmp_path: Path) -> None:
    path = tmp_path / "crm.db"
    first = tiny(path, replace_file=False)
    try:
        with pytest.raises(DemoTargetNotEmpty) as refused:
            tiny(path, seed=2, replace_file=False)
        message = str(refused.value)
        assert "\n" not in message and str(path) in message and "clients" in message
        assert Demo(str(path), first).scalar(select(func.count()).select_from(clients)) == first.clients
        again = tiny(path, seed=2, replace_file=True)
        assert Demo(str(path), again).scalar(select(func.count()).select_from(users)) == again.users
    finally:
        dispose_engines()


def test_builds_into_a_fresh_database_whose_first_user_is_the_login(tmp_path: Path) -> None:
    """`crm` was started once (making the OS login its admin), then `crm --db ... demo`."""
    path = str(tmp_path / "crm.db")
    open_workspace(path, "boss", clock=fixed_clock(FROZEN_NOW))
    try:
        summary = tiny(Path(path), login="boss", replace_file=False)
        with read_session(get_engine(path)) as session:
            boss = session.execute(select(users.c.role, users.c.region).where(users.c.login == "boss")).one()
            count = session.scalar(select(func.count()).select_from(users))
        assert tuple(boss) == ("head", "Москва") and count == summary.users
        assert load_desk(open_workspace(path, "boss", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))).stages
    finally:
        dispose_engines()


def test_a_login_that_collides_with_a_generated_one_is_reused(tmp_path: Path) -> None:
    tiny(tmp_path / "a.db")
    engine = get_engine(str(tmp_path / "a.db"))
    with read_session(engine) as session:
        manager = session.scalar(select(users.c.login).where(users.c.role == "manager").limit(1))
    assert manager is not None
    try:
        summary = tiny(tmp_path / "b.db", login=manager)
        with read_session(get_engine(str(tmp_path / "b.db"))) as session:
            team = session.execute(select(users.c.login, users.c.role, users.c.region)).all()
        assert len(team) == summary.users and len({login for login, _, _ in team}) == len(team)
        assert (manager, "head", "Москва") in team
    finally:
        dispose_engines()


def test_sqlite_base_is_analyzed_and_consistent(tmp_path: Path) -> None:
    """The build loads without foreign key checks; every reference must still hold."""
    tiny(tmp_path / "a.db")
    engine = get_engine(str(tmp_path / "a.db"))
    try:
        with engine.connect() as conn:
            analyzed = {row[0] for row in conn.execute(text("SELECT tbl FROM sqlite_stat1"))}
            broken = conn.execute(text("PRAGMA foreign_key_check")).all()
            checked = conn.execute(text("PRAGMA foreign_keys")).scalar()
        assert {"clients", "deals", "interactions", "tasks"} <= analyzed
        assert broken == []
        assert checked == 1, "the build left a connection without foreign key checks"
    finally:
        dispose_engines()


def test_bad_arguments_are_refused_before_anything_is_written(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="size"):
        build_demo(str(tmp_path / "x.db"), size="huge", seed=1, login=LOGIN, replace_file=True)
    with pytest.raises(ValueError, match="time zone"):
        build_demo(
            str(tmp_path / "x.db"),
            size="tiny",
            seed=1,
            login=LOGIN,
            replace_file=True,
            now=datetime(2026, 1, 1),  # naive: the point of the test
        )
    assert not (tmp_path / "x.db").exists()


def test_viewer_of_a_manager_sees_own_demo_clients_and_the_regions_free_leads(demo: Demo) -> None:
    with read_session(demo.engine) as session:
        manager = session.execute(
            select(users.c.id, users.c.login, users.c.full_name, users.c.region)
            .where(users.c.role == "manager")
            .limit(1)
        ).one()
        viewer = Viewer(manager.id, manager.login, manager.full_name, Role.MANAGER, manager.region)
        page = client_page(session, viewer, ClientFilter())
    assert page.rows and any(r.owner == manager.full_name for r in page.rows)
    for row in page.rows:
        free_lead = row.owner is None and row.status == "lead" and row.region == manager.region
        assert row.owner == manager.full_name or free_lead, row


def test_a_week_of_requests_from_every_channel_some_overdue_converted_and_junk(demo: Demo) -> None:
    ws = demo.workspace("admin")
    with read_session(demo.engine) as session:
        rows = session.execute(select(leads.c.channel, leads.c.status, leads.c.repeat)).all()
    assert {channel for channel, _, _ in rows} >= {
        "call",
        "email",
        "web_form",
        "messenger",
        "walk_in",
        "manual",
    }
    statuses = {status for _, status, _ in rows}
    assert {"new", "in_work", "converted", "junk"} <= statuses
    assert any(repeat for _, _, repeat in rows)
    assert inbox_page(ws).overdue > 0
    with ws.read() as session:
        report = lead_report(
            session, ws.viewer, (FROZEN_NOW - timedelta(days=7)).date(), FROZEN_NOW.date(),
            by="source", now=FROZEN_NOW, tz=MOSCOW,
        )  # fmt: skip
    assert report.team.converted > 0 and report.team.conversion is not None
    assert len(report.groups) >= 3


def test_every_kpi_report_has_rows_for_the_demos_head(demo: Demo) -> None:
    from crm_tui.domain.reports.kpi import KpiName, KpiQuery, run_kpi
    from crm_tui.domain.reports.period import period_or_month

    ws = demo.workspace()
    month = period_or_month(None, None, FROZEN_NOW, MOSCOW)
    with ws.read() as session:
        for name in KpiName:
            report = run_kpi(session, ws.viewer, KpiQuery(name, month), FROZEN_NOW, MOSCOW)
            assert report.rows, name
            figures = [c.key for c in report.columns if c.kind.value != "text"]
            assert any(row[key] for row in report.rows for key in figures), name
        calls = run_kpi(session, ws.viewer, KpiQuery(KpiName.CALLS, month), FROZEN_NOW, MOSCOW)
        stays = run_kpi(session, ws.viewer, KpiQuery(KpiName.STAGES, month), FROZEN_NOW, MOSCOW)
    assert calls.total("missed") > 0 and calls.total("answered") > calls.total("missed")
    assert stays.total("stays") > 0


def test_the_week_has_calls_mail_threads_and_forms_that_came_in_by_themselves(demo: Demo) -> None:
    with read_session(demo.engine) as session:
        came = session.execute(
            select(interactions.c.kind, interactions.c.direction, interactions.c.summary,
                   interactions.c.client_id, interactions.c.lead_id, interactions.c.duration_s,
                   interactions.c.external_id)
            .where(interactions.c.external_id.is_not(None))
        ).all()  # fmt: skip
    calls = [c for c in came if c.external_id.startswith("zadarma:")]
    assert {c.direction for c in calls} == {"inbound", "outbound"}
    assert any("https://pbx.our-firm.ru/rec/" in c.summary for c in calls)
    assert any(c.client_id is not None and c.duration_s == 0 and c.direction == "inbound" for c in calls)
    mail = [c for c in came if c.external_id.startswith("mail:")]
    replies = [m for m in mail if m.direction == "outbound"]
    assert replies and all(m.client_id is not None for m in replies) and "📎 КП-" in replies[0].summary
    assert any(m.lead_id is not None for m in mail)  # a stranger's letter: a request
    assert any(c.external_id.startswith("form:site-form:") for c in came)


def test_the_login_signs_in_to_the_browser_with_the_password_the_demo_printed(demo: Demo) -> None:
    from crm_tui.domain.access.web_sessions import sign_in
    from crm_tui.storage.database import write_session

    password = demo.summary.browser_password
    assert demo.summary.login == LOGIN and len(password) >= 12
    with write_session(demo.engine) as session:
        wrong = sign_in(session, LOGIN, password + "x", now=FROZEN_NOW, address="127.0.0.1")
        right = sign_in(session, LOGIN, password, now=FROZEN_NOW, address="127.0.0.1")
    assert (wrong.token, wrong.refused) == ("", "wrong") and right.token and not right.refused
    with read_session(demo.engine) as session:
        stored = session.scalar(select(func.count()).select_from(user_passwords))
    assert stored == 1, "only the person the demo was built for gets a password"


def test_each_build_makes_a_new_browser_password(tmp_path: Path) -> None:
    assert tiny(tmp_path / "a.db").browser_password != tiny(tmp_path / "b.db").browser_password


def test_the_commands_the_demo_prints_run_on_the_demo_base(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`crm demo` prints what to try next; typed as printed they act on the demo base (they
    opened the default base before, and failed: "no database at .../crm.db")."""
    import shlex
    import shutil
    import stat

    monkeypatch.setattr(shutil, "which", lambda name: f"/usr/local/bin/{name}")  # crm is on PATH

    from crm_tui.cli.demo import next_steps
    from tests.cli_support import crm

    path = tmp_path / "a folder" / "demo.db"
    summary = tiny(path)
    try:
        lines = next_steps(summary)
        assert len(lines) == 3, lines
        serve, bank, orders = lines
        assert f"crm --db {shlex.quote(str(path))} import orders" in orders
        assert stat.S_IMODE(Path(shlex.split(orders)[-1]).stat().st_mode) == 0o600
        assert f"crm --db {shlex.quote(str(path))} serve" in serve and summary.browser_password in serve
        assert stat.S_IMODE(path.stat().st_mode) == 0o660, "a client base is personal data"
        argv = shlex.split(bank.split(": ", 1)[1])
        assert argv[:3] == ["crm", "--db", str(path)]
        assert stat.S_IMODE(Path(argv[-1]).stat().st_mode) == 0o600
        done = crm(*argv[1:], "--json", user=LOGIN, data_dir=tmp_path)
        assert done.returncode == 0, done.stderr
    finally:
        dispose_engines()


def test_the_1c_export_beside_the_base_moves_deals_once(tmp_path: Path) -> None:
    """`crm import orders demo-1c-documents.csv`: orders of deals at their first stages move them to
    the invoice stage (by client and amount); the same file again moves nothing."""
    from crm_tui.domain.imports.batches import OrdersOptions
    from crm_tui.importers.orders.service import import_orders

    summary = tiny(tmp_path / "demo.db")
    assert summary.trade_file is not None and Path(summary.trade_file).parent == tmp_path
    try:
        ws = open_workspace(str(tmp_path / "demo.db"), LOGIN, tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
        first = import_orders(ws, Path(summary.trade_file), OrdersOptions())
        assert first.rejected == first.unmatched == 0
        assert first.funnel is not None and len(first.funnel.moved) >= 3
        assert {m.kind for m in first.funnel.moved} >= {"order"}
        again = import_orders(ws, Path(summary.trade_file), OrdersOptions())
        assert again.funnel is not None and again.funnel.moved == []
    finally:
        dispose_engines()


def test_the_inbound_screen_has_a_mailbox_switched_off_with_its_reading_and_sources_with_events(
    demo: Demo,
) -> None:
    from crm_tui.domain.inbound.mailboxes import list_mailboxes
    from crm_tui.domain.inbound.sources import list_sources

    admin = demo.workspace("admin")
    [sales] = list_mailboxes(admin)
    assert not sales.enabled and sales.read_error is None  # off: the demo never tries a server
    assert sales.read_at is not None and sales.read_count == sales.mails > 0
    assert sales.password_from == "env:CRM_DEMO_SALES_PASSWORD"
    sources = {s.name: s for s in list_sources(admin)}
    assert sources["zadarma"].events > 20 and sources["site-form"].events > 0
    assert sources["site-form"].last_outcome in {"new", "repeat", "touch"}


def test_the_site_form_has_refusals_newer_than_its_last_request(demo: Demo) -> None:
    """Issue 23 keeps a source's refusals (count, last time, status, reason) and shows them in red
    when newer than its last event; the demo had none, so a newcomer never saw one."""
    from crm_tui.domain.inbound.sources import list_sources

    sources = {s.name: s for s in list_sources(demo.workspace("admin"))}
    form = sources["site-form"]
    assert (form.refused, form.refused_status, form.refused_code) == (4, 401, "inbound.token")
    assert form.last_at is not None and form.refused_at is not None
    assert form.last_at < form.refused_at < FROZEN_NOW
    assert sources["zadarma"].refused == 0 and sources["zadarma"].refused_at is None
