"""The client's timeline: every kind of event, newest first, paged without gaps or repeats."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from crm_tui.domain.clients.handovers import hand_over
from crm_tui.domain.clients.timeline import Cursor, TimelineEntry, client_timeline
from crm_tui.domain.deals.moves import load_deal, move_deal, neighbour_stage
from crm_tui.domain.errors import InvalidInput, NotFound
from crm_tui.domain.interactions.log import log_interaction
from crm_tui.domain.tasks.lifecycle import complete_task
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import InteractionKind
from tests.cli_support import crm, error_line
from tests.seed import Seeded

Open = Callable[[str], Workspace]


def walk(ws: Workspace, client_id: int, limit: int) -> list[TimelineEntry]:
    seen: list[TimelineEntry] = []
    cursor: Cursor | None = None
    for _ in range(100):
        with ws.read() as session:
            page = client_timeline(session, ws.viewer, client_id, cursor, limit)
        assert len(page.entries) <= limit
        seen += page.entries
        if page.next is None:
            return seen
        cursor = Cursor.decode(page.next.encode())  # as the CLI hands it back
    raise AssertionError("the timeline never ended")


def test_every_kind_of_event_newest_first_and_pages_neither_skip_nor_repeat(
    seeded: Seeded, workspace_for: Open
) -> None:
    ivanova = workspace_for("ivanova")
    romashka = seeded.clients["romashka"]
    for n in range(25):  # the clock is frozen: 25 calls at the same instant
        log_interaction(ivanova, romashka, InteractionKind.CALL, f"Звонок {n}")
    with ivanova.read() as session:
        deal = load_deal(session, seeded.deals["d_await_romashka"])
        back = neighbour_stage(session, deal, -1)
    assert back is not None
    move_deal(ivanova, deal.id, back, deal.version, comment="Счёт перевыставлен")
    complete_task(ivanova, seeded.tasks["overdue_invoice"], 1, "Обещали оплатить в пятницу")
    hand_over(workspace_for("smirnov"), "smirnov", client_ids=[romashka])

    whole = walk(workspace_for("smirnov"), romashka, limit=7)

    assert len({(e.source, e.row) for e in whole}) == len(whole)  # nothing twice
    assert [e.at for e in whole] == sorted((e.at for e in whole), reverse=True)
    calls = [e.text for e in whole if e.kind == "call"]
    assert set(calls) >= {f"Звонок {n}" for n in range(25)}
    assert "Обсудили график оплаты" in calls  # the seed's older call is on a later page
    texts = {e.kind: e.text for e in whole}
    assert texts["deal"].endswith("— Счёт перевыставлен") and "→" in texts["deal"]
    assert texts["done"] == "Напомнить об оплате счёта: Обещали оплатить в пятницу"
    changes = [e.text for e in whole if e.kind == "change"]
    assert changes[0] == "owner changed (owner: Иванова Светлана → Смирнов Олег)"
    assert any(e.kind == "task" for e in whole)  # when the task was set
    assert whole[-1].text.startswith("created (name: Ромашка")  # the client's creation is the oldest entry
    assert len(whole) == len(walk(workspace_for("smirnov"), romashka, limit=500))


def test_a_client_the_viewer_may_not_see_has_no_timeline(seeded: Seeded, workspace_for: Open) -> None:
    petrov = workspace_for("petrov")
    with petrov.read() as session, pytest.raises(NotFound):
        client_timeline(session, petrov.viewer, seeded.clients["romashka"])


def test_a_cursor_from_elsewhere_is_refused() -> None:
    with pytest.raises(InvalidInput, match="not one this command printed"):
        Cursor.decode("yesterday/0/1")


def test_timeline_from_the_command_line(seeded_db: str) -> None:
    first = crm("--db", seeded_db, "clients", "timeline", "1", "--limit", "2", "--json", user="admin")
    assert first.returncode == 0, first.stderr
    page = json.loads(first.stdout)
    assert len(page["entries"]) == 2 and page["next"]
    assert set(page["entries"][0]) >= {"at", "kind", "text", "user"}
    rest = crm(
        "--db", seeded_db, "clients", "timeline", "1", "--before", page["next"], "--json", user="admin"
    )
    assert rest.returncode == 0, rest.stderr
    older = json.loads(rest.stdout)["entries"]
    assert older and older[0]["at"] <= page["entries"][-1]["at"]
    assert page["entries"][-1] not in older
    bad = crm("--db", seeded_db, "clients", "timeline", "1", "--before", "x", user="admin")
    assert bad.returncode != 0 and "timeline cursor" in error_line(bad)


def test_a_touch_and_its_next_step_logged_from_the_command_line(seeded_db: str) -> None:
    done = crm(
        "--db", seeded_db, "clients", "log", "1", "Обсудили скидку", "--duration", "4:30",
        "--next", "Выслать счёт", "--when", "+1", "--json", user="ivanova",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    logged = json.loads(done.stdout)
    assert logged["next_step"]["title"] == "Выслать счёт"
    page = json.loads(crm("--db", seeded_db, "clients", "timeline", "1", "--json", user="ivanova").stdout)
    assert [(e["kind"], e["text"]) for e in page["entries"][:2]] == [
        ("call", "Обсудили скидку"),
        ("task", "Выслать счёт"),
    ]
    for args, message in [
        (["--kind", "fax"], "unknown --kind 'fax'"),
        (["--duration", "long"], "--duration 'long' is not minutes"),
        (["--next", "Позвонить", "--when", "вчера"], "'вчера' is in the past"),
    ]:
        refused = crm("--db", seeded_db, "clients", "log", "1", "Звонок", *args, user="ivanova")
        assert refused.returncode != 0 and message in error_line(refused), args


def test_a_recompute_that_moves_a_client_shows_in_its_timeline(seeded: Seeded, workspace_for: Open) -> None:
    from crm_tui.domain.segments.recompute import recompute_segments

    recompute_segments(workspace_for("admin"))
    ivanova = workspace_for("ivanova")
    with ivanova.read() as session:
        entries = client_timeline(session, ivanova.viewer, seeded.clients["vektor"]).entries
    assert ("segment", "no segment → Warm (recompute)") in [(e.kind, e.text) for e in entries]


def test_a_recompute_s_move_reads_in_the_viewer_s_language(seeded: Seeded, workspace_for: Open) -> None:
    from crm_tui import i18n
    from crm_tui.domain.segments.recompute import recompute_segments

    recompute_segments(workspace_for("admin"))
    ivanova = workspace_for("ivanova")
    before = i18n.current_locale()
    i18n.set_locale("ru")
    try:
        with ivanova.read() as session:
            entries = client_timeline(session, ivanova.viewer, seeded.clients["vektor"]).entries
    finally:
        i18n.set_locale(before)
    [moved] = [e.text for e in entries if e.kind == "segment"]
    assert moved == "без сегмента → Тёплый (пересчёт)"


def test_who_is_a_full_name_in_every_entry_a_person_made(seeded: Seeded, workspace_for: Open) -> None:
    """The walk-through: "Who" showed a full name for some entries and nothing (a recompute, an
    import row) or a login for others. Each entry names the person by full name."""
    from crm_tui.domain.segments.recompute import recompute_segments

    recompute_segments(workspace_for("smirnov"))
    ivanova = workspace_for("ivanova")
    log_interaction(ivanova, seeded.clients["vektor"], InteractionKind.CALL, "Звонок")
    with ivanova.read() as session:
        entries = client_timeline(session, ivanova.viewer, seeded.clients["vektor"]).entries
    by_kind = {e.kind: e.user for e in entries}
    assert by_kind["segment"] == "Смирнов Олег"
    assert by_kind["call"] == "Иванова Светлана"
    logins = {"ivanova", "petrov", "smirnov", "admin"}
    assert not {e.user for e in entries} & logins
