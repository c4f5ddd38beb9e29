"""Textual's own words that a person reads, as msgids of our catalogue.

Textual speaks English: its widgets' key descriptions (the keys panel lists them), its system
commands in the command palette (Theme, Quit, Keys, ...), the palette's placeholder and "no
matches" line. They are listed here so the catalogue has them, and translated where we show them:
key descriptions by ``widgets.bindings.translated``, the rest by the app (``crm_tui.app``).
tests/unit/test_textual_words.py fails when a Textual upgrade brings a word that is not here.
"""

from __future__ import annotations

from crm_tui.i18n import N_

SYSTEM_COMMANDS = (
    N_("Theme"),
    N_("Change the current theme"),
    N_("Quit"),
    N_("Quit the application as soon as possible"),
    N_("Keys"),
    N_("Hide the keys and widget help panel"),
    N_("Show help for the focused widget and a summary of available keys"),
    N_("Minimize"),
    N_("Minimize the widget and restore to normal size"),
    N_("Maximize"),
    N_("Maximize the focused widget"),
    N_("Screenshot"),
    N_("Save an SVG 'screenshot' of the current screen"),
)
"""Titles and help of ``App.get_system_commands``."""

PALETTE = (
    N_("Search for commands…"),
    N_("Search for themes…"),
    N_("No matches found"),
    N_("Open the command palette"),
)
"""The command palette's placeholders and its empty result; the header icon's tooltip."""

KEYS = (
    N_("Bottom"),
    N_("Copy selected text"),
    N_("Cursor down"),
    N_("Cursor left"),
    N_("Cursor right"),
    N_("Cursor up"),
    N_("Cut selected text"),
    N_("Delete all to the left"),
    N_("Delete all to the right"),
    N_("Delete character left"),
    N_("Delete character right"),
    N_("Delete left to start of word"),
    N_("Delete right to start of word"),
    N_("Dismiss menu"),
    N_("Down"),
    N_("End"),
    N_("Exit the command palette"),
    N_("First"),
    N_("Focus Next"),
    N_("Focus Previous"),
    N_("Go to bottom"),
    N_("Go to end"),
    N_("Go to start"),
    N_("Go to top"),
    N_("Home"),
    N_("Last"),
    N_("Move cursor left"),
    N_("Move cursor left a word"),
    N_("Move cursor left a word and select"),
    N_("Move cursor left and select"),
    N_("Move cursor right a word"),
    N_("Move cursor right a word and select"),
    N_("Move cursor right and select"),
    N_("Move cursor right or accept the completion suggestion"),
    N_("Next command"),
    N_("Next page"),
    N_("Page Down"),
    N_("Page Left"),
    N_("Page Right"),
    N_("Page Up"),
    N_("Page down"),
    N_("Page up"),
    N_("Paste text from the clipboard"),
    N_("Press button"),
    N_("Previous command"),
    N_("Previous page"),
    N_("Quit"),
    N_("Quit the app and return to the command prompt."),
    N_("Scroll Down"),
    N_("Scroll End"),
    N_("Scroll Home"),
    N_("Scroll Left"),
    N_("Scroll Right"),
    N_("Scroll Up"),
    N_("Select"),
    N_("Select all"),
    N_("Select line end"),
    N_("Select line start"),
    N_("Show menu"),
    N_("Submit"),
    N_("Top"),
    N_("Up"),
)
"""The descriptions of the keys of Textual's widgets, screens and app that our screens use."""

GROUPS = (N_("Input"),)
"""Titles the keys panel puts over a widget's keys (``BINDING_GROUP_TITLE``)."""
