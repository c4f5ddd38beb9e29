"""Russian text quotes names in «ёлочки»: a translation never puts ASCII quotes around a word
(nor ``{name!r}``, whose repr prints them), except what is typed literally as shown (a command's
argument, a line of a TOML or JSON file); a file's columns or sheets listed in an error are
quoted as the language quotes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from crm_tui import i18n
from crm_tui.domain.imports.errors import MappingError
from crm_tui.importers.files.mapping import suggest_mapping

PO = Path(__file__).resolve().parents[2] / "crm_tui" / "locale" / "ru" / "LC_MESSAGES" / "crm_tui.po"
QUOTED_WORD = re.compile(r"""(?<!\w)(["'])[^"'\n]*\w[^"'\n]*\1(?!\w)""")
LITERAL = {
    # what a person types as written: an option's argument, a TOML or JSON file's line
    "--map '{option}' is not HEADER=FIELD (for example --map \"Тел.=phone\")",
    'A JSON file: [{"day": 8, "subject": ..., "text": ..., "html": ...}].',
    'Column mapping, e.g. --map "Док.=document" (repeat).',
    'Column mapping, e.g. --map "Тел.=phone"; to a portrait field: --map "Штат=portrait.headcount" (repeat).',
    'TOML file: [columns] "Тел." = "phone".',
    'expected a key like "ctrl+f" or a list of keys, got {value!r}',
    'expected a table: [keymap] with lines like "clients.search" = "ctrl+f"',
    "product;quantity;unit;price;VAT, e.g. 'Монтаж;2;ч;3 500;20'; repeat to add several lines.",
    '{file}: expected a [columns] table of "header" = "field" lines',
    '{file}: no column for {missing} (the columns are {columns}); name them with --map "Header=field"',
}


def russian() -> list[tuple[str, str]]:
    """(msgid, translation) of every form of every message of the Russian catalogue."""
    with PO.open("rb") as file:
        catalog = read_po(file)
    found: list[tuple[str, str]] = []
    for message in catalog:
        if not message.id:
            continue
        msgid = str(message.id if isinstance(message.id, str) else message.id[0])
        forms = message.string if isinstance(message.string, tuple | list) else (message.string,)
        found += [(msgid, str(form)) for form in forms if form]
    return found


def test_no_russian_translation_quotes_a_word_in_ascii_quotes() -> None:
    wrong = [
        (msgid, text)
        for msgid, text in russian()
        if "!r}" in text or (QUOTED_WORD.search(text) and msgid not in LITERAL)
    ]
    assert wrong == []


def test_the_allowed_literals_are_still_in_the_catalogue() -> None:
    """An allowed msgid that left the code is dropped from the list (it would allow nothing)."""
    assert {msgid for msgid, _text in russian()} >= LITERAL


def test_a_files_columns_are_listed_in_the_languages_quotes() -> None:
    with pytest.raises(MappingError) as error:
        suggest_mapping(["Клиент", "Тел."], {"Факс": "phone"})
    assert str(error.value) == "no column 'Факс' in the file; the columns are 'Клиент', 'Тел.'"
    before = i18n.current_locale()
    i18n.set_locale("ru")
    try:
        assert str(error.value) == "в файле нет столбца «Факс»; столбцы: «Клиент», «Тел.»"
    finally:
        i18n.set_locale(before)
    assert error.value.message.as_json()["params"] == {"column": "Факс", "columns": ["Клиент", "Тел."]}
