"""The duplicate review screen: who reaches it, merging with a field choice, undo, not-a-duplicate."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.engine import Engine
from textual.widgets import Static

from crm_tui.app import create_app
from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.clients.records import ChannelDraft, ClientDraft, create_client
from crm_tui.screens.dedup_review import DedupReviewScreen
from crm_tui.storage.database import write_session
from crm_tui.storage.models import ChannelKind, ClientStatus, Role, clients, not_duplicates
from tests.app.support import notifications, settle, text_of, workspace
from tests.seed import FROZEN_NOW, Seeded, valid_inn


def add_twins(engine: Engine, seeded: Seeded, inn: str | None = None) -> tuple[int, int]:
    """One company typed twice by two managers: same name and city, different phones; ``inn``
    is the first one's."""
    admin = Viewer(seeded.users["admin"], "admin", "Администратор", Role.ADMIN, None)
    ids = []
    with write_session(engine) as session:
        for n, (owner, city) in enumerate((("ivanova", "Тверь"), ("petrov", None))):
            phone = f"+7482200000{n}"
            ids.append(
                create_client(
                    session,
                    admin,
                    ClientDraft(
                        name="Зенит Плюс",
                        legal_form="ООО",
                        city=city,
                        inn=inn if n == 0 else None,
                        region="Тверь",
                        owner_id=seeded.users[owner],
                        status=ClientStatus.LEAD,
                        channels=[ChannelDraft(ChannelKind.PHONE, phone, phone)],
                    ),
                    FROZEN_NOW - timedelta(days=3 - n),
                )
            )
    return ids[0], ids[1]


async def open_review(pilot: object) -> DedupReviewScreen:
    await settle(pilot)  # type: ignore[arg-type]
    await pilot.press("D")  # type: ignore[attr-defined]
    await settle(pilot)  # type: ignore[arg-type]
    screen = pilot.app.screen  # type: ignore[attr-defined]
    assert isinstance(screen, DedupReviewScreen)
    return screen


