"""The keys a person may rebind: every binding's id, and which key names Textual understands.

The settings file's ``[keymap]`` table maps a binding id (``"clients.search" = "ctrl+f"``) to
one key or a comma-separated list; the app hands it to Textual's ``App.set_keymap``. A wrong
entry must be refused where the file is read, and ``crm config show`` reads it without Textual
(headless commands never import it), so the ids are listed here rather than collected from the
screens; a test checks this list against every binding of the app, its screens and widgets, and
that no two bindings share an id.
"""

from __future__ import annotations

import difflib
import unicodedata

BINDING_IDS: frozenset[str] = frozenset(
    {
        # the app, on every screen
        "app.desk",
        "app.clients",
        "app.import",
        "app.duplicates",
        "app.segments",
        "app.funnel",
        "app.palette",
        "app.quit",
        # lists (the record table of every screen)
        "table.open",
        "table.up",
        "table.down",
        "table.first",
        "table.last",
        # screens
        "first_run.check",
        "desk.complete",
        "desk.snooze",
        "desk.refresh",
        "clients.search",
        "clients.new",
        "clients.owner",
        "clients.status",
        "clients.segment",
        "clients.owns",
        "clients.fields",
        "clients.next_page",
        "clients.next_page_key",
        "clients.prev_page",
        "clients.prev_page_key",
        "clients.back",
        "card.log_call",
        "card.add_note",
        "card.segment",
        "card.hand_over",
        "card.requisites",
        "card.installed",
        "card.add_contact",
        "card.edit_contact",
        "card.contact_moved",
        "card.portrait",
        "card.walk",
        "card.timeline_older",
        "card.timeline_newer",
        "card.refresh",
        *(f"card.section_{n}" for n in range(1, 10)),
        "card.back",
        "deal.next_stage",
        "deal.prev_stage",
        "deal.lost",
        "deal.client",
        "deal.back",
        "funnel.next_stage",
        "funnel.prev_stage",
        "funnel.lost",
        "funnel.left",
        "funnel.right",
        "funnel.more",
        "funnel.filter",
        "funnel.region",
        "funnel.pipeline",
        "funnel.period",
        "funnel.report",
        "funnel.settings",
        "funnel.back",
        "funnel_settings.probability",
        "funnel_settings.stuck",
        "funnel_settings.rename",
        "funnel_settings.back",
        "segments.warm",
        "segments.loyal",
        "segments.lost",
        "segments.moves",
        "segments.sort",
        "segments.next_page",
        "segments.prev_page",
        "segments.select",
        "segments.select_page",
        "segments.assign",
        "segments.calls",
        "segments.recompute",
        "segments.import_orders",
        "segments.back",
        "fields.add",
        "fields.required",
        "fields.retire",
        "fields.contacts",
        "fields.back",
        "dedup.merge",
        "dedup.swap",
        "dedup.take",
        "dedup.field_up",
        "dedup.field_down",
        "dedup.not_duplicate",
        "dedup.next",
        "dedup.previous",
        "dedup.undo",
        "dedup.rescan",
        "dedup.back",
        "import.change_field",
        "import.change_field_enter",
        "import.preview",
        "import.run",
        "import.undo",
        "import.orders",
        "import.back",
        "import.close",
        "orders.run",
        "orders.undo",
        "orders.close",
        # dialogs
        "choice.cancel",
        "form.save",
        "form.cancel",
        "log.submit",
        "log.cancel",
        "new_client.save",
        "new_client.cancel",
        "contact_move.save",
        "contact_move.cancel",
        "task_result.submit",
        "task_result.cancel",
        "lost.cancel",
        "value.cancel",
        "snooze.pick_1",
        "snooze.pick_2",
        "snooze.pick_3",
        "snooze.pick_4",
        "snooze.cancel",
        "segment_picker.cancel",
        "assign.cancel",
        "calls.cancel",
        "field_picker.cancel",
        "undo_confirm.yes",
        "undo_confirm.no",
    }
)

MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
NAMED_KEYS = frozenset(
    {
        "escape",
        "enter",
        "tab",
        "space",
        "backspace",
        "delete",
        "insert",
        "home",
        "end",
        "pageup",
        "pagedown",
        "up",
        "down",
        "left",
        "right",
        *(f"f{n}" for n in range(1, 25)),
    }
)
# Textual names a punctuation key by its Unicode name, lower case with underscores, and these
# six by a shorter word.
_SHORT_NAMES = {
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}
_CHARACTER_NAMES = {short: long for long, short in _SHORT_NAMES.items()}


def _character_named(name: str) -> str | None:
    """The punctuation character Textual calls ``name`` ("question_mark", "slash"), if any."""
    if name in _SHORT_NAMES:
        return None  # Textual says "slash", never "solidus"
    long = _CHARACTER_NAMES.get(name, name)
    words = long.split("_")
    # A Unicode name joins its words with spaces or hyphens ("LESS-THAN SIGN"); try both.
    for joins in range(2 ** (len(words) - 1)):
        text = words[0]
        for n, word in enumerate(words[1:]):
            text += ("-" if joins >> n & 1 else " ") + word
        try:
            character = unicodedata.lookup(text)
        except KeyError:
            continue
        if character.isprintable() and not character.isalnum() and not character.isspace():
            return character
    return None


def key_problem(key: str) -> str | None:
    """What is wrong with one key as a binding's key (``"ctrl+f"``, ``"f3"``, ``"slash"``,
    ``"/"``, ``"ы"``), or None if Textual can bind it."""
    if len(key) == 1:
        return None if key.isprintable() and not key.isspace() else f"{key!r} is not a key"
    *modifiers, base = key.split("+")
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            return f"unknown modifier {modifier!r} in {key!r}: use {', '.join(MODIFIERS)}"
    if len(set(modifiers)) != len(modifiers):
        return f"a modifier given twice in {key!r}"
    if not base or base.isspace():
        return f"no key after the modifiers in {key!r}"
    if len(base) == 1 and base.isprintable():
        return None
    if base in NAMED_KEYS or _character_named(base) is not None:
        return None
    return f"unknown key {base!r} in {key!r}: use a character or a name like ctrl+f, f3, escape, slash"


def parse_keys(value: str) -> tuple[str, str | None]:
    """``value`` as a keymap entry: one key or a comma-separated list, returned with blanks
    removed, and what is wrong with it (None when nothing is)."""
    keys = [part.strip() for part in value.split(",")]
    if not any(keys):
        return "", "no key given"
    for key in keys:
        if not key:
            return value, f"an empty key in {value!r}"
        problem = key_problem(key)
        if problem is not None:
            return value, problem
    return ",".join(keys), None


def binding_id_problem(binding_id: str) -> str | None:
    """None if ``binding_id`` names a binding, else a line that says so (with the nearest id)."""
    if binding_id in BINDING_IDS:
        return None
    near = difflib.get_close_matches(binding_id, sorted(BINDING_IDS), n=1)
    hint = f": did you mean {near[0]!r}?" if near else ": see the list in README.md, Settings"
    return f"no binding has the id {binding_id!r}{hint}"
