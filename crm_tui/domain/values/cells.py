"""What a spreadsheet cell can hold, and the result every normaliser returns.

Cells arrive from calamine (str, float, int, bool, date, datetime, time, timedelta, "" for
empty) or from CSV (str). Normalisers accept *any* object, because a hostile or merely odd file
must never crash an import: they return a ``Normalised`` with the value (or ``None``), the raw
text as the manager typed it (kept beside the normalised value, see DESIGN.md "Nothing lost")
and warnings (``crm_tui.i18n.Message``: a code and the text it names, worded when shown, so a
file parsed in a second process reads in the language of whoever shows the warning).
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta
from typing import Generic, NamedTuple, TypeAlias, TypeVar

from crm_tui.i18n import N_, Message

Cell: TypeAlias = str | int | float | bool | date | datetime | time | timedelta | None
"""One cell value as the readers yield it (``None`` or ``""`` for an empty cell)."""

T_co = TypeVar("T_co", covariant=True)  # a Normalised[str] is a Normalised[object]: it is immutable

# Integers above this are not exact in a float: a "number" that long is no longer digits.
_EXACT_FLOAT_LIMIT = 2**53


class Normalised(NamedTuple, Generic[T_co]):
    """A normalised value, the raw text it came from and what was wrong with it.

    A named tuple rather than a dataclass: one is made per cell, 1.2 million for a big file.
    """

    value: T_co
    raw: str
    warnings: tuple[Message, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.warnings


def cell_text(value: object) -> str:
    """The text a person would read in the cell; never raises.

    Whole floats lose their ".0" (Excel stores 89151234567 as 89151234567.0), so the raw text
    of a number cell looks like what the manager typed.
    """
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isfinite(value) and value.is_integer() and abs(value) < _EXACT_FLOAT_LIMIT:
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    try:
        return str(value)
    except Exception:  # an object whose __str__ fails must not stop an import
        return f"<{type(value).__name__}>"


def is_blank(value: object) -> bool:
    """``None``, ``""`` and whitespace-only text are empty cells."""
    return value is None or (isinstance(value, str) and not value.strip())


_LINE_BREAKS = "\n\r\x0b\x0c\x85\u2028\u2029"
"""What ends a line: newline, carriage return, vertical tab, form feed, NEL and the Unicode line
and paragraph separators."""
_BIDI_CONTROLS = (0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A))
"""The marks, embeddings, overrides and isolates that make text read in another order than it is
stored ("Trojan Source"): a name is shown in the order it was typed."""
_UNSTORABLE: dict[int, str | None] = {0: None, **{code: "\ufffd" for code in range(0xD800, 0xE000)}}
"""What no database can hold: NUL goes, a lone surrogate (which no UTF-8 encoder writes) becomes
U+FFFD. ``storable_text`` applies it alone; ``drop_controls`` with the rest."""
_DROPPED: dict[int, str | None] = {
    **{code: None for code in (*range(0x20), 0x7F, *range(0x80, 0xA0), *_BIDI_CONTROLS)},
    **_UNSTORABLE,
}
_ONE_LINE = {**_DROPPED, **{ord(c): " " for c in "\t" + _LINE_BREAKS}}
_LINES = {**_DROPPED, ord("\t"): "\t", **{ord(c): "\n" for c in _LINE_BREAKS}}


def drop_controls(text: str, *, multiline: bool = False) -> str:
    """``text`` with nothing a terminal or a bidi algorithm would act on rather than show.

    C0 controls, DEL and C1 controls go (ESC and CSI start the sequences that move the cursor,
    clear the screen, colour text or make OSC 8 links: without them the rest is plain text), as
    do the bidi controls; a lone surrogate becomes U+FFFD (what no database can hold is
    ``storable_text``'s rule, applied here too). Tabs and line breaks become spaces on
    one line; a ``multiline`` text keeps its tabs and has its line breaks as newlines. The one
    rule for text from outside, at the way in (``collapse_spaces``, so every value parser) and
    at the way out (``crm_tui.domain.values.text.inert``).
    """
    if text.isprintable():
        return text  # the usual value: nothing to drop
    if multiline:
        return text.replace("\r\n", "\n").translate(_LINES)
    return text.translate(_ONE_LINE)


UNSTORABLE = Message(
    "text.unstorable",
    N_("characters no database can hold (NUL bytes or broken Unicode) were removed or replaced with �"),
)
"""The warning of a value that ``storable_text`` had to change."""


def storable_text(text: str) -> Normalised[str]:
    """``text`` as both databases can store it, with ``UNSTORABLE`` as its warning if it had to
    change: NUL characters removed (PostgreSQL refuses them, SQLite cuts text at them in some
    tools) and lone surrogates (what Python makes of bytes that are not UTF-8, in file names and
    command-line arguments; no UTF-8 encoder writes them) replaced with U+FFFD.

    The one rule for every value at the way in (file cells, file names, dialogs, the command
    line), so that SQLite and PostgreSQL hold the same text and neither raises.
    """
    if text.isprintable() or ("\0" not in text and text.isascii()):
        return Normalised(text, text)  # the usual value; surrogates and NUL are not printable
    cleaned = text.translate(_UNSTORABLE)
    if cleaned == text:
        return Normalised(text, text)
    return Normalised(cleaned, text, (UNSTORABLE,))


class UnreadFormula(str):
    """A formula cell saved without its value (a file written by a program, not by Excel, or
    never recalculated): the reader cannot know what it shows. It reads as an empty cell, and
    the row it is in is refused with that reason (``storable_cells`` finds it): a name column's
    ``=HYPERLINK(...)`` must not silently become a client named by its phone."""

    __slots__ = ()


def storable_cells(values: list[Cell]) -> tuple[list[Cell] | None, tuple[int, ...]]:
    """The cells of a row with every text through ``storable_text`` (``None`` if none changed:
    the usual row), and the places of its ``UnreadFormula`` cells; one pass."""
    changed: list[Cell] | None = None
    formulas: tuple[int, ...] = ()
    for index, value in enumerate(values):
        if type(value) is str:
            if value.isprintable():
                continue
            cleaned = storable_text(value).value
            if cleaned != value:
                if changed is None:
                    changed = list(values)
                changed[index] = cleaned
        elif type(value) is UnreadFormula:
            formulas += (index,)
    return changed, formulas


def collapse_spaces(text: str) -> str:
    """Runs of whitespace (including newlines and no-break spaces) as one space, trimmed; control
    characters dropped (``drop_controls``)."""
    return " ".join(drop_controls(text).split())


def whole_number_digits(value: object) -> str | None:
    """Digits of a non-negative whole number cell (int or integral float), else ``None``.

    Numbers typed into Excel come back as floats; a float is only trusted while it is exact.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value) if value >= 0 else None
    if (
        isinstance(value, float)
        and math.isfinite(value)
        and value.is_integer()
        and 0 <= value < _EXACT_FLOAT_LIMIT
    ):
        return str(int(value))
    return None


def shorten(text: str, limit: int = 40) -> str:
    """A cell's text cut for a warning message (which quotes it as its language does)."""
    text = collapse_spaces(text)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
