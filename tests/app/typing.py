"""Typing as a terminal delivers it: a whole burst of keys at once (fast typing, SSH lag).

``Pilot.press`` waits for the app to go idle after every key, so it never shows what happens
when the next keys are already queued behind a Tab; ``burst`` posts them all before any is
handled, as a terminal's driver does, then lets the app settle.
"""

from __future__ import annotations

from textual import events
from textual.keys import key_to_character
from textual.pilot import Pilot

from tests.app.support import settle

_NAMES = {
    " ": "space",
    "+": "plus",
    "-": "minus",
    ":": "colon",
    ".": "full_stop",
    ",": "comma",
    "@": "at",
    "/": "slash",
    "(": "left_parenthesis",
    ")": "right_parenthesis",
}


_KEYS = {"tab", "enter", "escape", "up", "down", "left", "right", "backspace", "home", "end"}


def keys_of(*parts: str) -> list[str]:
    """Key names for ``parts``: a named key ("tab", "ctrl+s") as it is, any other text letter by
    letter."""
    keys: list[str] = []
    for part in parts:
        if part in _KEYS or part.startswith(("ctrl+", "shift+")):
            keys.append(part)
        else:
            keys.extend(_NAMES.get(char, char) for char in part)
    return keys


async def burst(pilot: Pilot[None], *parts: str) -> None:
    """Post every key of ``parts`` to the app in one go, then wait for it to settle."""
    app = pilot.app
    for key in keys_of(*parts):
        character = key if len(key) == 1 else key_to_character(key)
        if key in _NAMES.values():
            character = next(char for char, name in _NAMES.items() if name == key)
        app.post_message(events.Key(key, character))
    await settle(pilot)
