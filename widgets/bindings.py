"""Bindings whose keys come from the keymap's table, so a key is written in one place.

``crm_tui.keymap.DEFAULT_KEYS`` holds every binding's id and default key (headless commands read
it to check a settings file without Textual); a screen names the id and gets a ``Binding`` with
that key, and, for a letter, the letter on the same key of the Russian layout too (``с`` for
``c``: a person with ЙЦУКЕН on presses the same key; ``crm_tui.keymap.layout_twins``). The
person's own keys replace it later, through ``App.set_keymap``, with their twins.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import ActiveBinding, Binding

from crm_tui.i18n import _, current_locale, pgettext
from crm_tui.keymap import DEFAULT_KEYS, layout_twins

_contexts: dict[str, str] = {}
"""The context of a binding's description, by binding id, for the bindings that have one."""


def bind(
    binding_id: str, action: str, description: str = "", *, context: str | None = None, **options: Any
) -> Binding:
    """The ``Binding`` of ``binding_id``, on its default key(s), running ``action``;
    ``description`` is the English msgid (``N_``), translated where it is shown.

    ``context``: the one English word has another Russian form on this screen ("Whose" is
    «Чья» of the week, «Чей» elsewhere); the description is marked ``NC_(context, msgid)`` for
    the catalogue and translated with ``pgettext``. It is kept by the binding's id, which the
    person's keymap keeps too (a ``Binding`` has no field for it)."""
    if context is not None:
        _contexts[binding_id] = context
    return Binding(layout_twins(DEFAULT_KEYS[binding_id]), action, description, id=binding_id, **options)


def described(binding: Binding) -> str:
    """``binding``'s description in the language in force, in its context if it has one."""
    context = _contexts.get(binding.id or "")
    return _(binding.description) if context is None else pgettext(context, binding.description)


_translated: dict[tuple[Binding, str], Binding] = {}


def translated(active: dict[str, ActiveBinding]) -> dict[str, ActiveBinding]:
    """``active`` with each binding's description and tooltip in the language in force.

    A ``Binding`` is made when its class is (at import), so it holds the English msgid; the
    footer, the keys panel and the palette read a screen's ``active_bindings``, which the app's
    screens pass through here. The title the keys panel puts over a widget's keys (Textual's
    ``Input`` has one) is the widget's class attribute, an English msgid: each widget gets its own
    translated copy here.
    """
    language = current_locale()
    shown: dict[str, ActiveBinding] = {}
    for key, item in active.items():
        binding = item.binding
        done = _translated.get((binding, language))
        if done is None:
            done = replace(binding, description=described(binding), tooltip=_(binding.tooltip))
            _translated[(binding, language)] = done
        shown[key] = item._replace(binding=done, tooltip=_(item.tooltip))
        group = type(item.node).BINDING_GROUP_TITLE
        if group:  # the keys panel heads a widget's keys with it ("Input"), read off the widget
            item.node.BINDING_GROUP_TITLE = _(group)
    return shown
