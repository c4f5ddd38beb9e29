"""Recognising a column by its header: a field's synonyms, matched after folding.

An exact synonym scores 100, a header that contains a synonym plus a word or two
("Контактный телефон", "Телефон 2") a little less, a typo is caught by rapidfuzz's ratio.
Client files and order files each have their own vocabulary.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from functools import lru_cache

from rapidfuzz import fuzz, process

from crm_tui.domain.values.folding import fold

_NON_WORD = re.compile(r"[\W_]+")


def fold_header(text: str) -> str:
    """ "E-mail", "Эл. почта", "ТЕЛ." -> "e mail", "эл почта", "тел"."""
    return _NON_WORD.sub(" ", fold(text)).strip()


class Vocabulary:
    def __init__(self, synonyms: Mapping[str, tuple[str, ...]]) -> None:
        self.fields = tuple(synonyms)
        self._exact = {fold_header(s): field for field, words in synonyms.items() for s in words}
        self._keys = list(self._exact)
        self._token_sets = [(frozenset(key.split()), field) for key, field in self._exact.items()]
        self.match: Callable[[str], tuple[str | None, int]] = lru_cache(maxsize=4096)(self._match)

    def _match(self, header: str) -> tuple[str | None, int]:
        """``(field, confidence 0..100)`` for one header; ``(None, 0)`` when nothing is close."""
        key = fold_header(header)
        if not key:
            return None, 0
        if key in self._exact:
            return self._exact[key], 100
        best_field: str | None = None
        best_score = 0
        found = process.extractOne(key, self._keys, scorer=fuzz.ratio)
        if found is not None:
            best_field, best_score = self._exact[found[0]], int(found[1])
        tokens = set(key.split())
        extra_words = {t for t in tokens if not t.isdigit()}  # "Телефон 2" is still a phone
        for synonym, field in self._token_sets:
            if synonym <= tokens:
                score = max(0, 95 - 7 * len(extra_words - synonym))
                if score > best_score:
                    best_field, best_score = field, score
        return (best_field, best_score) if best_field else (None, 0)
