"""Contact persons added from the card or the command line: read as people type them, found
by `/` at once, audited."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from crm_tui.domain.client_card import load_card
from crm_tui.domain.clients import ClientFilter, client_page
from crm_tui.domain.errors import InvalidInput, NotFound
from crm_tui.domain.timeline import client_timeline
from crm_tui.domain.workspace import Workspace
from importers.new_contact import NewContact, save_contact
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
