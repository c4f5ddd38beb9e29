"""A person's data on request: exported whole, erased everywhere, not imported again."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from crm_tui.domain.imports.batches import ImportOptions
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.clients.service import import_clients
from crm_tui.storage.models import audit_entries, channels, contacts, interactions
from tests.cli_support import crm, error_line
from tests.importers.files import write_rows_xlsx
from tests.seed import FROZEN_NOW, Seeded

PERSON = "Ёлкина Мария Петровна"


def test_export_then_erase_then_a_reimport_does_not_bring_her_back(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    client_id = seeded.clients["romashka"]
    with ws.write() as session:
        session.execute(
            insert(interactions).values(
                kind="call", direction="outbound", occurred_at=FROZEN_NOW, client_id=client_id,
                user_id=ws.viewer.user_id, created_at=FROZEN_NOW, summary=f"{PERSON}: счёт оплатят в пятницу",
            )
        )  # fmt: skip
        session.execute(
            insert(audit_entries).values(
                at=FROZEN_NOW, user_id=ws.viewer.user_id, entity="client", entity_id=client_id, action="note",
                changes={"contact": PERSON, "email": "info@romashka.ru"},
            )
        )  # fmt: skip
    from crm_tui.domain.privacy import erase_person, export_person

    with ws.read() as session:
        exported = export_person(session, ws.viewer, "info@romashka.ru")
    assert [p["full_name"] for p in exported["people"]] == [PERSON]
    assert {c["value"] for c in exported["people"][0]["channels"]} == {"info@romashka.ru"}
    assert any(PERSON in t["summary"] for t in exported["interactions"])
    assert any(a["changes"].get("contact") == PERSON for a in exported["audit"])
    with ws.write() as session:
        done = erase_person(session, ws.viewer, ws.now(), "info@romashka.ru")
    assert done["contacts"] == 1 and done["interactions_scrubbed"] == 1 and done["audit_rows_scrubbed"] >= 1
    with ws.read() as session:
        assert session.scalars(select(contacts.c.full_name).where(contacts.c.full_name == PERSON)).all() == []
        assert (
            session.scalars(select(channels.c.id).where(channels.c.value == "info@romashka.ru")).all() == []
        )
        texts = session.scalars(
            select(interactions.c.summary).where(interactions.c.client_id == client_id)
        ).all()
        assert all(PERSON not in t for t in texts) and any("[erased]" in t for t in texts)
        payloads = [
            json.dumps(c, ensure_ascii=False) for c in session.scalars(select(audit_entries.c.changes))
        ]
        assert all(PERSON not in p and "info@romashka.ru" not in p for p in payloads)
    sheet = write_rows_xlsx(
        tmp_path / "again.xlsx",
        [
            ["Наименование", "ИНН", "Контактное лицо", "E-mail"],
            ["ООО «Ромашка»", "7707083893", PERSON, "info@romashka.ru"],
        ],
    )
    import_clients(ws, [sheet], ImportOptions(errors_dir=tmp_path))
    with ws.read() as session:
        assert session.scalars(select(contacts.c.id).where(contacts.c.full_name == PERSON)).all() == []
        assert (
            session.scalars(select(channels.c.id).where(channels.c.value == "info@romashka.ru")).all() == []
        )


def test_cli_export_erase_and_refusals(seeded_db: str) -> None:
    exported = json.loads(
        crm("--db", seeded_db, "privacy", "export", "info@romashka.ru", user="admin", check=True).stdout
    )
    assert exported["people"][0]["full_name"] == PERSON
    manager = crm("--db", seeded_db, "privacy", "export", "info@romashka.ru", user="ivanova")
    assert manager.returncode == 2 and "only an admin" in error_line(manager)
    unconfirmed = crm("--db", seeded_db, "privacy", "erase", "info@romashka.ru", user="admin")
    assert unconfirmed.returncode == 2 and "--yes" in error_line(unconfirmed)
    erased = crm(
        "--db", seeded_db, "privacy", "erase", "info@romashka.ru", "--yes", "--json", user="admin", check=True
    )
    assert json.loads(erased.stdout)["contacts"] == 1
    gone = crm("--db", seeded_db, "privacy", "export", "info@romashka.ru", user="admin")
    assert gone.returncode == 2 and "no contact person" in error_line(gone)


@pytest.mark.parametrize(
    "spelling",
    ["8 900 104 27 57", "9001042757", "79001042757", "+7 (900) 104-27-57", "8-900-104-27-57 доб. 12"],
)
def test_a_person_is_found_by_every_spelling_of_their_phone(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, spelling: str
) -> None:
    """On the demo base "8 900 104 27 57" found the contact and "9001042757" did not."""
    from crm_tui.domain.contacts.new_contact import NewContact, save_contact
    from crm_tui.domain.privacy import export_person

    ws = workspace_for("admin")
    person = NewContact("Симонова Лариса Борисовна", phone="8-900-104-27-57")
    contact_id = save_contact(ws, seeded.clients["romashka"], person)
    with ws.read() as session:
        exported = export_person(session, ws.viewer, spelling)
    assert [p["id"] for p in exported["people"]] == [contact_id]
