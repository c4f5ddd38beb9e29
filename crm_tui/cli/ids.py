"""Record ids as the command line gives them: the one check every id argument and option runs
(``callback=record_id("deal")``) after Typer has read the integer.

An id beyond what a base holds (``99999999999999999999999``) names no record: it is refused as
that record's missing id (``errors.not_found``, exit 2), never looked up, for SQLite cannot bind
it (an ``OverflowError`` traceback, issue 21's review). What a person types in a text field (a
dialog's deal id) is read by the domain, with the same ``errors.holds_id``.
"""

from __future__ import annotations

from collections.abc import Callable

from crm_tui.domain.errors import holds_id, not_found


def record_id(kind: str) -> Callable[[int | None], int | None]:
    """A Typer callback that passes an id of record ``kind`` (a key of ``errors.not_found``) or
    None (an option not given), and refuses one no base could hold as not found."""

    def check(value: int | None) -> int | None:
        if value is not None and not holds_id(value):
            raise not_found(kind, value)
        return value

    return check
