"""The streamed .xlsx reader gives what calamine gives for the same sheet, cell for cell.

A big sheet is read as a stream (``importers/files/xlsx_sheet.py``) so that a million rows do
not sit in memory at once; every other part of the import was written against calamine's rows,
so each kind of cell is read both ways here and compared, value and type.
"""

from __future__ import annotations

import zipfile
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Font
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.importers.files import reading
from crm_tui.importers.files.xlsx_values import DATE, DURATION, OTHER, custom_format_kind


@pytest.fixture(autouse=True)
def every_sheet_streamed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Small sheets are left to calamine; here every sheet is streamed."""
    monkeypatch.setattr(reading, "STREAM_FROM_BYTES", 0)


def both_ways(path: Path, sheet: str | int | None = None) -> tuple[reading.SheetRows, reading.SheetRows]:
    streamed = reading.read_sheet(path, sheet)
    original = reading._streamed
    reading._streamed = lambda *args, **kwargs: None
    try:
        whole = reading.read_sheet(path, sheet)
    finally:
        reading._streamed = original
    return streamed, whole


def assert_same(path: Path, sheet: str | int | None = None) -> list[tuple[int, list[object]]]:
    streamed, whole = both_ways(path, sheet)
    assert (streamed.sheet, streamed.first_column) == (whole.sheet, whole.first_column)
    ours, theirs = list(streamed.rows), list(whole.rows)
    assert ours == theirs
    assert [[type(v) for v in r] for _, r in ours] == [[type(v) for v in r] for _, r in theirs]
    return ours  # type: ignore[return-value]


def test_every_kind_of_cell_reads_as_calamine_reads_it(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Клиенты"
    sheet["C5"] = "Наименование"
    sheet["D5"] = "ИНН"
    sheet["E5"] = "Дата"
    rows: list[list[Any]] = [
        ["ООО «Рога & Копыта»", 7707083893, datetime(2026, 3, 1, 10, 30)],
        ["  пробелы по краям  ", "007707083893", date(2026, 12, 31)],
        ["строка\r\nс переносом", 1.5, time(9, 15)],
        ['<тег> & "кавычки"', True, timedelta(hours=30, minutes=5)],
        ["_x000D_ буквально", False, '=HYPERLINK("http://x")'],
        ["=1+2", -3, datetime(1900, 1, 1)],
        [None, None, None],
        ["после пустой строки", 10**16, 0.25],
    ]
    for offset, values in enumerate(rows, start=6):
        for column, value in zip("CDE", values, strict=True):
            sheet[f"{column}{offset}"] = value
    sheet["E10"].number_format = "[h]:mm"
    sheet["E13"].number_format = "hh:mm"
    sheet["D8"].number_format = "0.00"
    sheet["Z20"].font = Font(bold=True)  # styled, empty: not part of the sheet's reach
    sheet["C21"] = CellRichText("жирное ", TextBlock(InlineFont(b=True), "и нет"))
    path = tmp_path / "kinds.xlsx"
    book.save(path)
    rows_read = assert_same(path)
    assert rows_read[0][0] == 5  # the row numbers are the sheet's


def test_the_1904_date_system(tmp_path: Path) -> None:
    book = Workbook()
    book.epoch = CALENDAR_MAC_1904
    sheet = book.active
    assert sheet is not None
    sheet.append(["Дата", "Время"])
    sheet.append([datetime(2026, 5, 4, 12, 0), date(1999, 1, 1)])
    path = tmp_path / "mac.xlsx"
    book.save(path)
    assert_same(path)


def _raw_xlsx(path: Path, sheet_xml: str, *, strings: str | None = None, styles: str | None = None) -> Path:
    """An .xlsx made by hand: the sheet's XML as given (other writers' habits)."""
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Override PartName="/xl/workbook.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" '
            'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>",
        )
        archive.writestr(
            "_rels/.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        archive.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets>'
            '<sheet name="Лист1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        archive.writestr(
            "xl/_rels/workbook.xml.rels",
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/>'
            + (
                f'<Relationship Id="rId2" Type="{rel}/sharedStrings" Target="sharedStrings.xml"/>'
                if strings
                else ""
            )
            + (f'<Relationship Id="rId3" Type="{rel}/styles" Target="styles.xml"/>' if styles else "")
            + "</Relationships>",
        )
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        if strings:
            archive.writestr("xl/sharedStrings.xml", strings)
        if styles:
            archive.writestr("xl/styles.xml", styles)
    return path


MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


@pytest.mark.parametrize(
    ("name", "sheet_xml"),
    [
        (
            "prefixed",  # the OpenXML SDK's habit: every element with a prefix
            f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="2">'
            '<x:c r="B2" t="s"><x:v>0</x:v></x:c>'
            '<x:c r="C2" t="inlineStr"><x:is><x:t>Тест &amp; ко</x:t></x:is></x:c></x:row>'
            '<x:row r="3"><x:c r="B3" s="1"><x:v>46000</x:v></x:c>'
            '<x:c r="D3" t="s"><x:v>1</x:v></x:c></x:row>'
            "</x:sheetData></x:worksheet>",
        ),
        (
            "attributes in another order, a formula, an error, rich text",
            f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" t="s" s="1"><v>0</v></c>'
            '<c r="B1" s="1" t="str"><f>A1&amp;"!"</f><v>a &amp; b</v></c><c r="C1" t="e"><v>#N/A</v></c>'
            '<c r="D1" t="n"><v>42</v></c></row><row r="4"><c r="A4" t="b"><v>1</v></c>'
            '<c r="B4" t="inlineStr"><is><r><t xml:space="preserve">по </t></r><r><rPr><b/></rPr>'
            "<t>частям</t></r><rPh><t>ФОНЕТИКА</t></rPh></is></c></row></sheetData></worksheet>",
        ),
        (
            "cells without their place",  # left to calamine, same rows
            f'<worksheet xmlns="{MAIN}"><sheetData><row><c t="s"><v>0</v></c><c><v>5</v></c></row>'
            '<row><c t="s"><v>1</v></c></row></sheetData></worksheet>',
        ),
        ("an empty sheet", f'<worksheet xmlns="{MAIN}"><sheetData/></worksheet>'),
    ],
)
def test_other_writers_sheets_read_as_calamine_reads_them(tmp_path: Path, name: str, sheet_xml: str) -> None:
    strings = (
        f'<sst xmlns="{MAIN}" count="2" uniqueCount="2"><si><t>Общий &lt;текст&gt;</t></si>'
        '<si><r><t>богатый </t></r><r><rPr><i/></rPr><t xml:space="preserve"> текст </t></r></si></sst>'
    )
    styles = (
        f'<styleSheet xmlns="{MAIN}"><numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/>'
        '</numFmts><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="164"/></cellXfs></styleSheet>'
    )
    path = _raw_xlsx(tmp_path / "raw.xlsx", sheet_xml, strings=strings, styles=styles)
    assert_same(path)


def test_a_big_sheet_is_read_piece_by_piece(tmp_path: Path) -> None:
    """More than a megabyte of sheet: rows cut across pieces come out whole and in order."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Большой")
    sheet.append(["Наименование", "Телефон", "Сумма"])
    for i in range(12_000):
        sheet.append([f"Компания «Ромашка» № {i} & сыновья", f"8 (916) 000-{i:05d}", i * 1.5])
        if i % 1000 == 0:
            sheet.append([])
    path = tmp_path / "big.xlsx"
    book.save(path)
    rows = assert_same(path)
    assert len(rows) == 12_001 + 12


