"""The search text is folded part by part (the name once for both keys, a city or a legal form
remembered): it must be exactly the fold of the whole text, as every earlier writer stored it."""

from __future__ import annotations

import random

import pytest

from crm_tui.domain.clients.search_keys import derived_keys
from crm_tui.domain.values.folding import fold


def whole_text_folded(
    name: str, legal_form: str | None, inn: str | None, city: str | None, phones: list[str], emails: list[str]
) -> tuple[str, str]:
    parts = [legal_form or "", name, inn or "", city or ""]
    parts.extend(p.lstrip("+") for p in phones)
    parts.extend(emails)
    return fold(name), fold(" ".join(p for p in parts if p))


@pytest.mark.parametrize(
    ("name", "legal_form", "inn", "city", "phones", "emails"),
    [
        ("«Ромашка»", "ООО", "7707083893", "Москва", ["+74951234567"], ["info@romashka.ru"]),
        ("  ЁЛКА   и  ПАЛКИ ", None, None, " Санкт-Петербург ", [], []),
        ("«»", "«ООО»", "", "\u00a0", ["+7 495"], [" A@B.RU "]),  # parts that fold to nothing
        ("Straße\tİstanbul", "'", "١٢٣", "Ёбург\n", ["+"], ["„x“"]),
    ],
)
def test_the_search_text_is_the_whole_text_folded(
    name: str, legal_form: str | None, inn: str | None, city: str | None, phones: list[str], emails: list[str]
) -> None:
    assert derived_keys(name, legal_form, inn, city, phones, emails) == whole_text_folded(
        name, legal_form, inn, city, phones, emails
    )


def test_the_search_text_is_the_whole_text_folded_for_any_mix_of_spaces_and_quotes() -> None:
    alphabet = [*"abАБВЁёß «»\"'\t\n\u00a0\u2003„“”‘’`19+İΣ", ""]
    chance = random.Random(29)

    def text() -> str:
        return "".join(chance.choice(alphabet) for _ in range(chance.randint(0, 6)))

    for _ in range(20_000):
        given = (
            text(),
            chance.choice([None, text()]),
            chance.choice([None, text(), "7707083893"]),
            chance.choice([None, text()]),
            [text() for _ in range(chance.randint(0, 2))],
            [text() for _ in range(chance.randint(0, 2))],
        )
        assert derived_keys(*given) == whole_text_folded(*given), given
