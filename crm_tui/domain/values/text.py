"""Plain text and people's names from a cell or a field: trimmed, whitespace collapsed.

Cities, regions, positions, addresses and notes are kept as written apart from their spacing;
a person's name keeps the case it was typed in (Иванов and ИВАНОВ are for dedup to judge).
"""

from __future__ import annotations

from crm_tui.domain.values.cells import Normalised, cell_text, collapse_spaces


def normalise_text(value: object, *, multiline: bool = False) -> Normalised[str | None]:
    """Trimmed text with whitespace collapsed (kept line by line when ``multiline``)."""
    raw = cell_text(value)
    if not multiline and type(value) is str and value.isprintable() and "  " not in value:
        text = value.strip()  # the usual cell: nothing to collapse
        return Normalised(text or None, raw)
    if multiline:
        lines = (collapse_spaces(line) for line in raw.splitlines())
        text = "\n".join(line for line in lines if line)
    else:
        text = collapse_spaces(raw)
    return Normalised(text or None, raw)


def normalise_person_name(value: object) -> Normalised[str | None]:
    """A contact's or owner's name: trimmed, whitespace collapsed, case as typed."""
    return normalise_text(value)
