"""The lead workflow (issue 22): a request matched, routed, answered on time or escalated,
taken by exactly one of two managers, converted with its history, linked or junked."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from crm_tui.domain.clients.timeline import client_timeline
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.errors import InvalidInput, NotFound
from crm_tui.domain.leads.conversion import Conversion, convert_request, link_request
from crm_tui.domain.leads.hours import TEAM_DEFAULT, add_working_minutes
from crm_tui.domain.leads.inbox import View, inbox_page, lead_card
from crm_tui.domain.leads.intake import Request, receive
from crm_tui.domain.leads.routing import add_route
from crm_tui.domain.leads.setup import add_exclusion, add_source
from crm_tui.domain.leads.work import (
    LeadTakenAlready,
    answer_request,
    assign_request,
    junk_request,
    take_request,
)
from crm_tui.domain.workspace import Workspace, open_workspace
from crm_tui.scheduling.tick import run_tick
from crm_tui.storage.database import read_session
from crm_tui.storage.models import InteractionKind, TaskStatus, deals, leads, tasks
from tests.seed import FROZEN_NOW, MOSCOW, Seeded

Open = Callable[[str], Workspace]


def at(db_url: str, login: str, moment: datetime) -> Workspace:
    return open_workspace(db_url, login, tz=MOSCOW, clock=fixed_clock(moment))


def _lead(engine: Engine, lead_id: int) -> dict[str, object]:
    with read_session(engine) as session:
        row = session.execute(select(leads).where(leads.c.id == lead_id)).one()
    return dict(row._mapping)


def _answer_task(engine: Engine, lead_id: int) -> dict[str, object]:
    with read_session(engine) as session:
        row = session.execute(select(tasks).where(tasks.c.origin == f"lead:{lead_id}")).one()
    return dict(row._mapping)


def test_working_minutes_skip_the_night_and_the_weekend() -> None:
    friday_evening = datetime(2026, 11, 20, 17, 50, tzinfo=MOSCOW)
    due = add_working_minutes(TEAM_DEFAULT, friday_evening, 15)
    assert due.astimezone(MOSCOW) == datetime(2026, 11, 23, 9, 5, tzinfo=MOSCOW)  # Monday
    noon = datetime(2026, 11, 20, 12, 30, tzinfo=MOSCOW)
    assert add_working_minutes(TEAM_DEFAULT, noon, 15).astimezone(MOSCOW).time().isoformat() == "12:45:00"


def test_an_unknown_sender_makes_a_new_lead_routed_by_the_rule_to_the_least_busy_of_the_pool(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    admin = workspace_for("admin")
    add_source(admin, "Яндекс.Директ", utm_source="yandex", minutes=10)
    add_route(admin, ["ivanova", "smirnov"], channel="web_form", region="Москва")
    first = receive(
        admin,
        Request(name="Пётр", phone="+7 916 555-00-01", message="Нужен счёт", channel="web_form",
                utm_source="Yandex", region="Москва"),
    )  # fmt: skip
    assert first.outcome == "new" and first.owner_id is not None
    second = receive(
        admin,
        Request(name="Анна", email="anna@example.org", message="Цена?", channel="web_form", region="Москва"),
    )
    # turns: the second goes to the one of the pool with no open request
    assert {first.owner_id, second.owner_id} == {seeded.users["ivanova"], seeded.users["smirnov"]}
    assert first.answer_due_at == FROZEN_NOW + timedelta(minutes=10)  # the source's own time
    assert second.answer_due_at == FROZEN_NOW + timedelta(minutes=15)  # the team's default
    task = _answer_task(engine, int(first.lead_id or 0))
    assert task["assignee_id"] == first.owner_id and task["title"] == "Answer the request: Пётр"
    assert task["due_at"] == first.answer_due_at


def test_a_known_number_is_a_repeat_request_of_its_client_for_its_owner(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    got = receive(
        workspace_for("admin"), Request(phone="8 (495) 111-22-33", message="Ещё 10 коробок", channel="call")
    )
    assert got.outcome == "repeat" and got.client_id == seeded.clients["romashka"]
    assert got.owner_id == seeded.users["ivanova"]
    ivanova = workspace_for("ivanova")
    with ivanova.read() as session:
        page = client_timeline(session, ivanova.viewer, seeded.clients["romashka"])
    assert any("Ещё 10 коробок" in entry.text for entry in page.entries)
    again = receive(
        workspace_for("admin"), Request(phone="+74951112233", message="И ещё скотч", channel="call")
    )
    assert again.outcome == "touch" and again.lead_id == got.lead_id  # one request while it is open


def test_a_second_message_from_an_open_request_is_a_touch_of_it(
    db_url: str, engine: Engine, workspace_for: Open
) -> None:
    admin = workspace_for("admin")
    first = receive(admin, Request(name="Олег", email="oleg@example.org", message="Здравствуйте"))
    again = receive(admin, Request(email="OLEG@example.org", message="Забыл: нужна доставка"))
    assert again.outcome == "touch" and again.lead_id == first.lead_id
    card = lead_card(admin, int(first.lead_id or 0))
    assert [t.summary for t in card.touches] == ["Здравствуйте", "Забыл: нужна доставка"]


def test_the_exclusion_list_junks_or_drops_and_a_request_without_an_address_is_refused(
    engine: Engine, workspace_for: Open
) -> None:
    admin = workspace_for("admin")
    add_exclusion(admin, "+7 900 000-00-00", action="junk")
    add_exclusion(admin, "spam@bad.example", action="drop")
    assert receive(admin, Request(phone="89000000000", message="Выгодный кредит")).outcome == "junk"
    assert receive(admin, Request(email="spam@bad.example", message="Купите")).outcome == "dropped"
    with pytest.raises(InvalidInput) as refused:
        receive(admin, Request(name="Аноним", message="Перезвоните"))
    assert str(refused.value) == "a request needs a phone, an e-mail or a messenger handle to answer it"


def test_a_malformed_phone_is_kept_as_typed_and_flagged(engine: Engine, workspace_for: Open) -> None:
    admin = workspace_for("admin")
    got = receive(admin, Request(name="Иван", phone="12-34 звонить вечером", message="Перезвоните"))
    assert got.outcome == "new" and got.flags == ["phone_unreadable"]
    card = lead_card(admin, int(got.lead_id or 0))
    assert card.item.phones == ["12-34 звонить вечером"]


def test_unanswered_at_the_deadline_escalates_to_the_head_once_and_an_answer_stops_the_clock(
    db_url: str, engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    admin = workspace_for("admin")
    late = receive(admin, Request(name="Поздний", phone="+79165550002", message="?", region="Москва"))
    answered = receive(admin, Request(name="Отвеченный", phone="+79165550003", message="?", region="Москва"))
    assert late.owner_id is None  # no rule: the region's queue, its head answers
    assert _answer_task(engine, int(late.lead_id or 0))["assignee_id"] == seeded.users["smirnov"]
    answer_request(
        at(db_url, "smirnov", FROZEN_NOW + timedelta(minutes=5)), int(answered.lead_id or 0),
        InteractionKind.CALL, "Созвонились, ждут КП",
    )  # fmt: skip
    assert run_tick(at(db_url, "admin", FROZEN_NOW + timedelta(minutes=14))).late_requests == 0
    assert run_tick(at(db_url, "admin", FROZEN_NOW + timedelta(minutes=16))).late_requests == 1
    assert run_tick(at(db_url, "admin", FROZEN_NOW + timedelta(minutes=30))).late_requests == 0
    with read_session(engine) as session:
        escalation = session.execute(select(tasks).where(tasks.c.origin == f"lead-late:{late.lead_id}")).one()
    assert escalation.assignee_id == seeded.users["smirnov"]
    assert escalation.title == "Request not answered in time: Поздний"
    done = _lead(engine, int(answered.lead_id or 0))
    assert done["first_response_at"] == FROZEN_NOW + timedelta(minutes=5) and done["status"] == "in_work"
    assert _answer_task(engine, int(answered.lead_id or 0))["status"] == TaskStatus.DONE.value


def test_two_managers_take_the_same_request_at_once_exactly_one_wins(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    admin = workspace_for("admin")
    takers = {"ivanova": workspace_for("ivanova"), "smirnov": workspace_for("smirnov")}
    for round_ in range(4):
        lead = receive(admin, Request(name=f"Ничей {round_}", phone=f"+7916555010{round_}", region="Москва"))
        barrier = threading.Barrier(2)
        outcomes: dict[str, object] = {}

        def take(login: str, lead_id: int = int(lead.lead_id or 0), gate: threading.Barrier = barrier,
                 got: dict[str, object] = outcomes) -> None:  # fmt: skip
            gate.wait()
            try:
                got[login] = take_request(takers[login], lead_id)
            except LeadTakenAlready as exc:
                got[login] = exc

        threads = [threading.Thread(target=take, args=(login,)) for login in takers]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        lost = [login for login, outcome in outcomes.items() if isinstance(outcome, LeadTakenAlready)]
        assert len(outcomes) == 2 and len(lost) == 1, outcomes
        winner = next(login for login in takers if login not in lost)
        owner = _lead(engine, int(lead.lead_id or 0))["owner_id"]
        assert owner == seeded.users[winner]
        assert _answer_task(engine, int(lead.lead_id or 0))["assignee_id"] == owner


def test_a_manager_of_another_region_cannot_take_nor_see_it(engine: Engine, workspace_for: Open) -> None:
    lead = receive(workspace_for("admin"), Request(name="Москвич", phone="+79165550200", region="Москва"))
    with pytest.raises(NotFound, match="not found"):  # as a request that is not there
        take_request(workspace_for("petrov"), int(lead.lead_id or 0))
    assert inbox_page(workspace_for("petrov"), View.ALL).items == []
    assert [i.id for i in inbox_page(workspace_for("ivanova"), View.ALL).items] == [lead.lead_id]


def test_conversion_checks_the_base_first_then_keeps_every_touch_and_opens_the_deal(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    admin = workspace_for("admin")
    lead = receive(
        admin, Request(name="Сидоров", company="ООО Берёзка", phone="+79165550300", message="Хотим 5 станков")
    )
    lead_id = int(lead.lead_id or 0)
    assign_request(admin, lead_id, "ivanova")
    ivanova = workspace_for("ivanova")
    answer_request(ivanova, lead_id, InteractionKind.CALL, "Уточнили модель")
    clash = convert_request(ivanova, lead_id, Conversion(inn="7707083893"))  # Ромашка's INN
    assert clash.client_id is None and clash.holders[0].client_id == seeded.clients["romashka"]
    made = convert_request(ivanova, lead_id, Conversion(deal_title="Станки для Берёзки", amount="1,2 млн"))
    assert made.client_id is not None and made.deal_id is not None and made.contact_id is not None
    with ivanova.read() as session:
        page = client_timeline(session, ivanova.viewer, made.client_id)
        deal = session.execute(select(deals).where(deals.c.id == made.deal_id)).one()
    summaries = {entry.text for entry in page.entries}
    assert {"Хотим 5 станков", "Уточнили модель"} <= summaries
    assert deal.amount == 120_000_000 and deal.owner_id == seeded.users["ivanova"]
    after = _lead(engine, lead_id)
    assert after["status"] == "converted" and after["client_id"] == made.client_id


def test_link_and_junk_close_the_request(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    admin = workspace_for("admin")
    one = receive(
        admin, Request(name="Громов", email="gromov@example.org", message="Это снабжение Липецкого металла")
    )
    two = receive(admin, Request(phone="+79165550400", message="Продам базы данных"))
    link_request(admin, int(one.lead_id or 0), seeded.clients["metall"])
    junk_request(admin, int(two.lead_id or 0), "spam", "рассылка")
    assert _lead(engine, int(one.lead_id or 0))["client_id"] == seeded.clients["metall"]
    junked = _lead(engine, int(two.lead_id or 0))
    assert junked["status"] == "junk" and junked["junk_reason"] == "spam"
    assert _answer_task(engine, int(two.lead_id or 0))["status"] == TaskStatus.CANCELLED.value
    with pytest.raises(InvalidInput, match="reason: one of"):
        junk_request(admin, int(one.lead_id or 0), "meh")
