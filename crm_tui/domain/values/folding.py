"""Text keys for ordering and searching that behave the same for Cyrillic everywhere.

SQLite's ``LIKE`` and ``lower()`` fold ASCII only, so "ромашка" would not find "РОМАШКА".
Instead the folded text is stored beside the original and the query is folded the same way.
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
_QUOTES = re.compile("[«»\"'„“”‘’`]")


def fold(text: str) -> str:
    """Case-folded, ё as е, quotes dropped, whitespace collapsed: «Ромашка» sorts and matches as ромашка.

    An import folds every name, contact and city of a file (five times a row), so the steps cost
    what the text needs: quotes go by one pattern (``str.translate`` looks every character up in
    a table: twice the time on Cyrillic), and whitespace is collapsed only where there is some
    to collapse: every whitespace character but the plain space is unprintable, so a printable
    text without two spaces in a row has nothing for the pattern to change.
    """
    folded = _QUOTES.sub("", text.casefold().replace("ё", "е"))
    if "  " in folded or not folded.isprintable():
        folded = _SPACES.sub(" ", folded)
    return folded.strip()
