"""A person's keymap checked against the bindings: an id that names none, a key that another
binding of the same screen, dialog or widget has (Textual would quietly take it from the other)."""

from __future__ import annotations

import difflib

from crm_tui.i18n import N_, Message
from crm_tui.keymap.bindings import BINDING_IDS, DEFAULT_KEYS
from crm_tui.keymap.keys import normal_key


def clash_problem(keymap: dict[str, str]) -> tuple[str, Message] | None:
    """An entry of ``keymap`` (id -> parsed keys) whose key is also another binding's among the
    same screen's, dialog's or widget's keys (once the keymap is applied), and what it clashes
    with; None when every key is one binding's."""
    owners: dict[tuple[str, str], list[str]] = {}
    for binding_id, default in DEFAULT_KEYS.items():
        keys = keymap.get(binding_id, default)
        for key in keys.split(","):
            owners.setdefault((binding_id.split(".")[0], normal_key(key)), []).append(binding_id)
    for binding_id, keys in keymap.items():
        for key in keys.split(","):
            others = [o for o in owners[(binding_id.split(".")[0], normal_key(key))] if o != binding_id]
            if others:
                return binding_id, Message(
                    "keymap.clash",
                    N_("{key} is also the key of {others}: give that one another key in [keymap] too"),
                    key=key,
                    others=", ".join(others),
                )
    return None


def binding_id_problem(binding_id: str) -> Message | None:
    """None if ``binding_id`` names a binding, else a line that says so (with the nearest id)."""
    if binding_id in BINDING_IDS:
        return None
    near = difflib.get_close_matches(binding_id, sorted(BINDING_IDS), n=1)
    if near:
        return Message(
            "keymap.id_unknown",
            N_("no binding has the id {id!r}: did you mean {near!r}?"),
            id=binding_id,
            near=near[0],
        )
    return Message(
        "keymap.id_unknown",
        N_("no binding has the id {id!r}: see the list in README.md, Settings"),
        id=binding_id,
    )
