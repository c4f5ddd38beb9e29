"""A dashboard tile's figures never break inside a sum (the reviewer read «7» and «828 738 ₽»
on two lines at 80x24: the digits' narrow no-break spaces were wrapped at)."""

from __future__ import annotations

from crm_tui.domain.values.formatting import money
from crm_tui.widgets.figure_tile import wrap_at_spaces


def test_a_caption_breaks_between_words_never_inside_a_sum() -> None:
    caption = f"{money(162_770_000)} из {money(610_000_000)}; в этом темпе {money(782_873_800)}"
    lines = wrap_at_spaces(caption, 16).split("\n")
    assert all(len(line) <= 16 for line in lines if " " in line), lines
    assert money(782_873_800) in lines[-1] and money(610_000_000) in "\n".join(lines)
    for amount in (money(162_770_000), money(610_000_000), money(782_873_800)):
        assert any(amount.removesuffix(" ₽") in line for line in lines), (amount, lines)


def test_before_the_tile_is_laid_out_the_text_stays_whole() -> None:
    assert wrap_at_spaces("1 000 ₽ из 2 000 ₽", 0) == "1 000 ₽ из 2 000 ₽"
