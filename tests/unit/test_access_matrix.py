"""Who sees which client, role by role, through every way a client can be reached.

The expectation is written out by hand from the rule (a manager: own clients; a head: own and
the region's; admin and ops: all) and compared with the list, the search, the card, the audit
trail and `crm clients list --json`: a surface that forgot the access layer fails here.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy import update
from sqlalchemy.engine import Engine

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.users import add_user
from crm_tui.domain.audit.trail import trail
from crm_tui.domain.clients.card import load_card
from crm_tui.domain.clients.listing import ClientFilter, client_page, iter_clients
from crm_tui.domain.clients.records import ClientDraft, create_client
from crm_tui.domain.errors import AccessDenied, NotFound
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import ClientStatus, Role, clients
from tests.cli_support import crm
from tests.seed import FROZEN_NOW, Seeded, valid_inn

MOSCOW_OF_IVANOVA = {"romashka", "vektor", "stroymontazh", "aqua", "teplo", "zorin"}
ADMIN = Viewer(0, "admin", "", Role.ADMIN, None)
"""Only to read a hidden client's INN, so the search can be asked for it."""
EXPECTED = {
    "ivanova": MOSCOW_OF_IVANOVA | {"free_lead"},  # an unassigned lead of her region: hers to take
    "petrov": {"metall", "agro", "cross"},
    "smirnov": MOSCOW_OF_IVANOVA | {"cross", "own", "free_lead", "free_customer"},
    "admin": MOSCOW_OF_IVANOVA | {"metall", "agro", "cross", "own", "free_lead", "free_customer"},
    "ops": MOSCOW_OF_IVANOVA | {"metall", "agro", "cross", "own", "free_lead", "free_customer"},
}


@pytest.fixture
def team(engine: Engine, seeded: Seeded) -> dict[str, int]:
    """The seeded clients, plus Петров's client in Москва and the head's own one in Липецк."""
    admin = Viewer(seeded.users["admin"], "admin", "Администратор", Role.ADMIN, None)
    ids = dict(seeded.clients)
    with write_session(engine) as session:
        add_user(session, login="ops", full_name="Ночные задания", role=Role.OPS, region=None, now=FROZEN_NOW,
                 by_user_id=seeded.users["admin"])  # fmt: skip
        for key, name, body, region, owner, status in (
            ("cross", "Кросс-Регион", "790000001", "Москва", "petrov", ClientStatus.LEAD),
            ("own", "Личный Клиент", "790000002", "Липецк", "smirnov", ClientStatus.LEAD),
            ("free_lead", "Ничей Лид", "790000003", "Москва", None, ClientStatus.LEAD),
            ("free_customer", "Ничей Клиент", "790000004", "Москва", None, ClientStatus.CUSTOMER),
        ):
            ids[key] = create_client(
                session,
                admin,
                ClientDraft(
                    name=name,
                    inn=valid_inn(body),
                    region=region,
                    owner_id=seeded.users[owner] if owner else None,
                    status=status,
                ),
                FROZEN_NOW,
            )
            if owner is None:  # an inbound lead nobody has taken yet
                session.execute(update(clients).where(clients.c.id == ids[key]).values(owner_id=None))
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


DEALS_SEEN = {"ivanova": 12, "petrov": 1, "smirnov": 12, "admin": 13, "ops": 13}
OPEN_DEALS_SEEN = {"ivanova": 8, "petrov": 1, "smirnov": 8, "admin": 9, "ops": 9}
"""Deals follow their owner: Петров owns Липецкий металл's; the head's region is Иванова's."""
MAY_HAND_OVER = {"smirnov", "admin"}
MAY_MERGE = {"smirnov", "admin", "ops"}


@pytest.mark.parametrize("login", sorted(EXPECTED))
def test_each_role_gets_exactly_its_share_of_reports_segments_and_team_actions(
    login: str, workspace_for: Callable[[str], Workspace], team: dict[str, int]
) -> None:
    from crm_tui.domain.access.capabilities import Capability, can
    from crm_tui.domain.clients.handovers import hand_over
    from crm_tui.domain.deals.pipelines import default_pipeline_id
    from crm_tui.domain.reports.funnel import ReportScope, forecast_report, funnel_report
    from crm_tui.domain.segments.lists import segment_overview
    from tests.seed import MOSCOW

    ws = workspace_for(login)
    with ws.read() as session:
        pid = default_pipeline_id(session)
        assert pid is not None
        funnel = funnel_report(session, ws.viewer, ReportScope(pid), FROZEN_NOW, MOSCOW)
        forecast = forecast_report(session, ws.viewer)
        overview = segment_overview(session, ws.viewer)
    assert sum(s.deals for s in funnel.stages) == DEALS_SEEN[login]
    assert sum(line.deals for line in forecast) == OPEN_DEALS_SEEN[login]  # won and lost are not ahead
    assert sum(c.clients for c in overview.counts) == len(EXPECTED[login])
    assert can(ws.viewer, Capability.MERGE_CLIENTS) == (login in MAY_MERGE)
    if login in MAY_HAND_OVER:
        assert hand_over(ws, "ivanova", from_login="ivanova", dry_run=True).clients == 0
    else:
        with pytest.raises(AccessDenied):
            hand_over(ws, "ivanova", from_login="petrov", dry_run=True)