@pytest.mark.parametrize(
    ("code", "kind"),
    [
        ("DD/MM/YY", DATE),
        ("H:MM:SS;@", DATE),
        ("#,##0\\ [$\\u20bd-46D]", OTHER),
        ('m"M"d"D";@', DATE),
        ("[h]:mm:ss", DURATION),
        ('"Y: "0.00"m";"Y: "-0.00"m";"Y: <num>m";@', OTHER),
        ('"$"#,##0_);[Red]("$"#,##0)', OTHER),
        ("0_ ;[Red]\\-0\\ ", OTHER),
        ("\\Y000000", OTHER),
        ('#,##0.0####" YMD"', OTHER),
        ("[h]", DURATION),
        ("[s].000", DURATION),
        ("[Blue]\\+[h]:mm;[Red]\\-[h]:mm;[Green][h]:mm", DURATION),
        ("[>=100][Magenta][s].00", DURATION),
        ("yyyy-mm-dd h:mm:ss", DATE),
        ("0.00", OTHER),
    ],
)
def test_number_formats_that_are_dates(code: str, kind: int) -> None:
    assert custom_format_kind(code) == kind


def test_a_broken_part_is_refused_in_one_line_as_before(tmp_path: Path) -> None:
    """What the stream cannot make sense of goes to calamine, which names the problem."""
    cell = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    sheet_xml = f'<worksheet xmlns="{MAIN}"><sheetData>{cell}</sheetData></worksheet>'

    path = _raw_xlsx(tmp_path / "broken.xlsx", sheet_xml, strings=f'<sst xmlns="{MAIN}"><si><t>оборвано')
    with pytest.raises(ImportFileError) as refused:
        list(reading.read_sheet(path).rows)
    assert refused.value.reason == "unreadable"
    assert "broken.xlsx" in str(refused.value)


def test_a_sheet_cut_short_half_way_is_refused_naming_the_file(tmp_path: Path) -> None:
    rows = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(1, 20))
    sheet_xml = f'<worksheet xmlns="{MAIN}"><sheetData>{rows}<row r="20"><c r="A20" t="s"><v>7</v></c></row>'
    path = _raw_xlsx(tmp_path / "short.xlsx", sheet_xml + "</sheetData></worksheet>")
    with pytest.raises(ImportFileError) as refused:
        list(reading.read_sheet(path).rows)
    assert refused.value.reason == "unreadable"
    assert "short.xlsx" in str(refused.value)
