"""The clients list: search that works for Cyrillic, keyset pages, and who sees what."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.clients.listing import ClientFilter, client_page, iter_clients
from crm_tui.domain.clients.records import ChannelDraft, ClientDraft, create_client
from crm_tui.domain.clients.search import FEW_CLIENTS
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import ChannelKind, ClientStatus
from tests.query_plans import sqlite_plans
from tests.seed import FROZEN_NOW, Seeded

SEARCH = "crm_tui.domain.clients.search"
PATHS = {"few": None, "scan": 4000, "trigram-index": 2}
"""The ways a search can take, all with one answer: ``few`` reads every client the viewer sees
(a test base is small), the others walk the names from a window of that size (2: going on
through the trigram index)."""


def take_path(monkeypatch: pytest.MonkeyPatch, path: str) -> None:
    window = PATHS[path]
    if window is not None:
        monkeypatch.setattr(f"{SEARCH}.FEW_CLIENTS", 0)
        monkeypatch.setattr(f"{SEARCH}.SCAN_WINDOW", window)


def names(ws: Workspace, query: str = "", **kw: object) -> list[str]:
    with ws.read() as session:
        page = client_page(session, ws.viewer, ClientFilter(query=query, **kw))  # type: ignore[arg-type]
    return [r.name for r in page.rows]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ромашка", ["Ромашка"]),
        ("РОМАШКА", ["Ромашка"]),
        ("рОмАш", ["Ромашка"]),
        ("елкина", []),  # contact names are not searched, only the client's own data
        ("теплодом", ["Теплодом"]),
        ("7707083893", ["Ромашка"]),
        ("8 (495) 111-22-33", ["Ромашка"]),
        ("4951112233", ["Ромашка"]),
        ("+7 495 111 22 33, доб. 12", ["Ромашка"]),
        ("+7 916 000", ["Вектор Плюс"]),
        ("8916000", ["Вектор Плюс"]),
        ("SALES@VEKTOR", ["Вектор Плюс"]),
        ("химки", ["СтройМонтаж"]),
        ("ИП Зорин", ["Зорин Алексей Викторович"]),
        ("ооо «ромашка»", ["Ромашка"]),
        ('"Ромашка"', ["Ромашка"]),
        ("ооо ромашка", ["Ромашка"]),
        ("100%", []),
        ("_", []),
    ],
)
@pytest.mark.parametrize("path", PATHS)
def test_search_finds_by_name_inn_phone_email_any_case(
    workspace_for: Callable[[str], Workspace],
    query: str,
    expected: list[str],
    path: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    take_path(monkeypatch, path)
    assert names(workspace_for("admin"), query) == expected


def test_search_folds_yo(workspace_for: Callable[[str], Workspace], seeded: Seeded) -> None:
    ws = workspace_for("admin")
    with ws.write() as session:
        create_client(session, ws.viewer, ClientDraft(name="Ёжик в тумане", legal_form="ООО"), FROZEN_NOW)
    assert names(ws, "ежик") == ["Ёжик в тумане"]
    assert names(ws, "ЁЖИК") == ["Ёжик в тумане"]


def test_manager_sees_only_her_clients(workspace_for: Callable[[str], Workspace]) -> None:
    assert set(names(workspace_for("ivanova"))) == {
        "Ромашка",
        "Вектор Плюс",
        "СтройМонтаж",
        "Аква-Сервис",
        "Теплодом",
        "Зорин Алексей Викторович",
    }
    assert names(workspace_for("ivanova"), "липецк") == []
    assert set(names(workspace_for("petrov"))) == {"Липецкий металл", "АгроЛипецк"}


def test_head_sees_his_region_and_admin_sees_all(workspace_for: Callable[[str], Workspace]) -> None:
    assert len(names(workspace_for("smirnov"))) == 6
    assert len(names(workspace_for("admin"))) == 8


def test_filters_by_owner_and_status(workspace_for: Callable[[str], Workspace], seeded: Seeded) -> None:
    ws = workspace_for("admin")
    assert set(names(ws, owner_id=seeded.users["petrov"])) == {"Липецкий металл", "АгроЛипецк"}
    assert set(names(ws, status="lead")) == {"Теплодом", "Зорин Алексей Викторович"}


def test_pages_walk_forward_and_back_over_every_client_once(
    workspace_for: Callable[[str], Workspace],
) -> None:
    ws = workspace_for("admin")
    with ws.write() as session:
        for i in range(57):
            # Identical names on purpose: the id breaks ties so no row is skipped or repeated.
            create_client(session, ws.viewer, ClientDraft(name=f"Альфа {i // 3:02d}"), FROZEN_NOW)
    flt = ClientFilter()
    seen: list[int] = []
    pages = []
    with ws.read() as session:
        page = client_page(session, ws.viewer, flt, limit=10)
        assert not page.has_prev
        pages.append(page)
        while page.has_next:
            page = client_page(session, ws.viewer, flt, after=page.rows[-1].cursor, limit=10)
            pages.append(page)
        for p in pages:
            seen.extend(r.id for r in p.rows)
        assert len(seen) == len(set(seen)) == 65
        keys = [(r.name_key, r.id) for p in pages for r in p.rows]
        assert keys == sorted(keys)
        back = client_page(session, ws.viewer, flt, before=pages[3].rows[0].cursor, limit=10)
        assert [r.id for r in back.rows] == [r.id for r in pages[2].rows]
        assert back.has_prev and back.has_next
        first = client_page(session, ws.viewer, flt, before=pages[1].rows[0].cursor, limit=10)
        assert [r.id for r in first.rows] == [r.id for r in pages[0].rows]
        assert not first.has_prev


def test_rows_carry_owner_first_phone_and_email(workspace_for: Callable[[str], Workspace]) -> None:
    ws = workspace_for("ivanova")
    with ws.read() as session:
        row = client_page(session, ws.viewer, ClientFilter(query="ромашка")).rows[0]
    assert (row.owner, row.phone, row.email) == ("Иванова Светлана", "+74951112233", "info@romashka.ru")


def test_export_streams_all_channels_in_batches(workspace_for: Callable[[str], Workspace]) -> None:
    ws = workspace_for("admin")
    with ws.write() as session:
        create_client(
            session,
            ws.viewer,
            ClientDraft(
                name="Два телефона",
                channels=[
                    ChannelDraft(ChannelKind.PHONE, "+74950000001"),
                    ChannelDraft(ChannelKind.PHONE, "+74950000002"),
                    ChannelDraft(ChannelKind.EMAIL, "a@b.ru"),
                ],
            ),
            FROZEN_NOW + timedelta(minutes=1),
        )
    with ws.read() as session:
        exported = list(iter_clients(session, ws.viewer, ClientFilter(), batch=3))
    assert len(exported) == 9
    two = next(c for c in exported if c.name == "Два телефона")
    assert two.phones == ["+74950000001", "+74950000002"]
    assert two.emails == ["a@b.ru"]
    assert two.owner == "admin"


def test_a_viewer_with_an_unknown_role_sees_nothing(workspace_for: Callable[[str], Workspace]) -> None:
    ws = workspace_for("admin")
    nobody = Viewer(user_id=999, login="x", full_name="X", role="guest", region=None)  # type: ignore[arg-type]
    with ws.read() as session:
        assert client_page(session, nobody, ClientFilter()).rows == []


def test_the_search_index_follows_renames_and_deletes(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, monkeypatch: pytest.MonkeyPatch
) -> None:
    from sqlalchemy import delete, update

    from crm_tui.domain.clients.search_keys import derived_keys
    from crm_tui.storage.models import channels, client_sources, clients, contacts, deals, interactions, tasks

    monkeypatch.setattr(f"{SEARCH}.FEW_CLIENTS", 0)
    monkeypatch.setattr(f"{SEARCH}.SCAN_WINDOW", 2)
    ws = workspace_for("admin")
    name_key, text = derived_keys("Незабудка", "ООО", None, "Москва", [], [])
    with ws.write() as session:
        session.execute(
            update(clients)
            .where(clients.c.id == seeded.clients["romashka"])
            .values(name="Незабудка", name_key=name_key, search_text=text)
        )
    assert names(ws, "незабуд") == ["Незабудка"]
    assert names(ws, "ромашка") == []
    teplo = seeded.clients["teplo"]
    with ws.write() as session:
        for table in (tasks, interactions, deals, channels, contacts, client_sources):
            session.execute(delete(table).where(table.c.client_id == teplo))
        session.execute(delete(clients).where(clients.c.id == teplo))
    assert names(ws, "теплодом") == []


def _every_third(ws: Workspace, count: int) -> list[str]:
    """``count`` clients in name order, every third of them an «альфа»: the matches thin out."""
    wanted = []
    with ws.write() as session:
        for i in range(count):
            name = f"Клиент {i:02d}" + (" альфа" if i % 3 == 0 else "")
            create_client(session, ws.viewer, ClientDraft(name=name), FROZEN_NOW)
            if i % 3 == 0:
                wanted.append(name)
    return wanted


@pytest.mark.parametrize(
    ("hit_cost", "few"), [(10**6, 0), (1, 0), (8, FEW_CLIENTS)], ids=["walk-on", "trigram-index", "few"]
)
def test_a_search_past_its_window_pages_every_match_once(
    workspace_for: Callable[[str], Workspace], monkeypatch: pytest.MonkeyPatch, hit_cost: int, few: int
) -> None:
    """A page the window does not fill goes on by walking the names or by the trigram index
    (whichever costs less), and both give the same pages, forward and back, as reading every
    client the viewer sees does."""
    monkeypatch.setattr(f"{SEARCH}.FEW_CLIENTS", few)
    monkeypatch.setattr(f"{SEARCH}.SCAN_WINDOW", 3)
    monkeypatch.setattr(f"{SEARCH}.HIT_COST", hit_cost)
    ws = workspace_for("admin")
    wanted = _every_third(ws, 30)
    flt = ClientFilter(query="альфа")
    with ws.read() as session:
        pages = [client_page(session, ws.viewer, flt, limit=4)]
        while pages[-1].has_next:
            pages.append(client_page(session, ws.viewer, flt, after=pages[-1].rows[-1].cursor, limit=4))
        back = client_page(session, ws.viewer, flt, before=pages[-1].rows[0].cursor, limit=4)
    assert [r.name for p in pages for r in p.rows] == wanted
    assert [r.name for r in back.rows] == [r.name for r in pages[-2].rows]
    assert all(r.phone is None and r.owner for p in pages for r in p.rows)


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # SQLite's query plans
def test_the_name_walk_reads_one_index_not_the_table(
    workspace_for: Callable[[str], Workspace], monkeypatch: pytest.MonkeyPatch
) -> None:
    """On SQLite the walk filters the search text kept in the name index (migration 0029); a
    page's other columns are read for its rows alone."""
    monkeypatch.setattr(f"{SEARCH}.FEW_CLIENTS", 0)  # a viewer who sees many clients
    monkeypatch.setattr(f"{SEARCH}.SCAN_WINDOW", 3)
    ws = workspace_for("ivanova")
    _every_third(ws, 12)

    def search() -> None:
        with ws.read() as session:
            client_page(session, ws.viewer, ClientFilter(query="альфа"), limit=2)

    plans = sqlite_plans(ws.engine, search)
    walks = [plan for statement, plan in plans if "clients.search_text LIKE" in statement]
    assert walks
    assert all("COVERING INDEX ix_clients_search_names" in plan for plan in walks)
    channels = [statement for statement, _plan in plans if "first_channel" in statement]
    assert len(channels) == 1


