"""A contact who moves to another company keeps one record and one history (seed 001)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from crm_tui.domain.clients.card import load_card
from crm_tui.domain.clients.timeline import client_timeline
from crm_tui.domain.contacts.moves import contact_history, move_contact
from crm_tui.domain.errors import InvalidInput, NotFound
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import channels, contacts
from tests.cli_support import crm, error_line
from tests.seed import Seeded

Open = Callable[[str], Workspace]


def elkina(engine: Engine, seeded: Seeded) -> int:
    """Ромашка's accountant, with a mobile and a private mailbox besides her work address."""
    with write_session(engine) as session:
        contact_id = session.scalar(
            select(contacts.c.id).where(contacts.c.client_id == seeded.clients["romashka"])
        )
        assert contact_id is not None
        for kind, value in (
            ("phone", "+79161234567"),
            ("email", "elkina.m@mail.ru"),
            ("phone", "+74951112200"),
        ):
            session.execute(
                insert(channels).values(
                    client_id=seeded.clients["romashka"],
                    contact_id=contact_id,
                    kind=kind,
                    value=value,
                    raw=value,
                )
            )
        return int(contact_id)


def test_the_person_moves_with_her_mobile_and_both_timelines_say_so(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    ivanova = workspace_for("ivanova")
    person = elkina(engine, seeded)
    romashka, vektor = seeded.clients["romashka"], seeded.clients["vektor"]
    moved = move_contact(ivanova, person, str(vektor), "Финансовый директор")
    assert sorted(moved.carried) == ["+79161234567", "elkina.m@mail.ru"]
    assert sorted(moved.left) == ["+74951112200", "info@romashka.ru"]  # the office line, the work mail
    with ivanova.read() as session:
        old, new = load_card(session, ivanova.viewer, romashka), load_card(session, ivanova.viewer, vektor)
        jobs = contact_history(session, ivanova.viewer, person)
        old_line = client_timeline(session, ivanova.viewer, romashka).entries[0].text
        new_line = client_timeline(session, ivanova.viewer, vektor).entries[0].text
    assert "Ёлкина Мария Петровна" not in [c.full_name for c in old.contacts]
    assert {c.value for c in old.channels} >= {"+74951112200", "info@romashka.ru"}
    former = old.former_contacts[0]
    assert (former.full_name, former.position, former.now_at) == (
        "Ёлкина Мария Петровна",
        "Главный бухгалтер",
        "Вектор Плюс",
    )
    joined = next(c for c in new.contacts if c.full_name == "Ёлкина Мария Петровна")
    assert joined.position == "Финансовый директор"
    assert {c.value for c in joined.channels} == {"+79161234567", "elkina.m@mail.ru"}
    assert [(j.client_name, j.position, j.until is None) for j in jobs] == [
        ("Вектор Плюс", "Финансовый директор", True),
        ("Ромашка", "Главный бухгалтер", False),
    ]
    assert old_line.startswith("a contact moved on (contact: Ёлкина Мария Петровна; company: Вектор Плюс")
    assert new_line.startswith("a contact joined (contact: Ёлкина Мария Петровна; company: Ромашка")


def test_a_move_to_the_same_company_or_a_client_one_may_not_see_is_refused(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    ivanova = workspace_for("ivanova")
    person = elkina(engine, seeded)
    with pytest.raises(InvalidInput, match="already works at «Ромашка»"):
        move_contact(ivanova, person, seeded.clients["romashka"])
    with pytest.raises(NotFound):
        move_contact(ivanova, person, seeded.clients["metall"])  # Петров's client, Липецк
    with pytest.raises(InvalidInput, match="neither a client id nor an INN"):
        move_contact(ivanova, person, "Вектор")
    with pytest.raises(NotFound):
        move_contact(workspace_for("petrov"), person, seeded.clients["metall"])


def test_contact_moves_from_the_command_line(seeded_db: str) -> None:
    inn = json.loads(
        crm(
            "--db", seeded_db, "clients", "list", "--search", "Вектор", "--json", user="ivanova"
        ).stdout.splitlines()[0]
    )["inn"]
    moved = crm(
        "--db", seeded_db, "contacts", "move", "1", "--to", inn, "--position", "CFO", "--json", user="ivanova"
    )
    assert moved.returncode == 0, moved.stderr
    assert json.loads(moved.stdout)["from_client"] == 1
    jobs = [
        json.loads(line)
        for line in crm(
            "--db", seeded_db, "contacts", "history", "1", "--json", user="ivanova"
        ).stdout.splitlines()
    ]
    assert [(j["name"], j["position"]) for j in jobs] == [
        ("Вектор Плюс", "CFO"),
        ("Ромашка", "Главный бухгалтер"),
    ]
    again = crm("--db", seeded_db, "contacts", "move", "1", "--to", inn, user="ivanova")
    assert again.returncode != 0 and "already works at" in error_line(again)


def test_where_a_former_contact_went_is_named_only_to_those_who_may_see_it(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    person = elkina(engine, seeded)
    move_contact(workspace_for("admin"), person, seeded.clients["metall"])  # Липецк: Петров's client
    ivanova = workspace_for("ivanova")
    with ivanova.read() as session:
        card = load_card(session, ivanova.viewer, seeded.clients["romashka"])
        line = client_timeline(session, ivanova.viewer, seeded.clients["romashka"]).entries[0].text
    assert card.former_contacts[0].now_at == "another client"
    assert "company: another client" in line and "Липецкий" not in line


def test_the_new_company_is_found_by_its_inn_as_people_type_it(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    ivanova, admin = workspace_for("ivanova"), workspace_for("admin")
    with admin.read() as session:
        vektor, metall = (
            load_card(session, admin.viewer, seeded.clients[k]).inn for k in ("vektor", "metall")
        )
    assert vektor is not None and metall is not None
    moved = move_contact(ivanova, elkina(engine, seeded), f"ИНН {vektor[:4]} {vektor[4:7]}-{vektor[7:]}")
    assert moved.to_client == seeded.clients["vektor"]
    with pytest.raises(NotFound, match=f"no client with INN {metall}"):  # Петров's: not hers to see
        move_contact(ivanova, moved.contact_id, metall)
