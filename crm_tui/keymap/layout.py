"""The Russian keyboard layout: with it on, the key marked C sends «с», which must do what «c»
does. Every letter binding also answers to the letter on the same ЙЦУКЕН key, the defaults and
a person's keymap alike."""

from __future__ import annotations

from collections.abc import Mapping

_QWERTY = "qwertyuiopasdfghjklzxcvbnm"
_JCUKEN = "йцукенгшщзфывапролдячсмить"
LAYOUT_TWINS: dict[str, str] = {
    **dict(zip(_QWERTY, _JCUKEN, strict=True)),
    **dict(zip(_QWERTY.upper(), _JCUKEN.upper(), strict=True)),
}
"""A Latin letter -> the Cyrillic letter on the same key of the Russian (ЙЦУКЕН) layout: with
the Russian layout on, the key marked C sends «с», which must do what «c» does."""


def layout_twins(keys: str, taken: frozenset[str] | set[str] = frozenset()) -> str:
    """``keys`` (a binding's, comma-separated) with each single Latin letter followed by its
    ``LAYOUT_TWINS`` letter, unless ``taken`` (a keymap gives that letter to a binding itself).
    The Latin key stays first: the footer and the palette show an action's first key."""
    split = keys.split(",")
    twins = [LAYOUT_TWINS[k] for k in split if k in LAYOUT_TWINS and LAYOUT_TWINS[k] not in taken]
    return ",".join([*split, *twins]) if twins else keys


def with_layout_twins(keymap: Mapping[str, str]) -> dict[str, str]:
    """A person's keymap for ``App.set_keymap``, each entry's letters with their twins
    (``layout_twins``): a key moved by the keymap answers in both layouts as the defaults do
    (``crm_tui.widgets.bindings.bind`` gives them theirs)."""
    taken = {key for keys in keymap.values() for key in keys.split(",")}
    return {binding_id: layout_twins(keys, taken) for binding_id, keys in keymap.items()}