def _a_region_of_alphas(ws: Workspace, seeded: Seeded) -> list[str]:
    """«альфа» clients of every kind around the manager «ivanova» (Москва), in an order that
    mixes them: hers, her region's unassigned leads, and those she must not see (another
    manager's, another region's free leads, a free client of hers that is no lead); what she
    finds, in name order."""
    from sqlalchemy import update

    from crm_tui.storage.models import clients

    kinds = [
        ("ivanova", "Москва", ClientStatus.CUSTOMER, True),
        (None, "Москва", ClientStatus.LEAD, True),
        ("petrov", "Липецк", ClientStatus.CUSTOMER, False),
        (None, "Липецк", ClientStatus.LEAD, False),
        (None, "Москва", ClientStatus.PROSPECT, False),
    ]
    wanted = []
    with ws.write() as session:
        for i in range(25):
            owner, region, status, seen = kinds[i % len(kinds)]
            name = f"Альфа {i:02d}"
            draft = ClientDraft(
                name=name, region=region, status=status, owner_id=seeded.users[owner or "admin"]
            )
            client_id = create_client(session, ws.viewer, draft, FROZEN_NOW)
            if owner is None:
                session.execute(update(clients).where(clients.c.id == client_id).values(owner_id=None))
            if seen:
                wanted.append(name)
    return wanted


