"""Textual's own words that our screens show are all in the catalogue (widgets/textual_words.py):
a Textual upgrade that brings a new key description fails here, not in front of a person."""

from __future__ import annotations

from textual import containers, widgets
from textual.app import App
from textual.binding import Binding, BindingType
from textual.command import CommandInput, CommandList, CommandPalette
from textual.screen import ModalScreen, Screen

from crm_tui.widgets.textual_words import GROUPS, KEYS

USED = (
    App,
    Screen,
    ModalScreen,
    widgets.Input,
    widgets.Select,
    widgets.OptionList,
    widgets.DataTable,
    widgets.Button,
    widgets.ContentSwitcher,
    widgets.ProgressBar,
    widgets.Static,
    widgets.Header,
    containers.VerticalScroll,
    CommandPalette,
    CommandInput,
    CommandList,
)
"""The Textual classes our screens are made of (and the palette)."""


def as_binding(item: BindingType) -> Binding:
    return item if isinstance(item, Binding) else Binding(*item)


def textual_words() -> tuple[set[str], set[str]]:
    """The key descriptions and tooltips, and the keys panel's group titles, of ``USED``."""
    words: set[str] = set()
    groups: set[str] = set()
    for used in USED:
        for cls in used.__mro__:
            for item in vars(cls).get("BINDINGS", []):
                binding = as_binding(item)
                words |= {text for text in (binding.description, binding.tooltip) if text}
            title = vars(cls).get("BINDING_GROUP_TITLE")
            if title:
                groups.add(title)
    return words, groups


def test_every_key_description_of_textual_is_a_msgid_of_ours() -> None:
    words, groups = textual_words()
    assert words - set(KEYS) == set()
    assert groups - set(GROUPS) == set()
