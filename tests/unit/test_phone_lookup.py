"""Every spelling of a phone that the import accepts finds the same client everywhere a person
looks one up: the clients search (`/`), a person's data on request (privacy) and the check for
who already has a client (overlap)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_tui.domain.clients import search
from crm_tui.domain.clients.listing import ClientFilter, client_page
from crm_tui.domain.clients.new_client import NewClient, add_client
from crm_tui.domain.clients.search import FEW_CLIENTS, SCAN_WINDOW
from crm_tui.domain.contacts.new_contact import NewContact, save_contact
from crm_tui.domain.privacy import export_person
from crm_tui.domain.values.cells import Cell, cell_text
from crm_tui.domain.values.phones import normalise_phones
from crm_tui.domain.workspace import Workspace
from tests.seed import Seeded

# Mobile, Lipetsk (4-digit area code), St Petersburg, Yekaterinburg: none of them in the seed.
NUMBERS = ("+79161234567", "+74742123456", "+78123456789", "+73432123456")

SEPARATORS = st.sampled_from(["", " ", "-", ".", "\u00a0", " - "])
EXTENSIONS = st.sampled_from(
    ["", " доб. 12", ", доб. 12", " (доб. 345)", " доб.7", " ext 5", " #12", " x 7", " вн. 3"]
)


@st.composite
def typed(draw: st.DrawFn, e164: str) -> str:
    """``e164`` as a person types it: trunk 8, +7, 7 or nothing; the area code in brackets or
    not; digits grouped anyhow; an extension after it."""
    national = e164[2:]
    prefix = draw(st.sampled_from(["8", "+7", "7", "", "тел. 8", "Моб.: +7"]))
    code_length = draw(st.sampled_from([3, 4, 5]))
    code, rest = national[:code_length], national[code_length:]
    if draw(st.booleans()):
        code = f"({code})"
    cuts = sorted(draw(st.sets(st.integers(1, len(rest) - 1), max_size=3)))
    groups = [rest[a:b] for a, b in zip([0, *cuts], [*cuts, len(rest)], strict=True)]
    text = prefix + draw(SEPARATORS) + code
    for group in groups:
        text += draw(SEPARATORS) + group
    return text + draw(EXTENSIONS)


def number_cells(e164: str) -> st.SearchStrategy[Cell]:
    """What a spreadsheet holds when the number was typed into a number cell."""
    national = e164[2:]
    return st.sampled_from(
        [int("8" + national), float("8" + national), int(national), float(national), float("7" + national)]
    )


SPELLINGS = st.sampled_from(NUMBERS).flatmap(
    lambda e164: st.tuples(st.just(e164), st.one_of(typed(e164), number_cells(e164)))
)


def test_every_spelling_the_import_accepts_finds_the_same_client(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = workspace_for("admin")
    holder: dict[str, tuple[int, int]] = {}
    for index, e164 in enumerate(NUMBERS):
        added = add_client(ws, NewClient(name=f"ООО «Абонент {index}»", phone=e164, city="Липецк"))
        assert added.client_id is not None
        contact = save_contact(ws, added.client_id, NewContact(f"Абонентов Иван {index}", phone=e164))
        holder[e164] = (added.client_id, contact)

    @settings(max_examples=60, deadline=None)
    @given(SPELLINGS, st.sampled_from([(FEW_CLIENTS, SCAN_WINDOW), (0, SCAN_WINDOW), (0, 2)]))
    def check(spelled: tuple[str, Cell], path: tuple[int, int]) -> None:
        e164, cell = spelled
        client_id, contact_id = holder[e164]
        read = normalise_phones(cell)
        assert [p.e164 for p in read.value] == [e164] and read.ok, (cell, read)
        text = cell_text(cell)  # what a person sees in the cell and types or pastes
        few, window = path  # every client read, or walked from a window (2: to the trigram index)
        monkeypatch.setattr(search, "FEW_CLIENTS", few)
        monkeypatch.setattr(search, "SCAN_WINDOW", window)
        with ws.read() as session:
            found = client_page(session, ws.viewer, ClientFilter(query=text)).rows
            exported = export_person(session, ws.viewer, text)
        assert [r.id for r in found] == [client_id], text
        assert [(p["id"], p["client_id"]) for p in exported["people"]] == [(contact_id, client_id)], text
        again = add_client(ws, NewClient(name="ООО «Двойник»", phone=text))
        assert again.client_id is None, text
        assert [h.client_id for h in again.holders] == [client_id], text

    check()
