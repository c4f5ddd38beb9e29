"""Bindings whose keys come from the keymap's table, so a key is written in one place.

``crm_tui.keymap.DEFAULT_KEYS`` holds every binding's id and default key (headless commands read
it to check a settings file without Textual); a screen names the id and gets a ``Binding`` with
that key. The person's own keys replace it later, through ``App.set_keymap``.
"""

from __future__ import annotations

from typing import Any

from textual.binding import Binding

from crm_tui.keymap import DEFAULT_KEYS


def bind(binding_id: str, action: str, description: str = "", **options: Any) -> Binding:
    """The ``Binding`` of ``binding_id``, on its default key(s), running ``action``."""
    return Binding(DEFAULT_KEYS[binding_id], action, description, id=binding_id, **options)
