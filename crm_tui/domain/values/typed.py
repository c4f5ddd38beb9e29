"""A value a person typed into a dialog's field or a CLI option, read by the parser of its kind:
the same one that reads a file's cell.

A file's row is kept with a warning and the raw text beside it; a person is still at the
keyboard, so a field its parser cannot read whole is refused instead, with one line that names
the field before a colon and the value; the error's ``field`` is the field's key, which the
dialog moves the cursor to.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.cells import Normalised, shorten
from crm_tui.i18n import N_, Phrase

T = TypeVar("T")


def read_typed(
    field: str, read: Callable[[str], Normalised[T]], text: str, what: str, *, label: str | None = None
) -> T:
    """``read(text)``'s value (its "nothing" for a blank field), or ``InvalidInput``.

    Refused: what the parser could not read ("phone: '12-34' is not a valid phone number"),
    text that is not blank but holds nothing (``what``, a msgid, names what was expected), and
    what it read only with a remark, a guess or a part left out ("date: '12/25/2026' is not
    clearly a date ('12/25/2026' read as month/day/year)"). The line starts with ``label`` (a
    msgid: "inn" reads "ИНН" in Russian), or else with ``field`` as it is (an option's name, a
    portrait field's own label); the error's code is the parser's warning's, or
    ``value.invalid``.
    """
    found = read(text)
    empty = found.value is None or (isinstance(found.value, tuple) and not any(found.value))
    shown = Phrase(label) if label is not None else field
    if found.warnings:
        reason = found.warnings[0]
        if empty:
            raise InvalidInput(reason.code, N_("{label}: {reason}"), field=field, label=shown, reason=reason)
        raise InvalidInput(
            reason.code,
            N_("{label}: '{text}' is not clearly {what} ({reason})"),
            field=field,
            label=shown,
            text=shorten(text),
            what=Phrase(what),
            reason=reason,
        )
    if empty and text.strip():
        raise InvalidInput(
            "value.invalid",
            N_("{label}: '{text}' is not {what}"),
            field=field,
            label=shown,
            text=shorten(text),
            what=Phrase(what),
        )
    return found.value
