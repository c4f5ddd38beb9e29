"""Who sees which client, role by role, through every way a client can be reached.

The expectation is written out by hand from the rule (a manager: own clients; a head: own and
the region's; admin and ops: all) and compared with the list, the search, the card, the audit
trail and `crm clients list --json`: a surface that forgot the access layer fails here.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine

from crm_tui.domain.access import Viewer
from crm_tui.domain.audit import trail
from crm_tui.domain.client_card import load_card
from crm_tui.domain.client_records import ClientDraft, create_client
from crm_tui.domain.clients import ClientFilter, client_page, iter_clients
from crm_tui.domain.errors import NotFound
from crm_tui.domain.users import add_user
from crm_tui.domain.workspace import Workspace
from storage.database import write_session
from storage.models import ClientStatus, Role
from tests.cli_support import crm
from tests.seed import FROZEN_NOW, Seeded, valid_inn

MOSCOW_OF_IVANOVA = {"romashka", "vektor", "stroymontazh", "aqua", "teplo", "zorin"}
ADMIN = Viewer(0, "admin", "", Role.ADMIN, None)
"""Only to read a hidden client's INN, so the search can be asked for it."""
EXPECTED = {
    "ivanova": MOSCOW_OF_IVANOVA,
    "petrov": {"metall", "agro", "cross"},
    "smirnov": MOSCOW_OF_IVANOVA | {"cross", "own"},
    "admin": MOSCOW_OF_IVANOVA | {"metall", "agro", "cross", "own"},
    "ops": MOSCOW_OF_IVANOVA | {"metall", "agro", "cross", "own"},
}


@pytest.fixture
def team(engine: Engine, seeded: Seeded) -> dict[str, int]:
    """The seeded clients, plus Петров's client in Москва and the head's own one in Липецк."""
    admin = Viewer(seeded.users["admin"], "admin", "Администратор", Role.ADMIN, None)
    ids = dict(seeded.clients)
    with write_session(engine) as session:
        add_user(session, login="ops", full_name="Ночные задания", role=Role.OPS, region=None, now=FROZEN_NOW,
                 by_user_id=seeded.users["admin"])  # fmt: skip
        for key, name, body, region, owner in (
            ("cross", "Кросс-Регион", "790000001", "Москва", "petrov"),
            ("own", "Личный Клиент", "790000002", "Липецк", "smirnov"),
        ):
            ids[key] = create_client(
                session,
                admin,
                ClientDraft(
                    name=name,
                    inn=valid_inn(body),
                    region=region,
                    owner_id=seeded.users[owner],
                    status=ClientStatus.LEAD,
                ),
                FROZEN_NOW,
            )
    return ids


@pytest.mark.parametrize("login", sorted(EXPECTED))
def test_each_role_sees_exactly_its_clients_everywhere(
    login: str, db_url: str, workspace_for: Callable[[str], Workspace], team: dict[str, int]
) -> None:
    ws = workspace_for(login)
    names = {client_id: key for key, client_id in team.items()}
    expected = {team[key] for key in EXPECTED[login]}
    with ws.read() as session:
        listed = {row.id for row in iter_clients(session, ws.viewer, ClientFilter())}
        paged: set[int] = set()
        page = client_page(session, ws.viewer, ClientFilter(), limit=3)
        while True:
            paged |= {r.id for r in page.rows}
            if not page.has_next:
                break
            page = client_page(session, ws.viewer, ClientFilter(), after=page.rows[-1].cursor, limit=3)
        found_by_inn = set()
        for client_id in team.values():
            inn = load_card(session, ws.viewer if client_id in expected else ADMIN, client_id).inn
            hits = client_page(session, ws.viewer, ClientFilter(query=inn or "")).rows
            found_by_inn |= {r.id for r in hits if r.id == client_id}
        openable = set()
        audited = set()
        for client_id in team.values():
            try:
                load_card(session, ws.viewer, client_id)
                openable.add(client_id)
            except NotFound:
                pass
            try:
                trail(session, ws.viewer, client_id=client_id)
                audited.add(client_id)
            except NotFound:
                pass
    for surface, seen in (("list", listed), ("pages", paged), ("search", found_by_inn), ("card", openable),
                          ("audit", audited)):  # fmt: skip
        assert seen == expected, (surface, sorted(names[i] for i in seen ^ expected))
    exported = crm("--db", db_url, "clients", "list", "--json", user=login, check=True)
    assert {json.loads(line)["id"] for line in exported.stdout.splitlines()} == expected
