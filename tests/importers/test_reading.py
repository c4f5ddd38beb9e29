"""Opening files: every format managers send, and the guard rails against hostile ones."""

from __future__ import annotations

import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest

from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.values.cells import Cell
from crm_tui.importers.files.csv_reading import sniff_delimiter
from crm_tui.importers.files.file_kind import FileKind, Limits, detect_kind
from crm_tui.importers.files.reading import list_sheets, read_sheet
from tests.importers import files


def rows_of(path: Path, sheet: str | int | None = None) -> dict[int, list[Cell]]:
    return {number: values for number, values in read_sheet(path, sheet).rows}


# --- formats ---------------------------------------------------------------------------------


def test_xlsx_rows_keep_excel_row_numbers_and_types(managers_xlsx: Path) -> None:
    data = read_sheet(managers_xlsx)
    assert (data.file, data.sheet, data.kind) == ("petrov.xlsx", "Клиенты", FileKind.XLSX)
    rows = dict(data.rows)
    assert rows[1][0] == files.TITLE
    assert rows[3][:3] == ["№", "Наименование", "ИНН"]
    assert rows[4][2] == 7707083893.0  # INN typed as a number
    assert rows[4][4] == 89151234567.0
    assert rows[4][10] == date(2026, 12, 5)  # an Excel date comes back as a date
    assert rows[5][2] == "7736050003"


def test_formulas_are_never_evaluated(managers_xlsx: Path) -> None:
    rows = rows_of(managers_xlsx)
    assert rows[4][13] == files.HYPERLINK  # text that looks like a formula stays text
    assert rows[13][11] == 1234.0  # a formula cell gives the value Excel saved, not a recalculation
    assert rows[14][11] == 2400234.5


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1251", "koi8_r", "cp866"])
@pytest.mark.parametrize(
    ("name", "city"),
    [("ООО Жёлудь", "Казань"), ("ИП ИВАНОВ ИВАН", "МОСКВА"), ("ЗАО ВеКтОр ПлЮс", "сАнКт-ПеТеРбУрГ")],
)
def test_a_csv_in_any_russian_encoding_reads_as_written(
    tmp_path: Path, encoding: str, name: str, city: str
) -> None:
    """A KOI8-R file was read as cp1251: «ООО Жёлудь» became «ппп цЈМХДШ», without a warning."""
    path = tmp_path / "clients.csv"
    path.write_bytes(f"Name;Phone;City\r\n{name};+7 916 123-45-67;{city}\r\n".encode(encoding))
    assert rows_of(path)[2] == [name, "+7 916 123-45-67", city]


def test_sheets_by_name_index_and_case(managers_xlsx: Path) -> None:
    assert list_sheets(managers_xlsx) == ["Клиенты", "Справочник"]
    assert read_sheet(managers_xlsx, "Справочник").sheet == "Справочник"
    assert read_sheet(managers_xlsx, " справочник ").sheet == "Справочник"
    assert read_sheet(managers_xlsx, 1).sheet == "Справочник"
    assert rows_of(managers_xlsx, 1)[2] == ["Тверь", "Тверская область"]


@pytest.mark.parametrize("sheet", ["Клиенты 2025", 5, -1])
def test_unknown_sheet_lists_the_sheets(managers_xlsx: Path, sheet: str | int) -> None:
    with pytest.raises(ImportFileError) as error:
        read_sheet(managers_xlsx, sheet)
    assert error.value.reason == "unknown_sheet"
    assert str(error.value) == f"petrov.xlsx: no sheet {sheet!r}; the sheets are 'Клиенты', 'Справочник'"


def test_data_starting_below_and_right_keeps_its_row_numbers(tmp_path: Path) -> None:
    path = files.write_rows_xlsx(
        tmp_path / "offset.xlsx", [[], [], [None, None, "Наименование"], [None, None, "X"]]
    )
    data = read_sheet(path)
    assert data.first_column == 2
    assert list(data.rows) == [(3, ["Наименование"]), (4, ["X"])]


