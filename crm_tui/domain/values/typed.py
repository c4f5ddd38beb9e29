"""A value a person typed into a dialog's field or a CLI option, read by the parser of its kind:
the same one that reads a file's cell.

A file's row is kept with a warning and the raw text beside it; a person is still at the
keyboard, so a field its parser cannot read whole is refused instead, with one line that names
the field before a colon (the dialog moves the cursor there) and the value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.cells import Normalised, shorten

T = TypeVar("T")


def read_typed(field: str, read: Callable[[str], Normalised[T]], text: str, what: str) -> T:
    """``read(text)``'s value (its "nothing" for a blank field), or ``InvalidInput``.

    Refused: what the parser could not read ("phone: '12-34' is not a valid phone number"),
    text that is not blank but holds nothing (``what`` names what was expected), and what it
    read only with a remark, a guess or a part left out ("date: '12/25/2026' is not clearly a
    date ('12/25/2026' read as month/day/year)").
    """
    found = read(text)
    empty = found.value is None or (isinstance(found.value, tuple) and not any(found.value))
    if found.warnings:
        reason = found.warnings[0]
        raise InvalidInput(
            f"{field}: {reason}" if empty else f"{field}: {shorten(text)} is not clearly {what} ({reason})"
        )
    if empty and text.strip():
        raise InvalidInput(f"{field}: {shorten(text)} is not {what}")
    return found.value
