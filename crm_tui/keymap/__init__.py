"""The keys a person may rebind: every binding's id and key, and the key names Textual knows.

The settings file's ``[keymap]`` table maps a binding id (``"clients.search" = "ctrl+f"``) to
one key or a comma-separated list; the app hands it to Textual's ``App.set_keymap``. A wrong
entry must be refused where the file is read, and ``crm config show`` reads it without Textual
(headless commands never import it), so the bindings are listed in ``bindings`` rather than collected from
the screens; a test checks this list against every binding of the app, its screens, dialogs and
widgets (ids unique, keys the same). An id's prefix is the screen, dialog or widget whose keys
it is among: a key the keymap gives one of them must not be another's there, as Textual would
quietly take it from the other.
"""

from __future__ import annotations

from crm_tui.keymap.bindings import BINDING_IDS, DEFAULT_KEYS
from crm_tui.keymap.checks import binding_id_problem, clash_problem
from crm_tui.keymap.keys import MODIFIERS, NAMED_KEYS, key_problem, normal_key, parse_keys
from crm_tui.keymap.layout import LAYOUT_TWINS, layout_twins, with_layout_twins

__all__ = [
    "BINDING_IDS",
    "DEFAULT_KEYS",
    "LAYOUT_TWINS",
    "MODIFIERS",
    "NAMED_KEYS",
    "binding_id_problem",
    "clash_problem",
    "key_problem",
    "layout_twins",
    "normal_key",
    "parse_keys",
    "with_layout_twins",
]
