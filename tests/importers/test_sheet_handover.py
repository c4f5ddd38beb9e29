"""A sheet read ``soon``: its first rows come before the whole sheet is read, and the rows are
the same as calamine's wherever the stream hands over to it.

The parsing process of a big import reads this way: the importing process has nothing to load
until the first rows come, and calamine gives none before it has read the whole sheet.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.values.cells import Cell, UnreadFormula
from crm_tui.importers.files import reading
from crm_tui.importers.files.file_kind import Limits
from crm_tui.importers.files.handover import Background, handed_over
from tests.importers.files import write_rows_xlsx

Rows = Iterator[tuple[int, list[Cell]]]


def numbered(first: int, last: int, tag: str) -> Rows:
    for number in range(first, last + 1):
        yield number, [f"{tag}{number}"]


def test_the_second_reader_takes_over_past_the_last_row_given() -> None:
    given: list[int] = []

    def ready() -> bool:
        return len(given) >= 3

    rows = []
    for number, cells in handed_over(numbered(1, 10, "s"), lambda: numbered(1, 10, "c"), ready):
        given.append(number)
        rows.append(cells[0])
    assert rows == ["s1", "s2", "s3", "c4", "c5", "c6", "c7", "c8", "c9", "c10"]


def test_past_most_rows_the_second_reader_is_waited_for() -> None:
    rows = [
        cells[0]
        for _, cells in handed_over(numbered(1, 6, "s"), lambda: numbered(1, 6, "c"), lambda: False, most=2)
    ]
    assert rows == ["s1", "s2", "c3", "c4", "c5", "c6"]


def test_a_second_reader_that_failed_leaves_the_first_to_the_end() -> None:
    asked = []

    def later() -> Rows | None:
        asked.append(1)
        return None

    rows = [cells[0] for _, cells in handed_over(numbered(1, 5, "s"), later, lambda: True)]
    assert rows == ["s1", "s2", "s3", "s4", "s5"]
    assert len(asked) == 1  # asked once, not at every row


def test_a_first_reader_broken_half_way_is_carried_on_by_the_second() -> None:
    def broken() -> Rows:
        yield 1, ["s1"]
        yield 2, ["s2"]
        raise ValueError("the sheet is damaged near row 3")

    rows = [cells[0] for _, cells in handed_over(broken(), lambda: numbered(1, 4, "c"), lambda: False)]
    assert rows == ["s1", "s2", "c3", "c4"]


def test_a_first_reader_broken_with_no_second_one_keeps_its_error() -> None:
    def broken() -> Rows:
        yield 1, ["s1"]
        raise ValueError("damaged")

    with pytest.raises(ValueError, match="damaged"):
        list(handed_over(broken(), lambda: None, lambda: False))


def test_leaving_early_closes_the_first_reader() -> None:
    closed = []

    def first() -> Rows:
        try:
            yield from numbered(1, 100, "s")
        finally:
            closed.append(True)

    rows = handed_over(first(), lambda: None, lambda: False)
    next(rows)
    rows.close()  # type: ignore[attr-defined]
    assert closed == [True]


def test_background_work_gives_its_result_or_its_error() -> None:
    assert Background(lambda: 42).result() == 42

    def fails() -> int:
        raise ImportFileError("f.xlsx", "unreadable", "broken")

    with pytest.raises(ImportFileError):
        Background(fails).result()


def sheet_of(tmp_path: Path, count: int, formula_at: int | None = None) -> Path:
    """``formula_at``: a data row whose last cell is a formula saved without its value
    (openpyxl writes none), which calamine reads as empty and the import must not."""
    rows: list[list[object]] = [["Наименование", "ИНН", "Телефон", "Дата"]]
    rows += [
        [f"ООО «Клиент {n}»", f"77{n:08d}", f"+7 495 {n:07d}", date(2026, 1, 1 + n % 28)]
        for n in range(count)
    ]
    rows.insert(40, [None, None, None, None])  # a blank row on the stream's side of the switch
    if formula_at is not None:
        rows[formula_at][3] = "=B2+1"
    return write_rows_xlsx(tmp_path / "clients.xlsx", rows)


@pytest.mark.parametrize("formula_at", [None, 2500])
def test_the_first_rows_come_before_calamine_has_read_the_sheet_and_all_rows_are_its_rows(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, formula_at: int | None
) -> None:
    path = sheet_of(tmp_path, 3000, formula_at)
    whole = list(reading.read_sheet(path).rows)
    first_rows_seen = threading.Event()
    from_calamine: list[int] = []
    original = reading._calamine_sheet

    def counted(rows: Rows) -> Rows:
        for row in rows:
            from_calamine.append(row[0])
            yield row

    def slow_calamine(*args: object, **kwargs: object) -> reading.SheetRows:
        # Before the change the header waited for calamine: this waited for the first rows, so
        # the import would have hung (hence the timeout, and the assertion on it).
        assert first_rows_seen.wait(timeout=10)
        read = original(*args, **kwargs)  # type: ignore[arg-type]
        return replace(read, rows=counted(read.rows))

    monkeypatch.setattr(reading, "_calamine_sheet", slow_calamine)
    soon = reading.read_sheet(path, soon=True)
    rows = soon.rows
    head = [next(rows) for _ in range(50)]
    first_rows_seen.set()
    for thread in threading.enumerate():
        if thread.name == "sheet-reader":
            thread.join(timeout=10)
    rest = list(rows)
    assert head + rest == whole
    assert from_calamine and from_calamine[-1] == whole[-1][0]  # calamine gave the rest
    assert (soon.sheet, soon.first_column) == ("Лист1", 0)
    if formula_at is not None:
        assert any(isinstance(cell, UnreadFormula) for _, cells in rest for cell in cells)


def test_a_sheet_read_soon_is_refused_over_the_caps_as_before(tmp_path: Path) -> None:
    path = sheet_of(tmp_path, 100)
    with pytest.raises(ImportFileError) as refused:
        reading.read_sheet(path, limits=Limits(max_cells=51), soon=True)
    with pytest.raises(ImportFileError) as before:
        reading.read_sheet(path, limits=Limits(max_cells=51))
    assert str(refused.value) == str(before.value)
