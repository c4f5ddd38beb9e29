"""Finding the header under a title and walking the data rows below it."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from crm_tui.domain.values.cells import Cell
from crm_tui.importers.files.header import SkippedRows, find_header, is_totals_row, iter_data_rows


def numbered(rows: Sequence[Sequence[Cell]]) -> list[tuple[int, list[Cell]]]:
    return [(n, list(r)) for n, r in enumerate(rows, start=1)]


def test_the_header_is_found_below_a_title_and_a_blank_row() -> None:
    rows = numbered([
        ["Клиенты менеджера Петрова на 01.12.2026", "", ""],
        ["", "", ""],
        ["Наименование", "ИНН", "Телефон"],
        ["ООО Ромашка", 7707083893.0, 89151234567.0],
    ])  # fmt: skip
    header, rest = find_header(rows)
    assert header is not None
    assert (header.row_number, header.texts, header.recognised) == (3, ("Наименование", "ИНН", "Телефон"), 3)
    assert [n for n, _ in rest] == [4]


def test_a_title_that_names_a_field_does_not_win() -> None:
    rows = numbered([["Клиент: Петров"], ["Клиент", "Телефон", "E-mail"], ["Ромашка", "8915", "a@b.ru"]])
    header, _ = find_header(rows)
    assert header is not None and header.row_number == 2


def test_headers_are_labelled_uniquely() -> None:
    header, _ = find_header(numbered([["Телефон", "", "Телефон", "телефон", "Наименование", "", ""]]))
    assert header is not None
    assert header.texts == ("Телефон", "", "Телефон", "телефон", "Наименование")
    assert header.labels == ("Телефон", "Column B", "Телефон (2)", "телефон (3)", "Наименование")


def test_column_letters_count_from_the_sheet_column() -> None:
    header, _ = find_header(numbered([["Наименование", "", "ИНН"]]), first_column=2)
    assert header is not None and header.labels[1] == "Column D"


def test_without_a_known_header_the_first_text_row_is_taken() -> None:
    rows = numbered([["Отчёт"], [], ["Колонка 1", "Колонка 2"], ["a", 1]])
    header, rest = find_header(rows)
    assert header is not None
    assert (header.row_number, header.recognised) == (3, 0)
    assert [n for n, _ in rest] == [4]


def test_an_empty_sheet_has_no_header() -> None:
    assert find_header(numbered([[], ["", None]]))[0] is None


def test_only_the_first_rows_are_scanned_and_nothing_is_lost() -> None:
    rows = numbered([["строка", str(i)] for i in range(40)] + [["Наименование", "ИНН"]])
    header, rest = find_header(rows, scan_rows=30)
    assert header is not None and header.row_number == 1
    assert len(list(rest)) == 40


def test_data_rows_skip_blanks_totals_and_repeated_headers() -> None:
    rows = numbered([
        ["Наименование", "ИНН", "Сумма"],
        ["ООО Ромашка", "7707083893", 100],
        [None, "", "  "],
        ["Наименование", "ИНН", "Сумма"],
        ["Всего понемногу ООО", "7736050003", 5],
        ["Итого", None, 105],
        ["", "Итого по менеджеру:", 105],
    ])  # fmt: skip
    header, rest = find_header(rows)
    assert header is not None
    skipped = SkippedRows()
    data = list(iter_data_rows(rest, header, skipped))
    assert [row.number for row in data] == [2, 5]
    assert data[1].values[0] == "Всего понемногу ООО"
    assert (skipped.blank, skipped.totals, skipped.repeated_headers) == (1, [6, 7], [4])


@pytest.mark.parametrize(
    ("cells", "totals"),
    [
        (["Итого"], True),
        (["ИТОГО:"], True),
        (["  Итого по менеджеру Петрову"], True),
        (["Итого 15", None], True),
        (["Всего"], True),
        (["Всего клиентов"], True),
        (["Total"], True),
        (["Grand total"], False),  # "grand" starts many company names; not a totals word
        (["Total Fitness ООО"], False),
        (["Итог-Сервис"], False),
        (["Всего понемногу"], False),
        ([1, "Итого"], True),
        ([None, None, None, None, None, "Итого"], False),  # too far right to be a label
    ],
)
def test_totals_rows(cells: list[Cell], totals: bool) -> None:
    assert is_totals_row(cells) is totals


def test_a_sheet_of_blank_rows_is_not_buffered_whole() -> None:
    rows = numbered([[]] * 5000 + [["Наименование", "ИНН"], ["Ромашка", "7707083893"]])
    header, rest = find_header(rows, scan_rows=30)
    assert header is not None and header.row_number == 5001
    assert [n for n, _ in rest] == [5002]
