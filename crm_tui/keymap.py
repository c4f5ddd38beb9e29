"""The keys a person may rebind: every binding's id and key, and the key names Textual knows.

The settings file's ``[keymap]`` table maps a binding id (``"clients.search" = "ctrl+f"``) to
one key or a comma-separated list; the app hands it to Textual's ``App.set_keymap``. A wrong
entry must be refused where the file is read, and ``crm config show`` reads it without Textual
(headless commands never import it), so the bindings are listed here rather than collected from
the screens; a test checks this list against every binding of the app, its screens, dialogs and
widgets (ids unique, keys the same). An id's prefix is the screen, dialog or widget whose keys
it is among: a key the keymap gives one of them must not be another's there, as Textual would
quietly take it from the other.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Mapping

from crm_tui.i18n import N_, Message

DEFAULT_KEYS: dict[str, str] = {
    # the app, on every screen
    "app.desk": "d",
    "app.clients": "c",
    "app.import": "i",
    "app.duplicates": "D",
    "app.segments": "S",
    "app.funnel": "F",
    "app.week": "W",
    "app.inbox": "I",
    "app.dashboard": "K",
    "app.campaigns": "L",
    "app.inbound": "H",
    "app.new_deal": "N",
    "app.new_task": "T",
    "app.password": "P",
    "app.palette": "ctrl+p",
    "app.quit": "q",
    # every list (the record table)
    "table.open": "enter",
    "table.up": "up,k",
    "table.down": "down,j",
    "table.first": "home",
    "table.last": "end",
    # screens
    "first_run.check": "r",
    "desk.complete": "x",
    "desk.snooze": "s",
    "desk.refresh": "r",
    "desk.reassign": "A",
    "desk.reschedule": "M",
    "desk.cancel_task": "X",
    "clients.search": "slash",
    "clients.new": "a",
    "clients.owner": "o",
    "clients.status": "t",
    "clients.segment": "g",
    "clients.owns": "b",
    "clients.fields": "comma",
    "clients.next_page": "n",
    "clients.next_page_key": "pagedown",
    "clients.prev_page": "p",
    "clients.prev_page_key": "pageup",
    "clients.take": "ctrl+t",
    "clients.back": "escape",
    "fields.add": "a",
    "fields.required": "r",
    "fields.retire": "x",
    "fields.contacts": "c",
    "fields.back": "escape",
    "card.log_call": "l",
    "card.add_note": "o",
    "card.segment": "g",
    "card.hand_over": "h",
    "card.undo_handover": "U",
    "card.requisites": "u",
    "card.installed": "b",
    "card.add_contact": "a",
    "card.edit_contact": "t",
    "card.contact_moved": "m",
    "card.portrait": "e",
    "card.new_deal": "N",
    "card.new_task": "T",
    "card.take": "ctrl+t",
    "card.reassign_task": "A",
    "card.reschedule_task": "M",
    "card.cancel_task": "X",
    "card.walk": "w",
    "card.timeline_older": "n",
    "card.timeline_newer": "p",
    "card.refresh": "r",
    **{f"card.section_{n}": str(n) for n in range(1, 10)},
    "card.back": "escape",
    "deal.next_stage": "right_square_bracket",
    "deal.prev_stage": "left_square_bracket",
    "deal.lost": "x",
    "deal.client": "c",
    "deal.edit": "e",
    "deal.add_line": "a",
    "deal.remove_line": "delete",
    "deal.new_task": "T",
    "deal.requisites": "u",
    "deal.contract": "k",
    "deal.invoice": "b",
    "deal.save_document": "s",
    "deal.paid": "p",
    "deal.back": "escape",
    "funnel.next_stage": "right_square_bracket",
    "funnel.prev_stage": "left_square_bracket",
    "funnel.lost": "x",
    "funnel.left": "left,h",
    "funnel.right": "right,l",
    "funnel.more": "m",
    "funnel.new_deal": "n",
    "funnel.filter": "f",
    "funnel.region": "g",
    "funnel.pipeline": "p",
    "funnel.period": "t",
    "funnel.report": "v",
    "funnel.export": "e",
    "funnel.export_csv": "E",
    "funnel.settings": "comma",
    "funnel.back": "escape",
    "funnel_settings.probability": "p",
    "funnel_settings.stuck": "s",
    "funnel_settings.rename": "n",
    "funnel_settings.back": "escape",
    "segments.warm": "1",
    "segments.loyal": "2",
    "segments.lost": "3",
    "segments.moves": "m",
    "segments.sort": "s",
    "segments.next_page": "n",
    "segments.prev_page": "p",
    "segments.select": "space",
    "segments.select_page": "asterisk",
    "segments.assign": "a",
    "segments.undo_handover": "u",
    "segments.calls": "c",
    "segments.recompute": "r",
    "segments.import_orders": "i",
    "segments.back": "escape",
    "dedup.merge": "m",
    "dedup.swap": "x",
    "dedup.take": "t",
    "dedup.field_up": "up",
    "dedup.field_down": "down",
    "dedup.not_duplicate": "n",
    "dedup.next": "l,right_square_bracket",
    "dedup.previous": "h,left_square_bracket",
    "dedup.undo": "u",
    "dedup.rescan": "r",
    "dedup.lower": "less_than_sign",
    "dedup.raise": "greater_than_sign",
    "dedup.back": "escape",
    "import.change_field": "e",
    "import.change_field_enter": "enter",
    "import.preview": "n",
    "import.run": "r",
    "import.undo": "u",
    "import.orders": "ctrl+o",
    "import.back": "escape",
    "import.close": "escape",
    "orders.run": "r",
    "orders.undo": "u",
    "orders.close": "escape",
    "inbox.take": "t",
    "inbox.answer": "l",
    "inbox.assign": "a",
    "inbox.convert": "v",
    "inbox.link": "e",
    "inbox.junk": "x",
    "inbox.view": "m",
    "inbox.refresh": "r",
    "inbox.back": "escape",
    "inbox.report": "R",
    "inbox.next_page": "n",
    "inbox.prev_page": "p",
    "campaigns.enrol": "e",
    "campaigns.pause": "p",
    "campaigns.uncertain": "u",
    "campaigns.new": "a",
    "campaigns.edit": "E",
    "editor.save": "ctrl+s",
    "editor.settings": "ctrl+g",
    "editor.add_step": "ctrl+n",
    "editor.remove_step": "ctrl+r",
    "editor.step_up": "alt+up",
    "editor.step_down": "alt+down",
    "editor.preview": "f5",
    "editor.recipient": "ctrl+f",
    "editor.test": "ctrl+t",
    "editor.back": "escape",
    "campaigns.back": "escape",
    "inbound.add_source": "a",
    "inbound.add_mailbox": "m",
    "inbound.read": "r",
    "inbound.switch": "o",
    "inbound.remove": "x",
    "inbound.back": "escape",
    "uncertain.resend": "r",
    "uncertain.drop": "x",
    "uncertain.back": "escape",
    "campaign.number": "n",
    "campaign.preview": "v",
    "campaign.back": "escape",
    "lead_report.group": "g",
    "lead_report.export": "e",
    "lead_report.export_csv": "E",
    "lead_report.back": "escape",
    "lead.take": "t",
    "lead.answer": "l",
    "lead.assign": "a",
    "lead.convert": "v",
    "lead.link": "e",
    "lead.junk": "x",
    "lead.back": "escape",
    # dialogs
    "choice.cancel": "escape",
    "form.save": "ctrl+s",
    "form.cancel": "escape",
    "form.next_field": "tab",
    "form.previous_field": "shift+tab",
    "form.next": "enter",
    "client_pick.up": "up",
    "client_pick.down": "down",
    "week.prev": "left,h",
    "week.next": "right,l",
    "week.this_week": "home",
    "week.manager": "m",
    "week.client": "c",
    "week.reassign": "A",
    "week.reschedule": "M",
    "week.cancel_task": "X",
    "week.back": "escape",
    "dashboard.drill": "enter",
    "dashboard.manager": "m",
    "dashboard.refresh": "r",
    "dashboard.export": "e",
    "dashboard.export_csv": "E",
    "dashboard.back": "escape",
    "drill.export": "e",
    "drill.export_csv": "E",
    "drill.back": "escape",
    "snooze.pick_1": "1",
    "snooze.pick_2": "2",
    "snooze.pick_3": "3",
    "snooze.pick_4": "4",
    "segment_picker.cancel": "escape",
    "assign.cancel": "escape",
    "field_picker.cancel": "escape",
    "undo_confirm.yes": "y",
    "handover_confirm.yes": "y",
    "handover_confirm.no": "n",
    "inbound_remove.yes": "y",
    "inbound_remove.no": "n",
    "secret.close": "escape,enter",
    "undo_confirm.no": "n,escape",
}
"""Every binding's id and its default key(s), as its ``Binding`` says (Textual's key names)."""
BINDING_IDS = frozenset(DEFAULT_KEYS)

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


def normal_key(key: str) -> str:
    """``key`` as Textual names it in a keymap: a punctuation character by its name ("/" is
    "slash"), anything else as it is."""
    if len(key) != 1 or key.isalnum():
        return key
    try:
        name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
    except ValueError:
        return key
    return _SHORT_NAMES.get(name, name)


def key_problem(key: str) -> Message | None:
    """What is wrong with one key as a binding's key (``"ctrl+f"``, ``"f3"``, ``"slash"``,
    ``"/"``, ``"ы"``), or None if Textual can bind it."""
    if len(key) == 1:
        if key.isprintable() and not key.isspace():
            return None
        return Message("keymap.not_a_key", N_("{key!r} is not a key"), key=key)
    *modifiers, base = key.split("+")
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            return Message(
                "keymap.modifier_unknown",
                N_("unknown modifier {modifier!r} in {key!r}: use {modifiers}"),
                modifier=modifier,
                key=key,
                modifiers=", ".join(MODIFIERS),
            )
    if len(set(modifiers)) != len(modifiers):
        return Message("keymap.modifier_twice", N_("a modifier given twice in {key!r}"), key=key)
    if not base or base.isspace():
        return Message("keymap.no_key", N_("no key after the modifiers in {key!r}"), key=key)
    if len(base) == 1 and base.isprintable():
        if base.isalnum() or key == "ctrl+@":  # the one sign Textual's own key names keep
            return None
        named = "+".join([*modifiers, normal_key(base)])
        return Message(
            "keymap.sign_by_name",
            N_("write {named!r} instead of {key!r}: after a modifier a sign goes by its name"),
            named=named,
            key=key,
        )
    if base in NAMED_KEYS or _character_named(base) is not None:
        return None
    return Message(
        "keymap.key_unknown",
        N_("unknown key {base!r} in {key!r}: use a character or a name like ctrl+f, f3, escape, slash"),
        base=base,
        key=key,
    )


def parse_keys(value: str) -> tuple[str, Message | None]:
    """``value`` as a keymap entry: one key or a comma-separated list, returned with blanks
    removed, and what is wrong with it (None when nothing is)."""
    keys = [part.strip() for part in value.split(",")]
    if not any(keys):
        if "," in value:
            return "", Message("keymap.comma", N_("a comma separates keys: write comma for the , key"))
        return "", Message("keymap.no_key_given", N_("no key given"))
    for key in keys:
        if not key:
            return value, Message("keymap.empty_key", N_("an empty key in {value!r}"), value=value)
        problem = key_problem(key)
        if problem is not None:
            return value, problem
    return ",".join(keys), None


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
