"""Plain text and people's names from a cell or a field: trimmed, whitespace collapsed; and the
one way text from outside is shown: inert.

Cities, regions, positions, addresses and notes are kept as written apart from their spacing;
a person's name keeps the case it was typed in (Иванов and ИВАНОВ are for dedup to judge).

Every value that came from outside (a name, a comment, a message, a file name, a header) is
shown as the characters it holds, never as instructions: ``inert`` for a line of plain text,
``literal`` for a Rich ``Text`` (a table cell, a widget's content), which Rich and Textual show
as it is, where a string would be read as console markup (``[bold red]``, ``[link=...]``, and
``[/]`` alone raises ``MarkupError``). Both drop control characters
(``crm_tui.domain.values.cells.drop_controls``): the value parsers dropped them at the way in,
and whatever reached the base before, or by another road, loses them at the way out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crm_tui.domain.values.cells import Normalised, cell_text, collapse_spaces, drop_controls

if TYPE_CHECKING:
    from rich.console import JustifyMethod, OverflowMethod
    from rich.style import Style
    from rich.text import Text


def normalise_text(value: object, *, multiline: bool = False) -> Normalised[str | None]:
    """Trimmed text with whitespace collapsed (kept line by line when ``multiline``); control
    characters dropped."""
    raw = cell_text(value)
    if not multiline and type(value) is str and value.isprintable() and "  " not in value:
        text = value.strip()  # the usual cell: nothing to collapse
        return Normalised(text or None, raw)
    if multiline:
        lines = (collapse_spaces(line) for line in drop_controls(raw, multiline=True).split("\n"))
        text = "\n".join(line for line in lines if line)
    else:
        text = collapse_spaces(raw)
    return Normalised(text or None, raw)


def normalise_person_name(value: object) -> Normalised[str | None]:
    """A contact's or owner's name: trimmed, whitespace collapsed, case as typed."""
    return normalise_text(value)


def inert(value: object, *, multiline: bool = False) -> str:
    """``value`` as plain text that shows what it holds: no control characters (so no escape
    sequences, no links, no bidi reordering), tabs and line breaks as spaces unless
    ``multiline``. ``None`` is ``""``. Markup is left as typed: print the result as plain text,
    or through ``literal`` wherever markup would be read."""
    return drop_controls(cell_text(value), multiline=multiline)


def literal(
    value: object,
    *,
    style: str | Style = "",
    multiline: bool = False,
    justify: JustifyMethod | None = None,
    overflow: OverflowMethod | None = None,
    no_wrap: bool | None = None,
    end: str = "\n",
) -> Text:
    """``inert(value)`` as a Rich ``Text``, which is never read as markup: what a table cell, a
    label, a title or a notification shows of a value from outside."""
    from rich.text import Text  # here: the import's parsing processes never show anything

    return Text(
        inert(value, multiline=multiline),
        style=style,
        justify=justify,
        overflow=overflow,
        no_wrap=no_wrap,
        end=end,
    )