def test_an_empty_sheet_has_no_rows(tmp_path: Path) -> None:
    path = files.write_rows_xlsx(tmp_path / "empty_sheet.xlsx", [])
    assert list(read_sheet(path).rows) == []


def test_old_xls_from_1c(old_xls: Path) -> None:
    assert detect_kind(old_xls) is FileKind.XLS
    assert list_sheets(old_xls) == ["Контрагенты", "Сделки"]
    rows = rows_of(old_xls)
    assert rows[3] == ["Наименование", "ИНН", "КПП", "Телефон", "Дата след. контакта"]
    assert rows[4] == ["ООО «Ромашка»", 7707083893.0, 770701001.0, 89151234567.0, date(2026, 12, 5)]
    assert rows[5][4] == datetime(2026, 12, 6, 10, 30)


def test_ods(ods: Path) -> None:
    assert detect_kind(ods) is FileKind.ODS
    rows = rows_of(ods)
    assert rows[2][0] == "Компания"
    assert rows[3] == [
        "ооо ромашка",
        7707083893.0,
        "89151234567; 8 916 000 11 22",
        "mailto:A@Romashka.ru",
        date(2026, 12, 5),
    ]


def test_cp1251_csv_with_semicolons(cp1251_csv: Path) -> None:
    data = read_sheet(cp1251_csv)
    assert (data.sheet, data.kind) == ("1c_export", FileKind.CSV)
    rows = dict(data.rows)
    assert rows[2] == ["Контрагент", "ИНН/КПП", "Телефоны", "Эл. почта", "Сумма"]
    assert rows[3][4] == "1 200 000,50"


def test_utf8_bom_csv_with_commas_and_a_multiline_cell(utf8_csv: Path) -> None:
    rows = rows_of(utf8_csv)
    assert rows[1][0] == "Company"  # no BOM left on the first header
    assert rows[2][0] == "Romashka, LLC"
    assert rows[2][5] == "line one\nline two"
    assert rows[3][5] == '=HYPERLINK("http://x")'


def test_utf16_tab_separated_text(tmp_path: Path) -> None:
    path = tmp_path / "unicode.txt"
    path.write_text("Наименование\tИНН\nООО Ромашка\t7707083893\n", encoding="utf-16")
    assert rows_of(path) == {1: ["Наименование", "ИНН"], 2: ["ООО Ромашка", "7707083893"]}


def test_tab_separated_text_saved_as_xls_by_a_bank_client(tmp_path: Path) -> None:
    path = tmp_path / "выписка.xls"
    path.write_text("Наименование\tИНН\nООО Ромашка\t7707083893\n", encoding="cp1251")
    assert detect_kind(path) is FileKind.CSV
    assert rows_of(path)[2] == ["ООО Ромашка", "7707083893"]


def test_a_broken_csv_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "broken.csv"
    path.write_text('a;b\n"' + "x" * 200_000 + '";1\n', encoding="utf-8")
    with pytest.raises(ImportFileError, match=r"^broken\.csv: broken CSV: record 2"):
        list(read_sheet(path).rows)


@pytest.mark.parametrize(
    ("sample", "delimiter"),
    [
        ("Выгрузка;;;\nИмя;ИНН;Сумма\nА;1;1 200,50\nБ;2;3,5\n", ";"),
        ('name,inn,amount\nA,1,"1,200.50"\nB,2,3\n', ","),
        ("name\tinn\nA\t1\n", "\t"),
        ("name|inn\nA|1\n", "|"),
        ("just one column\nvalue\n", ","),
    ],
)
def test_delimiter_sniffing(sample: str, delimiter: str) -> None:
    assert sniff_delimiter(sample) == delimiter


# --- guard rails -----------------------------------------------------------------------------


