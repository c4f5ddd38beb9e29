"""Keys a person can rebind: every binding has a unique id, and a keymap moves an action's key
(the footer and the command palette show the new key)."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import Counter
from collections.abc import Iterator

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import Keys
from textual.theme import BUILTIN_THEMES
from textual.widgets import Input

import crm_tui.app
import crm_tui.screens
import crm_tui.widgets
from crm_tui.app import create_app
from crm_tui.app.commands import ActionCommands
from crm_tui.config.file import THEMES
from crm_tui.domain.workspace import Workspace
from crm_tui.keymap import BINDING_IDS, DEFAULT_KEYS, key_problem, layout_twins
from crm_tui.screens.clients import ClientsScreen
from crm_tui.widgets.key_footer import KeyFooter
from tests.app.support import notifications, settle

SIZE = (120, 40)


def our_bindings() -> Iterator[tuple[str, Binding]]:
    """Every binding declared by a class of the app, its screens, dialogs and widgets."""
    modules = [crm_tui.app]
    for package in (crm_tui.screens, crm_tui.widgets):
        for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}."):
            modules.append(importlib.import_module(info.name))
    for module in modules:
        for name, cls in vars(module).items():
            if inspect.isclass(cls) and issubclass(cls, DOMNode) and cls.__module__ == module.__name__:
                for binding in cls.__dict__.get("BINDINGS", []):
                    assert isinstance(binding, Binding), (
                        f"{module.__name__}.{name}: {binding!r} is no Binding"
                    )
                    yield f"{module.__name__}.{name}", binding


def test_every_binding_has_a_unique_id_that_the_keymap_knows_with_its_key() -> None:
    found = list(our_bindings())
    assert len(found) > 100
    missing = [f"{owner}: {binding.key} -> {binding.action}" for owner, binding in found if not binding.id]
    assert missing == []
    twice = [binding_id for binding_id, n in Counter(b.id for _owner, b in found).items() if n > 1]
    assert twice == []
    assert {b.id for _owner, b in found} == BINDING_IDS
    assert {b.id: b.key for _owner, b in found} == {i: layout_twins(k) for i, k in DEFAULT_KEYS.items()}


def test_every_default_key_and_textual_key_name_is_a_key() -> None:
    for owner, binding in our_bindings():
        for key in binding.key.split(","):
            assert key_problem(key) is None, (owner, key)
    never_sent = {"return", "ctrl-at"}  # names in Textual's enum that no terminal event carries
    for key in Keys:
        if not key.value.startswith("<") and key.value not in never_sent:
            assert key_problem(key.value) is None, key.value
    for bad in ("ctr+f", "ctrl+", "fx", "ctrl+fx", "solidus", " ", "shift+shift+a"):
        assert key_problem(bad) is not None, bad


def test_the_theme_names_are_textuals() -> None:
    assert set(THEMES) == set(BUILTIN_THEMES)


async def test_a_keymap_moves_a_key_and_the_footer_and_palette_show_it(ws: Workspace) -> None:
    app = create_app(ws, start="clients", keymap={"clients.search": "ctrl+f"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientsScreen)
        await pilot.press("slash")
        await settle(pilot)
        assert not isinstance(screen.focused, Input)  # "/" no longer searches
        footer = str(screen.query_one(KeyFooter).render())
        assert "^f Search" in footer and "/ Search" not in footer
        palette = {name: help_text for name, help_text, _run, _shown in ActionCommands(screen)._actions()}
        assert palette["Search"] == "key ^f"
        await pilot.press("ctrl+f")
        await settle(pilot)
        assert isinstance(screen.focused, Input) and screen.focused.id == "search"


async def test_the_theme_setting_is_applied(ws: Workspace) -> None:
    app = create_app(ws, theme="nord")
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert app.theme == "nord"


async def test_a_key_taken_from_textuals_own_binding_is_told_once(ws: Workspace) -> None:
    """Our own bindings cannot clash (the settings refuse it); Textual's, like tab moving the
    focus, may be given away, and the person is told."""
    app = create_app(ws, start="clients", keymap={"clients.search": "tab"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("tab")
        await settle(pilot)
        await pilot.press("escape", "tab")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClientsScreen) and isinstance(screen.focused, Input)
        told = [n for n in notifications(app) if "keymap" in n]
        assert told == [
            "Your keymap gives tab to another action: «Focus Next» (app.focus_next) has no key now."
        ]


async def test_keys_answer_in_the_russian_layout_but_a_text_input_types_the_letter(ws: Workspace) -> None:
    """With ЙЦУКЕН on, the key marked C sends «с» and nothing happened on the desk."""
    from crm_tui.screens.desk import DeskScreen

    app = create_app(ws, keymap={"app.desk": "D"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)
        await pilot.press("с")  # Cyrillic «с»: the C key in the Russian layout
        await settle(pilot)
        clients = app.screen
        assert isinstance(clients, ClientsScreen)
        footer = str(clients.query_one(KeyFooter).render())
        assert "с " not in footer  # the footer names the Latin key
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(clients.focused, Input)
        await pilot.press("в", "с")  # typed into the search, not taken as keys
        await settle(pilot)
        assert clients.focused.value == "вс" and app.screen is clients
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("В")  # the person's own key (D) answers in both layouts too
        await settle(pilot)
        assert isinstance(app.screen, DeskScreen)


def test_every_letter_key_gets_its_russian_layout_twin_and_a_keymaps_own_letter_is_kept() -> None:
    from crm_tui.keymap import with_layout_twins

    assert (layout_twins("c"), layout_twins("D"), layout_twins("up,k")) == ("c,с", "D,В", "up,k,л")
    assert layout_twins("slash") == "slash" and layout_twins("ctrl+f") == "ctrl+f"
    keys = with_layout_twins({"clients.new": "ф", "clients.owner": "a", "app.desk": "D"})
    assert keys == {"clients.new": "ф", "clients.owner": "a", "app.desk": "D,В"}  # «ф» is the person's


def test_the_keymap_is_split_by_what_it_holds_and_keeps_its_names() -> None:
    """keymap.py held the bindings' table, the key names, the keymap's checks and the Russian
    layout in 448 lines: each is a module of its own, the package keeps every name it gave."""
    from pathlib import Path

    import crm_tui.keymap as keymap
    from crm_tui.keymap import bindings, checks, keys, layout

    assert layout.LAYOUT_TWINS["c"] == "с" and len(layout.LAYOUT_TWINS) == 52
    assert bindings.DEFAULT_KEYS["app.desk"] == "d" and keys.normal_key("/") == "slash"
    assert checks.binding_id_problem("app.desk") is None
    given = ("BINDING_IDS DEFAULT_KEYS LAYOUT_TWINS MODIFIERS NAMED_KEYS binding_id_problem clash_problem "
             "key_problem layout_twins normal_key parse_keys with_layout_twins")  # fmt: skip
    for name in given.split():
        assert hasattr(keymap, name), name
    for module in (keymap, bindings, checks, keys, layout):
        assert module.__file__ is not None
        assert len(Path(module.__file__).read_text(encoding="utf-8").splitlines()) < 400, module.__name__
