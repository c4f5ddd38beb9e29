"""``fold`` skips the steps a text does not need (issue 29's import folds five texts a row): it
must give exactly what folding every text step by step gave, which the base's stored keys hold."""

from __future__ import annotations

import random
import re

import pytest

from crm_tui.domain.values.folding import fold


def folded_step_by_step(text: str) -> str:
    """``fold`` as it was written before: every step on every text."""
    quotes = str.maketrans("", "", "«»\"'„“”‘’`")
    return re.sub(r"\s+", " ", text.casefold().replace("ё", "е").translate(quotes)).strip()


@pytest.mark.parametrize(
    "text",
    [
        "ООО «Ромашка»",
        "  ЁЛКА   и  ПАЛКИ ",
        "a\u00a0b",  # a no-break space between words
        "a\u2003\u2003b",
        "Straße İstanbul ΣΑΣ",
        "«» \"'„“”‘’`",
        "line\nbreak\ttab\x1cfile separator\x85next line",
        "a \u200bb",  # a zero-width space is no whitespace: kept
        "",
    ],
)
def test_fold_is_every_step_on_every_text(text: str) -> None:
    assert fold(text) == folded_step_by_step(text)


def test_fold_is_every_step_on_every_text_for_any_mix_of_spaces_and_quotes() -> None:
    whitespace = [c for c in map(chr, range(0x3100)) if c.isspace()]
    alphabet = [*"abАБВЁёßİΣς «»\"'„“”‘’`19\u200b\x00", *whitespace]
    chance = random.Random(29)
    for _ in range(30_000):
        text = "".join(chance.choice(alphabet) for _ in range(chance.randint(0, 8)))
        assert fold(text) == folded_step_by_step(text), repr(text)
