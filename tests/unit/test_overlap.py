"""No overlap: before a client is saved, the person learns whose client it already is."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from crm_tui.domain.clients.new_client import NewClient, add_client
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import channels, clients
from tests.cli_support import crm, error_line
from tests.seed import Seeded


def count(ws: Workspace) -> int:
    with ws.read() as session:
        return session.scalar(select(func.count()).select_from(clients)) or 0


def test_a_taken_inn_phone_or_email_is_refused_with_the_owner(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    petrov = workspace_for("petrov")  # Липецк: may not even open Иванова's Москва client
    before = count(petrov)
    for new, matched in [
        (NewClient(name="ООО «Ромашка»", inn="7707083893"), "INN 7707083893"),
        (NewClient(name="Ромашка ООО", phone="8 (495) 111-22-33"), "phone +74951112233"),
        (NewClient(name="Ромашка", email="mailto:INFO@romashka.ru"), "e-mail info@romashka.ru"),
    ]:
        added = add_client(petrov, new)
        assert added.client_id is None
        [holder] = added.holders
        assert holder.client_id == seeded.clients["romashka"] and not holder.visible
        assert holder.describe() == (
            f"{matched}: «Ромашка» (client {holder.client_id}) belongs to Иванова Светлана, Москва"
        )
    assert count(petrov) == before


def test_saved_anyway_when_the_person_insists_and_at_once_when_nothing_is_taken(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    ws = workspace_for("ivanova")
    branch = add_client(ws, NewClient(name="ООО «Ромашка» филиал", inn="7707083893/771001001"), anyway=True)
    assert branch.client_id is not None and len(branch.holders) == 1
    fresh = add_client(ws, NewClient(name="ИП Сидоров", phone="+7 916 555 44 33", city="Тверь"))
    assert fresh.client_id is not None and fresh.holders == []


def test_unreadable_input_names_the_field(workspace_for: Callable[[str], Workspace], seeded: Seeded) -> None:
    ws = workspace_for("ivanova")
    with pytest.raises(InvalidInput, match=r"^inn: "):
        add_client(ws, NewClient(name="Лютик", inn="7707083890"))
    with pytest.raises(InvalidInput, match=r"^e-mail: "):
        add_client(ws, NewClient(name="Лютик", email="bad@"))
    with pytest.raises(InvalidInput, match=r"^name: "):
        add_client(ws, NewClient(name="ООО"))


def test_cli_add_refuses_a_colleagues_client_in_one_line(seeded_db: str) -> None:
    refused = crm("--db", seeded_db, "clients", "add", "ООО Ромашка", "--inn", "7707083893", user="petrov")
    assert refused.returncode == 2
    line = error_line(refused)
    assert "not added: INN 7707083893: «Ромашка»" in line and "belongs to Иванова Светлана, Москва" in line
    added = crm(
        "--db", seeded_db, "clients", "add", "ИП Сидоров", "--phone", "89165554433", "--json", user="petrov"
    )
    assert added.returncode == 0, added.stderr
    assert '"already_held_by": []' in added.stdout


def test_a_typed_client_keeps_what_the_import_would_keep(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    """The phone's extension and a city's spacing are read as a file's cells are."""
    ws = workspace_for("ivanova")
    typed = NewClient(name="ИП Сидоров", phone="8 (831) 200-11-22 доб. 7", city=" Нижний   Новгород ")
    added = add_client(ws, typed)
    with ws.read() as session:
        city = session.scalar(select(clients.c.city).where(clients.c.id == added.client_id))
        phone = session.execute(
            select(channels.c.value, channels.c.extension).where(channels.c.client_id == added.client_id)
        ).one()
    assert city == "Нижний Новгород"
    assert tuple(phone) == ("+78312001122", "7")