async def test_managers_have_no_duplicate_review(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    app = create_app(workspace(sqlite_url, "ivanova"))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert not isinstance(app.screen, DedupReviewScreen)
        assert "Duplicates" not in [
            b.description for _, b, enabled, _ in app.screen.active_bindings.values() if enabled
        ]


async def test_merge_with_the_other_records_city_then_undo(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    first, second = add_twins(sqlite_engine, team)
    app = create_app(workspace(sqlite_url, "admin"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        pair = screen.review.pair
        assert pair is not None and {pair.left, pair.right} == {first, second}
        # Survivor is the left (older) record; the city is empty there: take the other's.
        await pilot.press("x")  # the second record (no city) survives...
        await pilot.press("down", "down", "down", "down", "down", "t")  # ...with the first one's city
        await pilot.press("m")
        await settle(pilot)
        with app.ws.read() as session:
            left = session.execute(
                select(clients.c.id, clients.c.city).where(clients.c.name == "Зенит Плюс")
            ).all()
        assert [(row.id, row.city) for row in left] == [(second, "Тверь")]
        assert any("Merged" in n for n in notifications(app))
        await pilot.press("u")
        await settle(pilot)
        with app.ws.read() as session:
            back = session.execute(
                select(clients.c.id, clients.c.city).where(clients.c.name == "Зенит Плюс")
            ).all()
        assert sorted((row.id, row.city) for row in back) == [(first, "Тверь"), (second, None)]


async def test_taking_the_other_records_empty_inn_is_refused_and_the_merge_keeps_it(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    inn = valid_inn("695000111")
    first, second = add_twins(sqlite_engine, team, inn=inn)
    app = create_app(workspace(sqlite_url, "admin"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        pair = screen.review.pair
        assert pair is not None and (pair.left, pair.right) == (first, second)
        await pilot.press("down", "down", "t")  # the INN row: take the other record's (empty) INN
        await settle(pilot)
        assert screen.review.take_other == set()
        assert any(f"client {second} has no inn; taking it would lose {inn}" in n for n in notifications(app))
        await pilot.press("m")
        await settle(pilot)
        with app.ws.read() as session:
            left = session.execute(
                select(clients.c.id, clients.c.inn).where(clients.c.name == "Зенит Плюс")
            ).all()
        assert [(row.id, row.inn) for row in left] == [(first, inn)]


async def test_not_a_duplicate_is_remembered(sqlite_url: str, sqlite_engine: Engine, team: Seeded) -> None:
    first, second = add_twins(sqlite_engine, team)
    app = create_app(workspace(sqlite_url, "admin"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        assert screen.review.pair is not None
        before = len(screen.review.pairs)
        await pilot.press("n")
        await settle(pilot)
        assert len(screen.review.pairs) == before - 1
        with app.ws.read() as session:
            marked = session.execute(select(not_duplicates.c.left_id, not_duplicates.c.right_id)).all()
        assert [tuple(m) for m in marked] == [(first, second)]
        await pilot.press("r")
        await settle(pilot)
        assert all({p.left, p.right} != {first, second} for p in screen.review.pairs)


async def test_new_client_dialog_says_whose_client_it_is_before_saving(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    from textual.widgets import Input, Static

    from crm_tui.screens.dialogs.new_client import NewClientScreen

    app = create_app(workspace(sqlite_url, "petrov"), start="clients")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, NewClientScreen)
        dialog.query_one("#new-name", Input).value = "ООО «Ромашка»"
        dialog.query_one("#new-phone", Input).value = "8 495 111-22-33"
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = str(dialog.query_one("#error", Static).content)
        assert "belongs to Иванова Светлана, Москва" in shown
        with app.ws.read() as session:
            assert len(session.execute(select(clients.c.id).where(clients.c.name == "Ромашка")).all()) == 1
        await pilot.press("ctrl+s")  # the person insists: a branch
        await settle(pilot)
        assert not isinstance(app.screen, NewClientScreen)
        with app.ws.read() as session:
            assert len(session.execute(select(clients.c.id).where(clients.c.name == "Ромашка")).all()) == 2


async def test_the_review_is_titled_and_shows_phones_as_people_read_them(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    """The walk-through found the title "crm_tui —" and raw +74822000000 phones."""
    add_twins(sqlite_engine, team)
    app = create_app(workspace(sqlite_url, "admin"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        assert (screen.title, screen.sub_title) == ("Duplicate review", "Администратор")
        shown = text_of(screen.query_one("#dedup-left", Static)) + text_of(
            screen.query_one("#dedup-right", Static)
        )
        assert "+7 482 200-00-00" in shown and "+7 482 200-00-01" in shown
        assert "+7482200000" not in shown


async def test_a_head_raises_the_threshold_past_a_faint_pair_and_lowers_it_back(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    """The twins meet on their name alone (one has no city): a faint pair, shown at the default
    threshold; raising it hides the pair and says so, lowering it brings it back."""
    first, second = add_twins(sqlite_engine, team)
    app = create_app(workspace(sqlite_url, "admin"))
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_review(pilot)
        pair = screen.review.pair
        assert pair is not None and {pair.left, pair.right} == {first, second}
        assert f"score {pair.score} (threshold 40)" in text_of(screen.query_one("#dedup-status", Static))
        for _ in range((pair.score - 40) // 10 + 1):
            await pilot.press("greater_than_sign")
            await settle(pilot)
        assert screen.review.pair is None
        status = text_of(screen.query_one("#dedup-status", Static))
        assert "No duplicates left at threshold" in status and "1 fainter pair is hidden" in status
        await pilot.press("less_than_sign")
        await settle(pilot)
        assert screen.review.pair == pair
    with app.ws.read() as session:
        from crm_tui.domain.settings import get_setting

        assert get_setting(session, "dedup.min_score") == screen.threshold
