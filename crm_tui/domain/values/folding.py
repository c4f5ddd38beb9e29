"""Text keys for ordering and searching that behave the same for Cyrillic everywhere.

SQLite's ``LIKE`` and ``lower()`` fold ASCII only, so "ромашка" would not find "РОМАШКА".
Instead the folded text is stored beside the original and the query is folded the same way.
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"\s+")
_QUOTES = str.maketrans("", "", "«»\"'„“”‘’`")


def fold(text: str) -> str:
    """Case-folded, ё as е, quotes dropped, whitespace collapsed: «Ромашка» sorts and matches as ромашка."""
    return _SPACES.sub(" ", text.casefold().replace("ё", "е").translate(_QUOTES)).strip()
