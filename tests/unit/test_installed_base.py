"""The installed base: what clients own, found again by the clients list, moved by merges."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest

from crm_tui.domain.clients.card import load_card
from crm_tui.domain.clients.installed_base import (
    InstalledDraft,
    add_installed,
    parse_acquired,
    remove_installed,
)
from crm_tui.domain.clients.listing import ClientFilter, client_page
from crm_tui.domain.clients.merges import merge_clients
from crm_tui.domain.clients.timeline import client_timeline
from crm_tui.domain.errors import InvalidInput, NotFound
from crm_tui.domain.workspace import Workspace
from tests.cli_support import crm, error_line
from tests.seed import Seeded

Open = Callable[[str], Workspace]


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("2019", date(2019, 1, 1)),
        ("03.2021", date(2021, 3, 1)),
        ("15.03.2021", date(2021, 3, 15)),
        ("", None),
    ],
)
def test_acquired_to_the_precision_people_remember(typed: str, day: date | None) -> None:
    assert parse_acquired(typed) == day


def names(ws: Workspace, flt: ClientFilter) -> set[str]:
    with ws.read() as session:
        return {row.name for row in client_page(session, ws.viewer, flt).rows}


def test_clients_owning_a_competitors_product_are_found(seeded: Seeded, workspace_for: Open) -> None:
    ivanova = workspace_for("ivanova")
    add_installed(
        ivanova, seeded.clients["teplo"], InstalledDraft("Котёл Logano", "Buderus", acquired="2019")
    )
    add_installed(ivanova, seeded.clients["romashka"], InstalledDraft("Котёл КВ-100", "Наш завод", ours=True))
    assert names(ivanova, ClientFilter(owns="competitor")) == {"Теплодом"}
    assert names(ivanova, ClientFilter(owns="ours")) == {"Ромашка"}
    assert names(ivanova, ClientFilter(product="КОТЁЛ")) == {"Теплодом", "Ромашка"}  # any case, ё as е
    assert names(ivanova, ClientFilter(owns="competitor", product="buderus")) == {"Теплодом"}
    assert names(workspace_for("petrov"), ClientFilter(owns="competitor")) == set()  # not his clients
    with ivanova.read() as session:
        card = load_card(session, ivanova.viewer, seeded.clients["teplo"])
        timeline = client_timeline(session, ivanova.viewer, seeded.clients["teplo"])
    assert [(i.product, i.vendor, i.ours, i.acquired_on) for i in card.installed] == [
        ("Котёл Logano", "Buderus", False, date(2019, 1, 1))
    ]
    assert timeline.entries[0].text.startswith("installed base: added (product: Котёл Logano")


def test_what_cannot_be_recorded_says_why(seeded: Seeded, workspace_for: Open) -> None:
    ivanova = workspace_for("ivanova")
    teplo = seeded.clients["teplo"]
    with pytest.raises(InvalidInput, match="product: say what the client owns"):
        add_installed(ivanova, teplo, InstalledDraft("  "))
    with pytest.raises(InvalidInput, match="acquired: 'весной' is not a date"):
        add_installed(ivanova, teplo, InstalledDraft("Котёл", acquired="весной"))
    with pytest.raises(InvalidInput, match="is in the future"):
        add_installed(ivanova, teplo, InstalledDraft("Котёл", acquired="2030"))
    with pytest.raises(NotFound):
        add_installed(ivanova, seeded.clients["metall"], InstalledDraft("Котёл"))  # Петров's client
    item = add_installed(ivanova, teplo, InstalledDraft("Котёл"))
    with pytest.raises(NotFound):
        remove_installed(workspace_for("petrov"), item)
    remove_installed(ivanova, item)
    with ivanova.read() as session:
        assert load_card(session, ivanova.viewer, teplo).installed == []


def test_a_merge_keeps_what_the_duplicate_owned(seeded: Seeded, workspace_for: Open) -> None:
    head = workspace_for("smirnov")
    add_installed(head, seeded.clients["vektor"], InstalledDraft("Станок", "Haas", quantity=2))
    with head.write() as session:
        merge_clients(
            session, head.viewer, head.now(), seeded.clients["romashka"], [seeded.clients["vektor"]]
        )
    with head.read() as session:
        card = load_card(session, head.viewer, seeded.clients["romashka"])
    assert [(i.product, i.quantity) for i in card.installed] == [("Станок", 2)]


def test_installed_base_from_the_command_line(seeded_db: str) -> None:
    added = crm(
        "--db", seeded_db, "installed", "add", "1", "--product", "Котёл Logano", "--vendor", "Buderus",
        "--competitor", "--acquired", "03.2019", "--json", user="ivanova",
    )  # fmt: skip
    assert added.returncode == 0, added.stderr
    item = json.loads(added.stdout)["item"]
    listed = crm("--db", seeded_db, "installed", "list", "1", "--json", user="ivanova")
    assert json.loads(listed.stdout.splitlines()[0])["acquired_on"] == "2019-03-01"
    found = crm("--db", seeded_db, "clients", "list", "--owns", "competitor", "--json", user="ivanova")
    assert [json.loads(line)["id"] for line in found.stdout.splitlines()] == [1]
    bad = crm("--db", seeded_db, "clients", "list", "--owns", "rivals", user="ivanova")
    assert bad.returncode != 0 and "use competitor or ours" in error_line(bad)
    refused = crm("--db", seeded_db, "installed", "add", "1", "--product", "X", "--qty", "0", user="ivanova")
    assert refused.returncode != 0 and "quantity: 0" in error_line(refused)
    assert crm("--db", seeded_db, "installed", "remove", str(item), user="ivanova").returncode == 0
    assert crm("--db", seeded_db, "installed", "list", "1", user="ivanova").stdout == ""