def refused(path: Path, limits: Limits | None = None) -> ImportFileError:
    with pytest.raises(ImportFileError) as error:
        read_sheet(path, limits=limits or Limits())
    message = str(error.value)
    assert message.startswith(f"{path.name}: ")
    assert "\n" not in message
    return error.value


def test_a_png_is_not_a_spreadsheet(tmp_path: Path) -> None:
    error = refused(files.write_png(tmp_path / "photo.xlsx"))
    assert error.reason == "not_spreadsheet"
    assert "PNG" in str(error)


def test_a_text_file_renamed_xlsx_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "clients.xlsx"
    path.write_text("Наименование;ИНН\nООО Ромашка;7707083893\n", encoding="utf-8")
    assert refused(path).reason == "not_spreadsheet"


def test_an_html_page_saved_as_xls(tmp_path: Path) -> None:
    path = tmp_path / "report.xls"
    path.write_text("<html><body><table><tr><td>1</td></tr></table></body></html>", encoding="utf-8")
    error = refused(path)
    assert error.reason == "not_spreadsheet"
    assert "HTML" in str(error)


def test_a_word_document_is_not_a_spreadsheet(tmp_path: Path) -> None:
    path = tmp_path / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert "Word" in str(refused(path))


def test_an_encrypted_xlsx_is_refused_as_encrypted(tmp_path: Path) -> None:
    error = refused(files.write_encrypted_xlsx(tmp_path / "secret.xlsx"))
    assert error.reason == "encrypted"
    assert str(error) == "secret.xlsx: the file is password-protected; save it without a password"


def test_a_password_protected_xls_is_refused_as_encrypted(tmp_path: Path) -> None:
    path = files.write_xls(tmp_path / "secret.xls", {"Лист1": [["a"]]}, password=True)
    assert refused(path).reason == "encrypted"


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    assert str(refused(path)) == "empty.csv: the file is empty"


def test_a_file_over_the_size_cap(managers_xlsx: Path) -> None:
    error = refused(managers_xlsx, Limits(max_file_bytes=1024))
    assert error.reason == "too_large"
    assert "limit" in str(error)


def test_a_zip_bomb_is_refused_before_unpacking(tmp_path: Path) -> None:
    error = refused(files.write_zip_bomb(tmp_path / "bomb.xlsx"))
    assert error.reason == "zip_bomb"
    assert "sheet1.xml" in str(error)


def test_unpacked_size_cap(managers_xlsx: Path) -> None:
    error = refused(managers_xlsx, Limits(max_unpacked_bytes=1000))
    assert error.reason == "zip_bomb"


def test_too_many_zip_parts(tmp_path: Path) -> None:
    path = tmp_path / "parts.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        for i in range(30):
            archive.writestr(f"xl/part{i}.xml", "<x/>")
    assert refused(path, Limits(max_zip_entries=20)).reason == "zip_bomb"


def test_a_damaged_workbook_is_unreadable_not_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook><sheets><sheet")
    assert refused(path).reason == "unreadable"


def test_a_missing_file(tmp_path: Path) -> None:
    assert refused(tmp_path / "nowhere.xlsx").reason == "unreadable"


def test_the_format_comes_from_the_bytes_not_the_name(managers_xlsx: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "clients.csv"
    renamed.write_bytes(managers_xlsx.read_bytes())
    assert detect_kind(renamed) is FileKind.XLSX
    assert rows_of(renamed)[3][1] == "Наименование"


def test_the_default_sheet_is_the_first_visible_one(tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    hidden = workbook.active
    assert hidden is not None
    hidden.title = "Служебный"
    hidden.sheet_state = "hidden"
    workbook.create_sheet("Клиенты").append(["Наименование"])
    path = tmp_path / "hidden.xlsx"
    workbook.save(path)
    assert list_sheets(path) == ["Служебный", "Клиенты"]
    assert read_sheet(path).sheet == "Клиенты"
    assert read_sheet(path, 0).sheet == "Служебный"
