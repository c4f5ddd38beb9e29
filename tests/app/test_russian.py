"""A day's work in Russian: the app walked through its screens and dialogs in Russian, on a base
named in Russian, and what was asked of the catalogue and drawn on the screen checked.

Two things fail a walk: a msgid asked for that has no Russian translation (``i18n.
missing_translations``: it sees strings built at run time and passed through variables, which a
grep of the code does not), and an English word on the screen that never went through the
catalogue at all (tests/russian_text.py says what Latin text is allowed: data, keys, formats).
Every screen and dialog visited is read as text, notifications included.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import Input

from crm_tui import i18n
from crm_tui.app import CrmApp, create_app
from crm_tui.domain.workspace import Workspace, prepare_database
from crm_tui.widgets import bindings
from tests.app.support import settle, wait_for, workspace
from tests.app.test_dedup_review import add_twins
from tests.app.test_segments_screen import sales_history
from tests.importers.files import write_managers_xlsx
from tests.importers.order_files import write_invoices_xlsx
from tests.russian_base import name_in_russian
from tests.russian_text import ELSEWHERE_IN_WALKS, elsewhere_seen, english_left
from tests.seed import FROZEN_NOW, Seeded
from tests.snapshots.screen_text import screen_lines

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def russian() -> Iterator[None]:
    before = i18n.current_locale()
    i18n.set_locale("ru")
    bindings._translated.clear()  # keys translated by earlier tests would not be asked again
    yield
    i18n.set_locale(before)


@pytest.fixture
def team(team: Seeded, sqlite_engine: Engine) -> Seeded:
    name_in_russian(sqlite_engine)
    return team


class Walk:
    """A run of the app in Russian: what it asked the catalogue for in vain, what it drew."""

    def __init__(self, pilot: Pilot[None], missing: set[str]) -> None:
        self.pilot = pilot
        self.missing = missing
        self.seen: list[str] = []

    @property
    def app(self) -> CrmApp:
        app = self.pilot.app
        assert isinstance(app, CrmApp)
        return app

    async def look(self, *keys: str) -> None:
        """Press ``keys`` (each then settled), and read the screen."""
        for key in keys:
            await self.pilot.press(key)
            await settle(self.pilot)
        await settle(self.pilot)
        self.seen.extend(screen_lines(self.app.export_screenshot()))

    async def dialog(self, *keys: str) -> None:
        """Open a dialog with ``keys``, read it, close it with Escape."""
        screens = len(self.app.screen_stack)
        await self.look(*keys)
        assert len(self.app.screen_stack) > screens, f"{keys} opened nothing on {self.app.screen}"
        await self.pilot.press("escape")
        await settle(self.pilot)

    def verdict(self) -> None:
        untranslated = sorted(self.missing)
        assert untranslated == [], "msgids with no Russian translation:\n" + "\n".join(untranslated)
        english = english_left(self.seen)
        assert english == [], "English on the Russian screens:\n" + "\n".join(dict.fromkeys(english))


@asynccontextmanager
async def walk(app: CrmApp) -> AsyncIterator[Walk]:
    with i18n.missing_translations() as missing:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            yield Walk(pilot, missing)
    # the notifications and the workers' last words are in by now


Open = Callable[[str], Workspace]


@pytest.fixture
def open_as(sqlite_url: str, team: Seeded) -> Open:
    return lambda login: workspace(sqlite_url, login)


async def test_the_desk_its_dialogs_the_palette_and_the_keys(open_as: Open) -> None:
    async with walk(create_app(open_as("ivanova"))) as run:
        await run.look()
        await run.dialog("s")
        await run.dialog("x")
        await run.look("x", "enter")  # an empty result is refused in words
        await run.pilot.press("escape")
        await run.look("ctrl+p")
        await run.look(*"Ромаш")
        await run.pilot.press(*["backspace"] * 5, *"ъъъыыы")
        palette = run.app.screen
        assert isinstance(palette, CommandPalette)
        await wait_for(
            run.pilot, lambda: "Ничего не найдено" in "\n".join(screen_lines(run.app.export_screenshot()))
        )
        await run.look()
        await run.pilot.press("escape")
        run.app.action_show_help_panel()
        await run.look()
        run.app.action_hide_help_panel()
        await run.look("ctrl+c")  # Textual's "this does not quit" hint
        run.verdict()


async def test_the_clients_list_its_filters_and_a_new_client(open_as: Open) -> None:
    async with walk(create_app(open_as("ivanova"), start="clients")) as run:
        await run.look()
        for key in ("o", "t", "g", "b"):
            await run.look(key)  # the filter's list drops down
            await run.pilot.press("escape")
            await settle(run.pilot)
        await run.look("slash", *"ъъъ")  # nothing found
        await run.look("escape")
        await run.dialog("a")
        await run.look("a", "ctrl+s")  # saved with no name: refused
        await run.pilot.press("escape")
        run.verdict()
        assert set(ELSEWHERE_IN_WALKS) <= elsewhere_seen(run.seen), "stale: tests/russian_text.py"


async def test_a_client_card_and_every_editor_on_it(open_as: Open) -> None:
    async with walk(create_app(open_as("smirnov"), start="clients")) as run:
        await run.look("j", "j", "j", "enter")
        for key in ("l", "o", "g", "h", "u", "b", "a", "t", "m", "e", "w"):
            await run.dialog(key)
        await run.look("u")
        run.app.screen.query_one("#req-name", Input).value = ""
        await run.look("ctrl+s")  # a client with no name: refused (the line is below the fold)
        await run.pilot.press("escape")
        await run.look("b", "ctrl+s")  # nothing owned: refused
        await run.pilot.press("escape")
        await run.look("n", "p", "r")  # timeline pages (there is one) and a reload
        await run.look("h", "down", "enter")  # a handover asks first...
        assert any("Передача клиентов" in line for line in run.seen[-40:])
        await run.look("y", "U")  # ...and is undone from the card
        run.verdict()


async def test_the_funnel_a_deal_the_report_and_the_settings(open_as: Open) -> None:
    async with walk(create_app(open_as("admin"))) as run:
        await run.look("F")
        for key in ("x", "f", "g", "p", "t"):
            await run.dialog(key)
        await run.look("enter")  # the deal of the first card
        await run.dialog("x")
        await run.look("escape", "v")
        await run.look("v", "comma")
        await run.dialog("p")
        await run.dialog("s")
        await run.dialog("n")
        await run.look("escape", "]")  # a card moved on
        run.verdict()


async def test_segments_their_bulk_actions_and_the_sales_history(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded, tmp_path: Path
) -> None:
    sales_history(sqlite_engine, team, sqlite_url)
    path = write_invoices_xlsx(tmp_path / "Счета.xlsx", FROZEN_NOW.date())
    async with walk(create_app(workspace(sqlite_url, "smirnov"), data_dir=tmp_path)) as run:
        await run.look("S", "2", "3", "m", "m", "1", "s")
        await run.look("space")
        await run.dialog("a")
        await run.dialog("c")
        await run.look("i")
        run.app.screen.query_one("#orders-path", Input).value = str(path)
        await run.look("enter", "r", "u")
        run.verdict()


async def test_the_import_wizard_from_file_to_undo(
    open_as: Open, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    async with walk(create_app(open_as("ivanova"), data_dir=Path("data"))) as run:
        await run.look("i", "enter")  # no path: asked for one
        run.app.screen.query_one("#file-path", Input).value = str(path)
        await run.look("enter", "enter")
        await run.dialog("e")
        await run.look("n")
        await run.look("r")
        await run.dialog("u")
        await run.look("u", "y")
        run.verdict()


async def test_duplicates_and_the_first_run(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded, tmp_path: Path
) -> None:
    add_twins(sqlite_engine, team)
    async with walk(create_app(workspace(sqlite_url, "admin"))) as run:
        await run.look("D", "x", "down", "t", "n")
        await run.look("u")
        run.verdict()
    empty = f"sqlite:///{tmp_path}/empty.db"
    prepare_database(empty)
    async with walk(create_app(workspace(empty, "root"))) as run:
        await run.look("r")
        run.verdict()
