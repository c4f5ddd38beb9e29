"""A deal's owner sees its client (issue 21's review: a head opened a deal on a colleague's
client for a third manager, an admin one on a Москва client for a Воронеж manager, who got its
task but not the client), and a deal opened on a free lead takes the lead for the opener."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.clients.records import ClientDraft, create_client
from crm_tui.domain.deals.edit import edit_deal
from crm_tui.domain.deals.new_deal import DealDraft, add_deal
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import ClientStatus, Role, audit_entries, clients
from tests.seed import FROZEN_NOW, Seeded, add_person

Open = Callable[[str], Workspace]


@pytest.fixture
def colleague(engine: Engine, seeded: Seeded) -> str:
    """A second Москва manager: sees her own clients only, not Иванова's."""
    return add_person(engine, "orlova", "Орлова Анна", Role.MANAGER, "Москва")


def _free_lead(engine: Engine, seeded: Seeded) -> int:
    admin = Viewer(seeded.users["admin"], "admin", "Администратор", Role.ADMIN, None)
    with write_session(engine) as session:
        client_id = create_client(
            session, admin, ClientDraft(name="Ничей", region="Москва", status=ClientStatus.LEAD), FROZEN_NOW
        )
        session.execute(update(clients).where(clients.c.id == client_id).values(owner_id=None))
    return client_id


def test_a_deal_is_not_opened_for_somebody_who_does_not_see_its_client(
    seeded: Seeded, workspace_for: Open, colleague: str
) -> None:
    romashka = str(seeded.clients["romashka"])
    for who, owner in (("smirnov", colleague), ("admin", "petrov")):
        with pytest.raises(InvalidInput) as refused:
            add_deal(workspace_for(who), DealDraft(romashka, "Поставка", owner=owner))
        assert (refused.value.code, refused.value.field) == ("deal.client_unseen", "owner")
        assert f"{owner} does not see client {romashka}" in str(refused.value)
    head = workspace_for("smirnov")
    assert add_deal(head, DealDraft(romashka, "Поставка")).owner_id == seeded.users["smirnov"]
    with pytest.raises(InvalidInput, match=f"{colleague} does not see client"):
        edit_deal(head, seeded.deals["d_new_teplo"], 1, {"owner": colleague})
    assert edit_deal(head, seeded.deals["d_new_teplo"], 1, {"owner": "smirnov"}) == 2


def test_a_deal_on_a_free_lead_takes_it_for_the_opener(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    lead = _free_lead(engine, seeded)
    added = add_deal(workspace_for("ivanova"), DealDraft(str(lead), "Поставка"))
    with write_session(engine) as session:
        owner = session.scalar(select(clients.c.owner_id).where(clients.c.id == lead))
        took = session.scalars(
            select(audit_entries.c.user_id).where(
                audit_entries.c.entity == "client",
                audit_entries.c.entity_id == lead,
                audit_entries.c.action == "take",
            )
        ).all()
    assert owner == added.owner_id == seeded.users["ivanova"] and list(took) == [owner]


def _taken_by(engine: Engine, lead: int) -> tuple[int | None, list[tuple[int, object]]]:
    with write_session(engine) as session:
        owner = session.scalar(select(clients.c.owner_id).where(clients.c.id == lead))
        took = session.execute(
            select(audit_entries.c.user_id, audit_entries.c.changes).where(
                audit_entries.c.entity == "client",
                audit_entries.c.entity_id == lead,
                audit_entries.c.action == "take",
            )
        ).all()
    return owner, [tuple(row) for row in took]


@pytest.mark.parametrize("opener", ["smirnov", "admin"])
def test_a_deal_opened_for_a_colleague_on_a_free_lead_takes_it_for_the_deal_s_owner(
    engine: Engine, seeded: Seeded, workspace_for: Open, opener: str
) -> None:
    """A head or an admin opening a deal for Иванова on a free lead left the lead free: nobody's
    client with Иванова's deal on it, still in the region's queue for anybody to take."""
    lead = _free_lead(engine, seeded)
    added = add_deal(workspace_for(opener), DealDraft(str(lead), "Поставка", owner="ivanova"))
    ivanova = seeded.users["ivanova"]
    owner, took = _taken_by(engine, lead)
    assert owner == added.owner_id == ivanova
    assert took == [(seeded.users[opener], {"owner_id": [None, ivanova]})]  # audited as a take, by the opener


def test_a_deal_on_a_free_lead_goes_only_to_somebody_who_may_see_it(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    """Петров works in Липецк: a Москва lead is not his to see, so an admin may not open a deal on
    it for him (and the lead stays free)."""
    lead = _free_lead(engine, seeded)
    with pytest.raises(InvalidInput) as refused:
        add_deal(workspace_for("admin"), DealDraft(str(lead), "Поставка", owner="petrov"))
    assert (refused.value.code, refused.value.field) == ("deal.client_unseen", "owner")
    with pytest.raises(InvalidInput, match="say whose deal it is"):  # an admin owns no clients
        add_deal(workspace_for("admin"), DealDraft(str(lead), "Поставка"))
    assert _taken_by(engine, lead) == (None, [])
