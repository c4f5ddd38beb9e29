"""Changes that used to forget the version, the search keys or the audit row.

Each change of a client, deal or task moves its version and writes its audit row in its own
transaction; a save that lands on a record somebody saved meanwhile is refused, also on
PostgreSQL, where a read inside a write transaction does not lock the row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crm_tui.domain.clients.card import load_card
from crm_tui.domain.clients.edit import edit_client
from crm_tui.domain.clients.merges import merge_clients
from crm_tui.domain.clients.search_keys import derived_keys
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.deals.moves import LOST_ORIGIN, move_deal
from crm_tui.domain.deals.pipeline_admin import add_step, find_stage, remove_step, set_lost_reason
from crm_tui.domain.deals.refusals import return_to_work
from crm_tui.domain.errors import StaleEdit
from crm_tui.domain.imports.batches import ImportOptions
from crm_tui.domain.portrait.answers import parse_field_text
from crm_tui.domain.portrait.fields import remove_field, set_values
from crm_tui.domain.privacy import erase_person
from crm_tui.domain.workspace import Workspace, open_workspace, prepare_database
from crm_tui.importers.batches import undo_import
from crm_tui.importers.clients.service import import_clients
from crm_tui.storage.models import TaskKind, audit_entries, clients, tasks
from tests.importers.files import write_managers_xlsx
from tests.seed import FROZEN_NOW, MOSCOW, Seeded, seed_team

Open = Callable[[str], Workspace]


def _client(ws: Workspace, client_id: int) -> tuple[int, str]:
    with ws.read() as session:
        row = session.execute(
            select(clients.c.version, clients.c.search_text).where(clients.c.id == client_id)
        ).one()
    return int(row.version), str(row.search_text)


def _audited(ws: Workspace, entity: str, entity_id: int) -> list[tuple[str, dict[str, Any]]]:
    a = audit_entries.c
    with ws.read() as session:
        rows = session.execute(
            select(a.action, a.changes).where(a.entity == entity, a.entity_id == entity_id).order_by(a.id)
        )
        return [(row.action, dict(row.changes)) for row in rows]


def test_an_erased_person_is_gone_from_the_search_keys_of_their_client(
    workspace_for: Open, seeded: Seeded
) -> None:
    ws = workspace_for("admin")
    romashka = seeded.clients["romashka"]
    version, text = _client(ws, romashka)
    assert "info@romashka.ru" in text
    with ws.write() as session:
        erase_person(session, ws.viewer, ws.now(), "info@romashka.ru")
    after, text = _client(ws, romashka)
    assert "info@romashka.ru" not in text  # `/` no longer finds the client by the erased e-mail
    assert after == version + 1
    assert _audited(ws, "client", romashka)[-1][0] == "contact_erased"


def test_an_undone_import_takes_what_it_brought_out_of_the_clients_it_enriched(
    workspace_for: Open, seeded: Seeded, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    romashka = seeded.clients["romashka"]
    summary = import_clients(
        ws, [write_managers_xlsx(tmp_path / "petrov.xlsx")], ImportOptions(errors_dir=tmp_path)
    )
    assert summary.batch is not None
    enriched, text = _client(ws, romashka)
    assert "79151234567" in text
    undo_import(ws, summary.batch)
    version, text = _client(ws, romashka)
    assert "79151234567" not in text  # the phone the import brought went with the undo
    assert version == enriched + 1
    action, changes = _audited(ws, "client", romashka)[-1]
    assert action == "import_undo" and changes["batch"] == summary.batch
    assert changes["cleared"] == {"kpp": "770701001"} and "+79151234567" in changes["removed"]


def test_the_heads_decision_on_a_refusal_audits_the_task_it_closes(
    seeded: Seeded, workspace_for: Open
) -> None:
    deal = seeded.deals["d_prop_stroy"]
    with workspace_for("ivanova").read() as session:
        lost = find_stage(session, "lost").id
    move_deal(workspace_for("ivanova"), deal, lost, 1, lost_reason="Price too high")
    head = workspace_for("smirnov")
    with head.read() as session:
        task_id = int(session.scalar(select(tasks.c.id).where(tasks.c.origin == f"{LOST_ORIGIN}{deal}")) or 0)
    return_to_work(head, task_id, "Предложите рассрочку")
    assert _audited(head, "task", task_id)[-1] == (
        "complete",
        {"status": ["open", "done"], "result": "back to work: Предложите рассрочку"},
    )


def test_playbook_steps_lost_reasons_and_retired_fields_are_audited(workspace_for: Open) -> None:
    admin = workspace_for("admin")
    with admin.read() as session:
        stage = find_stage(session, "proposal").id
    step = add_step(admin, stage, "Позвонить через день", TaskKind.CALL, 1)
    remove_step(admin, step)
    assert [action for action, _ in _audited(admin, "playbook_step", step)] == ["create", "delete"]
    set_lost_reason(admin, "Нет бюджета", True)
    set_lost_reason(admin, "Нет бюджета", False)
    set_lost_reason(admin, "Нет бюджета", True)
    a = audit_entries.c
    with admin.read() as session:
        reasons = session.execute(select(a.action, a.changes).where(a.entity == "lost_reason")).all()
    assert [(r.action, r.changes["name"]) for r in reasons] == [
        ("create", "Нет бюджета"),
        ("retire", "Нет бюджета"),
        ("restore", "Нет бюджета"),
    ]
    remove_field(admin, "headcount")
    with admin.read() as session:
        retired = session.scalar(select(a.changes).where(a.entity == "field", a.action == "retire"))
    assert retired == {"key": "headcount"}


# On SQLite a write transaction holds the database from its first read, so no colleague's
# save can come between a read and the write that follows it; on PostgreSQL one can.


@pytest.fixture
def on_postgres(postgres_url: str) -> Iterator[Open]:
    seed_team(prepare_database(postgres_url))

    def open_as(login: str) -> Workspace:
        return open_workspace(postgres_url, login, tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))

    yield open_as


def _client_id(ws: Workspace, name: str) -> int:
    with ws.read() as session:
        return int(session.scalar(select(clients.c.id).where(clients.c.name == name)) or 0)


@pytest.mark.postgres
def test_a_portrait_saved_meanwhile_is_not_overwritten(
    on_postgres: Open, monkeypatch: pytest.MonkeyPatch
) -> None:
    petrov, colleague = on_postgres("petrov"), on_postgres("admin")
    agro = _client_id(petrov, "АгроЛипецк")
    with petrov.read() as session:
        version = load_card(session, petrov.viewer, agro).version
    came_between: list[bool] = []

    def read_then_a_colleague_saves(*args: Any, **named: Any) -> Any:
        if not came_between:
            came_between.append(True)
            set_values(colleague, agro, version, {"headcount": "90"})
        return parse_field_text(*args, **named)

    monkeypatch.setattr("crm_tui.domain.portrait.answers.parse_field_text", read_then_a_colleague_saves)
    with pytest.raises(StaleEdit, match="Headcount: 90"):
        set_values(petrov, agro, version, {"headcount": "120"})
    assert _client(petrov, agro)[0] == version + 1  # the colleague's save, and only it


@pytest.mark.postgres
@pytest.mark.parametrize("saved", ["АгроЛипецк", "Липецкий металл"])
def test_a_merge_over_a_client_saved_meanwhile_is_refused(
    on_postgres: Open, monkeypatch: pytest.MonkeyPatch, saved: str
) -> None:
    admin, petrov = on_postgres("admin"), on_postgres("petrov")
    survivor, other = _client_id(admin, "АгроЛипецк"), _client_id(admin, "Липецкий металл")
    edited = _client_id(admin, saved)

    def read_then_a_colleague_saves(*args: Any) -> tuple[str, str]:
        with petrov.write() as session:
            seen = _client(petrov, edited)[0]
            edit_client(session, petrov.viewer, petrov.now(), edited, seen, {"city": "Елец"})
        return derived_keys(*args)

    monkeypatch.setattr("crm_tui.domain.clients.merges.derived_keys", read_then_a_colleague_saves)
    with pytest.raises(StaleEdit, match="changed by someone else"), admin.write() as session:
        merge_clients(session, admin.viewer, admin.now(), survivor, [other])
    with admin.read() as session:
        cities = dict(
            session.execute(
                select(clients.c.id, clients.c.city).where(clients.c.id.in_([survivor, other]))
            ).all()
        )
    assert cities[edited] == "Елец"  # the colleague's save stands, and both clients are still there
    assert set(cities) == {survivor, other}
