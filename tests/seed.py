"""A small, fixed sales team used by unit, app and snapshot tests.

Everything is relative to ``FROZEN_NOW`` so snapshots never change with the calendar.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Engine

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.users import add_user
from crm_tui.domain.clients.records import ChannelDraft, ClientDraft, ContactDraft, create_client
from crm_tui.domain.deals.pipelines import ensure_default_pipeline
from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.requisites import inn_check_digits
from crm_tui.storage.database import write_session
from crm_tui.storage.models import (
    ChannelKind,
    ClientStatus,
    DealStatus,
    Direction,
    Role,
    TaskKind,
    TaskStatus,
)
from crm_tui.storage.models import stages as stages_table
from crm_tui.storage.records import Deal, Interaction, Stage, Task

FROZEN_NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)  # 12:30 in Moscow, a Friday
MOSCOW = ZoneInfo("Europe/Moscow")


def valid_inn(body: str) -> str:
    return body + inn_check_digits(body)


@dataclass
class Seeded:
    users: dict[str, int] = field(default_factory=dict)
    clients: dict[str, int] = field(default_factory=dict)
    tasks: dict[str, int] = field(default_factory=dict)
    deals: dict[str, int] = field(default_factory=dict)


CLIENTS = [
    # key, name, form, inn body, city, region, owner, status, phone, email, contact, position
    (
        "romashka",
        "Ромашка",
        "ООО",
        "770708389",
        "Москва",
        "Москва",
        "ivanova",
        ClientStatus.CUSTOMER,
        "+74951112233",
        "info@romashka.ru",
        "Ёлкина Мария Петровна",
        "Главный бухгалтер",
    ),
    (
        "vektor",
        "Вектор Плюс",
        "АО",
        "771234567",
        "Москва",
        "Москва",
        "ivanova",
        ClientStatus.CUSTOMER,
        "+79160001122",
        "sales@vektor-plus.ru",
        "Орлов Игорь Сергеевич",
        "Директор по закупкам",
    ),
    (
        "stroymontazh",
        "СтройМонтаж",
        "ООО",
        "500123456",
        "Химки",
        "Москва",
        "ivanova",
        ClientStatus.PROSPECT,
        "+74957654321",
        "zakaz@stroymontazh.ru",
        "Кузнецов Павел",
        "Прораб",
    ),
    (
        "aqua",
        "Аква-Сервис",
        "ООО",
        "772001122",
        "Москва",
        "Москва",
        "ivanova",
        ClientStatus.PROSPECT,
        "+79031234567",
        "office@aqua-service.ru",
        "Белова Анна",
        "Офис-менеджер",
    ),
    (
        "teplo",
        "Теплодом",
        "ООО",
        "773300991",
        "Москва",
        "Москва",
        "ivanova",
        ClientStatus.LEAD,
        "+79855550011",
        "teplodom@mail.ru",
        "Соколов Дмитрий",
        "Владелец",
    ),
    (
        "zorin",
        "Зорин Алексей Викторович",
        "ИП",
        "7712345678",
        "Москва",
        "Москва",
        "ivanova",
        ClientStatus.LEAD,
        "+79264443322",
        "zorin.av@yandex.ru",
        "Зорин Алексей Викторович",
        None,
    ),
    (
        "metall",
        "Липецкий металл",
        "ПАО",
        "482500112",
        "Липецк",
        "Липецк",
        "petrov",
        ClientStatus.CUSTOMER,
        "+74742223344",
        "supply@lipmetal.ru",
        "Громов Виктор",
        "Начальник снабжения",
    ),
    (
        "agro",
        "АгроЛипецк",
        "ООО",
        "482612345",
        "Липецк",
        "Липецк",
        "petrov",
        ClientStatus.PROSPECT,
        "+74742556677",
        "agro48@mail.ru",
        "Фёдорова Ольга",
        "Директор",
    ),
]


def add_person(engine: Engine, login: str, full_name: str, role: Role, region: str | None) -> str:
    """One more active user beside the seeded team (a colleague, another region's head): its login."""
    with write_session(engine) as session:
        add_user(
            session,
            login=login,
            full_name=full_name,
            role=role,
            region=region,
            now=FROZEN_NOW,
            by_user_id=None,
        )
    return login


def seed_team(engine: Engine, now: datetime = FROZEN_NOW) -> Seeded:
    seeded = Seeded()
    with write_session(engine) as session:
        pipeline_id = ensure_default_pipeline(session)
        for login, name, role, region, target in [
            ("admin", "Администратор", Role.ADMIN, None, 0),
            ("smirnov", "Смирнов Олег", Role.HEAD, "Москва", 0),
            ("ivanova", "Иванова Светлана", Role.MANAGER, "Москва", 150_000_000),
            ("petrov", "Петров Андрей", Role.MANAGER, "Липецк", 100_000_000),
        ]:
            info = add_user(
                session,
                login=login,
                full_name=name,
                role=role,
                region=region,
                monthly_target=target,
                now=now,
                by_user_id=None,
            )
            seeded.users[login] = info.id
        admin = Viewer(seeded.users["admin"], "admin", "Администратор", Role.ADMIN, None)
        for key, name, form, body, city, region, owner, status, phone, email, person, position in CLIENTS:
            seeded.clients[key] = create_client(
                session,
                admin,
                ClientDraft(
                    name=name,
                    legal_form=form,
                    inn=valid_inn(body),
                    city=city,
                    region=region,
                    owner_id=seeded.users[owner],
                    status=status,
                    channels=[ChannelDraft(ChannelKind.PHONE, phone, phone)],
                    contacts=[
                        ContactDraft(person, position, [ChannelDraft(ChannelKind.EMAIL, email, email)])
                    ],
                ),
                now - timedelta(days=60),
            )
        stages = {
            s.code: s for s in session.scalars(select(Stage).where(stages_table.c.pipeline_id == pipeline_id))
        }

        def deal(
            key: str, client: str, code: str, rubles: int, days_in_stage: int, closed: datetime | None = None
        ) -> None:
            stage = stages[code]
            status = DealStatus.WON if stage.is_won else DealStatus.LOST if stage.is_lost else DealStatus.OPEN
            spec = next(row for row in CLIENTS if row[0] == client)
            owner = spec[6]
            d = Deal(
                client_id=seeded.clients[client],
                owner_id=seeded.users[owner],
                pipeline_id=pipeline_id,
                stage_id=stage.id or 0,
                title=f"Поставка: {spec[1]}",
                title_key=fold(f"Поставка: {spec[1]}"),
                amount=rubles * 100,
                expected_close=date(2026, 12, 15),
                status=status,
                lost_reason="Дорого" if status == DealStatus.LOST else None,
                stage_entered_at=now - timedelta(days=days_in_stage),
                closed_at=closed,
                created_at=now - timedelta(days=30),
                updated_at=now - timedelta(days=days_in_stage),
            )
            session.add(d)
            session.flush()
            seeded.deals[key] = d.id or 0

        deal("d_new_teplo", "teplo", "new", 120_000, 2)
        deal("d_new_zorin", "zorin", "new", 45_000, 1)
        deal("d_qual_aqua", "aqua", "qualification", 310_000, 5)
        deal("d_prop_stroy", "stroymontazh", "proposal", 1_250_000, 9)
        deal("d_prop_aqua", "aqua", "proposal", 86_500, 3)
        deal("d_inv_vektor", "vektor", "invoice", 540_000, 4)
        deal("d_await_romashka", "romashka", "awaiting_payment", 780_000, 6)
        deal("d_await_vektor", "vektor", "awaiting_payment", 220_000, 2)
        deal("d_won_romashka", "romashka", "won", 650_000, 0, closed=now - timedelta(days=5))
        deal("d_won_vektor", "vektor", "won", 300_000, 0, closed=now - timedelta(days=12))
        deal("d_won_old", "romashka", "won", 999_000, 0, closed=now - timedelta(days=40))
        deal("d_lost_teplo", "teplo", "lost", 75_000, 0, closed=now - timedelta(days=3))
        deal("d_prop_metall", "metall", "proposal", 2_400_000, 7)

        def task(
            key: str,
            title: str,
            client: str,
            due: datetime,
            login: str = "ivanova",
            status: TaskStatus = TaskStatus.OPEN,
            kind: TaskKind = TaskKind.CALL,
        ) -> None:
            t = Task(
                title=title,
                kind=kind,
                due_at=due,
                assignee_id=seeded.users[login],
                client_id=seeded.clients[client],
                status=status,
                created_at=now - timedelta(days=7),
            )
            session.add(t)
            session.flush()
            seeded.tasks[key] = t.id or 0

        task("overdue_call", "Позвонить по КП", "stroymontazh", now - timedelta(days=2, hours=3))
        task("overdue_invoice", "Напомнить об оплате счёта", "romashka", now - timedelta(hours=20))
        task(
            "today_meeting",
            "Встреча: презентация оборудования",
            "vektor",
            now + timedelta(hours=3),
            kind=TaskKind.MEETING,
        )
        task("today_call", "Уточнить объём поставки", "aqua", now + timedelta(hours=5))
        task("tomorrow_call", "Перезвонить после праздников", "teplo", now + timedelta(days=1, hours=2))
        task("done_call", "Первый звонок", "zorin", now - timedelta(days=3), status=TaskStatus.DONE)
        task("petrov_call", "Звонок по тендеру", "metall", now - timedelta(hours=1), login="petrov")

        for minutes, client, kind, channel, summary, direction in [
            (
                15,
                "aqua",
                "call",
                "phone",
                "Входящий звонок: спрашивали про сроки доставки",
                Direction.INBOUND,
            ),
            (95, "teplo", "email", "email", "Запрос прайс-листа на котлы", Direction.INBOUND),
            (60 * 26, "vektor", "message", "telegram", "Пришлите, пожалуйста, договор", Direction.INBOUND),
            (60 * 50, "romashka", "call", "phone", "Обсудили график оплаты", Direction.OUTBOUND),
            (60 * 3, "metall", "call", "phone", "Звонок из отдела снабжения", Direction.INBOUND),
        ]:
            owner = next(row[6] for row in CLIENTS if row[0] == client)
            session.add(
                Interaction(
                    kind=kind,
                    direction=direction,
                    channel=channel,
                    occurred_at=now - timedelta(minutes=minutes),
                    summary=summary,
                    client_id=seeded.clients[client],
                    user_id=seeded.users[owner],
                    created_at=now - timedelta(minutes=minutes),
                )
            )
    return seeded
