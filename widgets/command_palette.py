"""Textual's command palette in the language in force.

Its placeholder is a parameter; its "No matches found" line is not: the palette adds it to its
list of commands as a disabled option. ``CommandPalette`` here composes its list as a
``CommandList`` that words that line in the language in force (tests/app/test_russian.py opens
the palette in Russian and looks for it).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Self

from rich.align import Align
from rich.text import Text
from textual.app import ComposeResult
from textual.command import CommandList
from textual.command import CommandPalette as TextualPalette
from textual.visual import VisualType
from textual.widgets.option_list import Option

from crm_tui.i18n import _

NO_MATCHES = "--no-matches"
"""The id of the option Textual's palette adds when a search found nothing."""


class TranslatedCommandList(CommandList):
    """The palette's list, with its "no matches" line in the language in force."""

    def add_options(self, new_options: Iterable[Option | VisualType | None]) -> Self:
        shown = [
            Option(Align.center(Text(_("No matches found"), style="not bold")), disabled=True, id=NO_MATCHES)
            if isinstance(option, Option) and option.id == NO_MATCHES
            else option
            for option in new_options
        ]
        return super().add_options(shown)


class CommandPalette(TextualPalette):
    """Textual's palette with a translated list; the caller gives the translated placeholder."""

    def compose(self) -> ComposeResult:
        for widget in super().compose():
            yield TranslatedCommandList() if type(widget) is CommandList else widget
