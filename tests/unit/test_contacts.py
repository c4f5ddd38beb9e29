"""Contact persons added from the card or the command line: read as people type them, found
by `/` at once, audited."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from crm_tui.domain.clients.card import load_card
from crm_tui.domain.clients.listing import ClientFilter, client_page
from crm_tui.domain.clients.timeline import client_timeline
from crm_tui.domain.contacts.new_contact import NewContact, save_contact
from crm_tui.domain.errors import InvalidInput, NotFound
from crm_tui.domain.workspace import Workspace
from tests.cli_support import crm, error_line
from tests.seed import Seeded

Open = Callable[[str], Workspace]


def test_a_contact_with_phones_and_mail_as_typed_is_found_by_search(
    seeded: Seeded, workspace_for: Open
) -> None:
    ivanova = workspace_for("ivanova")
    teplo = seeded.clients["teplo"]
    save_contact(
        ivanova,
        teplo,
        NewContact(
            "  Сидоров  Пётр ",
            "Главный инженер",
            "8 (916) 555-44-33; +7 495 700-00-00 доб. 12",
            "mailto:P.Sidorov@Teplodom.ru",
            "@sidorov_p",
        ),
    )
    with ivanova.read() as session:
        card = load_card(session, ivanova.viewer, teplo)
        found = client_page(session, ivanova.viewer, ClientFilter(query="916 555")).rows
        latest = client_timeline(session, ivanova.viewer, teplo).entries[0].text
    person = next(c for c in card.contacts if c.full_name == "Сидоров Пётр")
    assert person.position == "Главный инженер"
    assert [(c.kind, c.value) for c in person.channels] == [
        ("phone", "+79165554433"),
        ("phone", "+74957000000"),
        ("email", "p.sidorov@teplodom.ru"),
        ("messenger", "@sidorov_p"),
    ]
    assert [r.id for r in found] == [teplo]
    assert latest.startswith("contact added (contact: Сидоров Пётр")


@pytest.mark.parametrize(
    ("person", "message"),
    [
        (NewContact(" "), "name: a contact person needs a name"),
        (NewContact("Сидоров", phone="позвонить"), "phone:"),
        (NewContact("Сидоров", email="sidorov@"), "email:"),
    ],
)
def test_what_cannot_be_read_is_refused_naming_the_field(
    seeded: Seeded, workspace_for: Open, person: NewContact, message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        save_contact(workspace_for("ivanova"), seeded.clients["teplo"], person)


def test_no_contacts_on_clients_one_may_not_see(seeded: Seeded, workspace_for: Open) -> None:
    with pytest.raises(NotFound):
        save_contact(workspace_for("ivanova"), seeded.clients["metall"], NewContact("Сидоров"))


def test_contacts_from_the_command_line(seeded_db: str) -> None:
    added = crm(
        "--db", seeded_db, "contacts", "add", "1", "--name", "Сидоров Пётр", "--phone", "89165554433",
        "--json", user="ivanova",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    contact = json.loads(added.stdout)["contact"]
    jobs = crm("--db", seeded_db, "contacts", "history", str(contact), "--json", user="ivanova").stdout
    assert json.loads(jobs.splitlines()[0])["client"] == 1
    bad = crm("--db", seeded_db, "contacts", "add", "1", "--name", "X", "--phone", "abc", user="ivanova")
    assert bad.returncode != 0 and error_line(bad).startswith("crm: error: phone:")


def test_a_contact_is_edited_and_removed_with_the_old_values_in_the_audit(
    seeded: Seeded, workspace_for: Open
) -> None:
    from crm_tui.domain.clients.records import remove_contact
    from crm_tui.domain.contacts.new_contact import update_contact

    ivanova = workspace_for("ivanova")
    teplo = seeded.clients["teplo"]
    person = save_contact(ivanova, teplo, NewContact("Сидоров Пётр", "Инженер", "89165554433"))
    update_contact(ivanova, person, NewContact("Сидоров Пётр Ильич", "Главный инженер", "+7 903 111-22-33"))
    with ivanova.read() as session:
        edited = next(c for c in load_card(session, ivanova.viewer, teplo).contacts if c.id == person)
        by_old = client_page(session, ivanova.viewer, ClientFilter(query="916 555")).rows
        line = client_timeline(session, ivanova.viewer, teplo).entries[0].text
    assert (edited.full_name, edited.position) == ("Сидоров Пётр Ильич", "Главный инженер")
    assert [c.value for c in edited.channels] == ["+79031112233"]
    assert by_old == []  # the old phone no longer finds the client
    assert "position: Инженер → Главный инженер" in line
    with pytest.raises(NotFound):
        update_contact(workspace_for("petrov"), person, NewContact("X"))
    with ivanova.write() as session:
        remove_contact(session, ivanova.viewer, person, ivanova.now())
    with ivanova.read() as session:
        assert all(c.id != person for c in load_card(session, ivanova.viewer, teplo).contacts)
        line = client_timeline(session, ivanova.viewer, teplo).entries[0].text
    assert line.startswith("contact removed (contact: Сидоров Пётр Ильич; position: Главный инженер")


def test_contact_edit_and_remove_from_the_command_line(seeded_db: str) -> None:
    added = crm(
        "--db",
        seeded_db,
        "contacts",
        "add",
        "1",
        "--name",
        "Сидоров",
        "--phone",
        "89165554433",
        "--json",
        user="ivanova",
    )
    contact = str(json.loads(added.stdout)["contact"])
    done = crm("--db", seeded_db, "contacts", "edit", contact, "--position", "Инженер", user="ivanova")
    assert done.returncode == 0, done.stderr
    page = json.loads(crm("--db", seeded_db, "clients", "timeline", "1", "--json", user="ivanova").stdout)
    assert page["entries"][0]["text"].startswith("contact edited (contact: Сидоров; position: — → Инженер")
    assert "channels" not in page["entries"][0]["text"]  # the phone was kept as it was
    assert crm("--db", seeded_db, "contacts", "remove", contact, user="ivanova").returncode == 0
    again = crm("--db", seeded_db, "contacts", "remove", contact, user="ivanova")
    assert again.returncode != 0 and f"contact {contact} not found" in error_line(again)


def test_a_contact_with_logged_touches_is_removed_and_the_touches_stay(
    seeded: Seeded, workspace_for: Open, engine: object
) -> None:
    from sqlalchemy import insert, select

    from crm_tui.domain.clients.records import remove_contact
    from crm_tui.storage.models import channels, interactions

    ivanova = workspace_for("ivanova")
    teplo = seeded.clients["teplo"]
    person = save_contact(ivanova, teplo, NewContact("Сидоров", phone="8 (495) 111-22-33 доб. 12"))
    with ivanova.write() as session:
        assert session.scalar(select(channels.c.extension).where(channels.c.contact_id == person)) == "12"
        session.execute(
            insert(interactions).values(
                kind="call", direction="outbound", occurred_at=ivanova.now(), summary="Звонок Сидорову",
                client_id=teplo, contact_id=person, created_at=ivanova.now(),
            )
        )  # fmt: skip
    with ivanova.write() as session:
        remove_contact(session, ivanova.viewer, person, ivanova.now())
    with ivanova.read() as session:
        kept = session.execute(
            select(interactions.c.contact_id).where(interactions.c.summary == "Звонок Сидорову")
        ).one()
    assert kept.contact_id is None