@pytest.mark.parametrize("path", PATHS)
def test_a_manager_s_search_pages_her_clients_and_her_region_s_free_leads(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    """Whichever way the search goes, a manager pages through the same clients: hers and the
    unassigned leads of her region, in name order, forward and back."""
    wanted = _a_region_of_alphas(workspace_for("admin"), seeded)
    take_path(monkeypatch, path)
    monkeypatch.setattr(f"{SEARCH}.HIT_COST", 1)
    ws = workspace_for("ivanova")
    flt = ClientFilter(query="альфа")
    with ws.read() as session:
        pages = [client_page(session, ws.viewer, flt, limit=4)]
        while pages[-1].has_next:
            pages.append(client_page(session, ws.viewer, flt, after=pages[-1].rows[-1].cursor, limit=4))
        back = client_page(session, ws.viewer, flt, before=pages[-1].rows[0].cursor, limit=4)
    assert [r.name for p in pages for r in p.rows] == wanted
    assert [r.name for r in back.rows] == [r.name for r in pages[-2].rows]
    assert back.has_prev and not pages[0].has_prev


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # SQLite's query plans
def test_a_manager_s_search_reads_her_clients_not_everyone_s_names(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    """A manager sees few of a base's clients (~1,450 of the large demo's 100,000): her search
    finds her own by the owner index and her region's unassigned leads by theirs (migration
    0033; by the region's index it read every client of the region), and sorts the matches,
    where a walk in name order passed ~70 clients she cannot see for each she can (4-8x a
    head's search). The test base has no statistics, as a base never analysed."""
    _a_region_of_alphas(workspace_for("admin"), seeded)
    ws = workspace_for("ivanova")

    def search() -> None:
        with ws.read() as session:
            client_page(session, ws.viewer, ClientFilter(query="альфа"), limit=2)

    plans = sqlite_plans(ws.engine, search)
    assert not [plan for _statement, plan in plans if "SCAN clients" in plan]
    searched = [plan for statement, plan in plans if "clients.search_text LIKE" in statement]
    assert searched
    assert all("ix_clients_owner_name (owner_id=?)" in plan for plan in searched)
    assert all("ix_clients_free_leads (region=? AND status=?)" in plan for plan in searched)
