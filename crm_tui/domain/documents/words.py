"""An amount in words, as a Russian invoice and contract write it under the total:
"Сто двадцать тысяч рублей 00 копеек" (the documents are Russian whatever the interface's language)."""

from __future__ import annotations


def _plural(count: int, one: str, few: str, many: str) -> str:
    """The Russian form for ``count``: 1 рубль, 2 рубля, 5 рублей (11-14 take "many")."""
    if count % 10 == 1 and count % 100 != 11:
        return one
    if 2 <= count % 10 <= 4 and not 12 <= count % 100 <= 14:
        return few
    return many


def amount_in_words(kopecks: int) -> str:
    """'Одна тысяча двести тридцать четыре рубля 56 копеек' for 123456 kopecks."""
    from num2words import num2words  # loaded when a document is made, not at `crm --help`

    rubles, kop = divmod(abs(kopecks), 100)
    words = str(num2words(rubles, lang="ru"))
    text = (
        f"{words} {_plural(rubles, 'рубль', 'рубля', 'рублей')} "
        f"{kop:02d} {_plural(kop, 'копейка', 'копейки', 'копеек')}"
    )
    if kopecks < 0:
        text = "минус " + text
    return text[:1].upper() + text[1:]
