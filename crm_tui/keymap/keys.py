"""Key names as Textual knows them: one key of a binding checked (``key_problem``), a keymap's
entry read (``parse_keys``), a punctuation character by its name (``normal_key``)."""

from __future__ import annotations

import unicodedata

from crm_tui.i18n import N_, Message

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
