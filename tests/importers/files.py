"""Test files built the way managers make them, for the import tests (and later ones).

Each builder writes a file and returns its path. The data is messy on purpose: a title and a
blank row above the header, a totals row, INN and phones as numbers and as text, several phones
in a cell, ``mailto:`` addresses, Excel dates and text dates, legal forms in every spelling, a
formula with a cached value and a text cell that looks like a formula.
"""

from __future__ import annotations

import random
import re
import zipfile
from collections.abc import Mapping, Sequence
from datetime import date, datetime
from pathlib import Path
from xml.sax.saxutils import escape

from openpyxl import Workbook

from crm_tui.domain.values.requisites import inn_check_digits
from tests.importers.ole_files import encrypted_ooxml_bytes, xls_bytes

TITLE = "Клиенты менеджера Петрова на 01.12.2026"
HEADER = [
    "№",
    "Наименование",
    "ИНН",
    "КПП",
    "Телефон",
    "E-mail",
    "Город",
    "Контактное лицо",
    "Должность",
    "Ответственный",
    "Дата след. контакта",
    "Сумма сделки",
    "Комментарий",
    "Сайт",
]


def inn10(body: str) -> str:
    """A valid 10-digit INN from a 9-digit body."""
    return body + inn_check_digits(body)


INN_ZERO = inn10("010203040")  # region 01: a number cell drops the leading zero
HYPERLINK = '=HYPERLINK("http://x")'

# Sheet rows of the managers' workbook, by the row number Excel shows (header is row 3).
MANAGER_ROWS: dict[int, list[object]] = {
    4: [1, "ООО «Ромашка»", 7707083893, "770701001", 89151234567, "mailto:Info@Romashka.RU", "Москва",
        "Иванов Иван", "директор", "Петров", date(2026, 12, 5), 1200000.5, "первый звонок", HYPERLINK],
    5: [2, "Лютик ООО", "7736050003", None, "8 (495) 111-22-33, доб. 12; +7 916 000 11 22",
        "a@lutik.ru; B@Lutik.ru", "Тверь", "Сидорова Анна", None, "Петров", "05.12.26", "1 200 000,50 руб.",
        None, None],
    # row 6 is blank
    7: [3, "ооо василек", int(INN_ZERO), 70701001, "9151234567", "bad@", "  Санкт-Петербург ", None, None,
        "Петров", "2026-12-05", "12,5 тыс.", None, None],
    8: [4, 'ООО "Берёзка"', "7707083893/770701001", None, "+7 916 000 11 22", None, None, None, None, None,
        "5 декабря 2026", None, None, None],
    9: [5, "Общество с ограниченной ответственностью «Одуванчик»", None, None, "8 800 555 35 35", None,
        None, None, None, None, None, None, None, None],
    10: [6, "ИП Иванов Иван Иванович", 500100732259, None, "123-45", None, None, None, None, None,
         "завтра", None, None, None],
    11: [7, "АО Сосна", "7707083890", None, None, "info@sosna.ru", None, None, None, None, None, None,
         None, None],
    12: [8, None, None, None, None, None, None, None, None, None, None, None, "позвонить позже", None],
    13: [9, "Romashka LLC", None, None, None, None, None, "John Smith", None, None, None, "=1000+234",
         None, None],
    14: ["Итого", None, None, None, None, None, None, None, None, None, None, "=SUM(L4:L13)", None, None],
}  # fmt: skip
FORMULA_CACHE = {"L13": "1234", "L14": "2400234.5"}
LEGAL_SPELLINGS: dict[str, str] = {
    "ООО «Ромашка»": "ООО", "Ромашка ООО": "ООО", "ооо ромашка": "ООО", 'ООО "Ромашка"': "ООО",
    "Общество с ограниченной ответственностью «Ромашка»": "ООО", "ИП Иванов Иван Иванович": "ИП",
    "АО Ромашка": "АО", "ПАО Ромашка": "ПАО", "ЗАО Ромашка": "ЗАО", "ОАО Ромашка": "ОАО",
    "НКО Ромашка": "НКО", "ГУП Ромашка": "ГУП", "МУП Ромашка": "МУП", "ФГУП Ромашка": "ФГУП",
    "индивидуальный предприниматель Иванов И.И.": "ИП", "Romashka LLC": "ООО", "OOO Romashka": "ООО",
}  # fmt: skip


def _set_cached_values(path: Path, sheet_xml: str, cached: dict[str, str]) -> None:
    """Give formula cells the cached values Excel would have saved (openpyxl writes none: an empty
    ``<v/>``, or ``<v></v>`` when it writes through lxml, which docxtpl brings along)."""
    with zipfile.ZipFile(path) as archive:
        parts = {info: archive.read(info.filename) for info in archive.infolist()}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, original in parts.items():
            data = original
            if info.filename == sheet_xml:
                text = data.decode("utf-8")
                for ref, value in cached.items():
                    text, count = re.subn(
                        rf'(<c r="{ref}"[^>]*>\s*<f>[^<]*</f>)\s*(?:<v\s*/>|<v></v>)',
                        rf"\1<v>{value}</v>",
                        text,
                    )
                    assert count == 1, ref
                data = text.encode("utf-8")
            archive.writestr(info, data)


def write_managers_xlsx(path: Path) -> Path:
    """The messy client list of manager Petrov, plus a second sheet."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "Клиенты"
    sheet.append([TITLE])
    sheet.append([])
    sheet.append(HEADER)
    for number in range(4, max(MANAGER_ROWS) + 1):
        sheet.append(MANAGER_ROWS.get(number, []))
    for row in sheet.iter_rows():
        for cell in row:
            if cell.value == HYPERLINK:
                cell.data_type = "s"  # typed as text: must stay text, never become a formula
            elif isinstance(cell.value, date | datetime):
                cell.number_format = "DD.MM.YYYY"
    other = workbook.create_sheet("Справочник")
    other.append(["Город", "Регион"])
    other.append(["Тверь", "Тверская область"])
    workbook.save(path)
    _set_cached_values(path, "xl/worksheets/sheet1.xml", FORMULA_CACHE)
    return path


def write_rows_xlsx(path: Path, rows: Sequence[Sequence[object]], sheet_name: str = "Лист1") -> Path:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = sheet_name
    for row in rows:
        sheet.append(list(row))
    workbook.save(path)
    return path


CSV_CP1251 = (
    "Выгрузка из 1С;;;;\r\n"
    "Контрагент;ИНН/КПП;Телефоны;Эл. почта;Сумма\r\n"
    'ООО "Ромашка";7707083893/770701001;8 (495) 111-22-33 доб. 12;mailto:info@romashka.ru;1 200 000,50\r\n'
    ";;;;\r\n"
    "ИП Сидоров;500100732259;89151234567;;12,5\r\n"
    "Итого;;;;1 200 012,00\r\n"
)
CSV_UTF8 = (
    "Company,Tax ID,Phone number,Email,Next action date,Notes\n"
    '"Romashka, LLC",7707083893,"+7 916 000 11 22, 8 495 111 22 33",a@romashka.ru,05.12.2026,"line one\n'
    'line two"\n'
    'Лютик ООО,7736050003,9151234567,mailto:B@Lutik.RU,2026-12-05,=HYPERLINK("http://x")\n'
)


def write_cp1251_csv(path: Path) -> Path:
    """What Russian Excel saves as "CSV (разделители - точка с запятой)"."""
    path.write_bytes(CSV_CP1251.encode("cp1251"))
    return path


def write_utf8_bom_csv(path: Path) -> Path:
    """A Google Sheets / web CRM export: UTF-8 with a BOM, commas, a quoted multi-line cell."""
    path.write_bytes(b"\xef\xbb\xbf" + CSV_UTF8.encode("utf-8"))
    return path


_ODS_NS = (
    'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
    'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
    'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"'
)


def _ods_cell(value: object) -> str:
    if value is None or value == "":
        return "<table:table-cell/>"
    if isinstance(value, date):
        return f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}"/>'
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<table:table-cell office:value-type="float" office:value="{value}"/>'
    text = escape(str(value))
    return f'<table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell>'


def write_ods(path: Path, sheets: Mapping[str, Sequence[Sequence[object]]]) -> Path:
    """A minimal OpenDocument spreadsheet (mimetype first and stored, manifest, content.xml)."""
    tables = "".join(
        f'<table:table table:name="{escape(name)}">'
        + "".join(f"<table:table-row>{''.join(_ods_cell(v) for v in row)}</table:table-row>" for row in rows)
        + "</table:table>"
        for name, rows in sheets.items()
    )
    content = (
        f'<?xml version="1.0" encoding="UTF-8"?><office:document-content {_ODS_NS} office:version="1.2">'
        f"<office:body><office:spreadsheet>{tables}</office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", zipfile.ZIP_STORED)
        archive.writestr("META-INF/manifest.xml", manifest, zipfile.ZIP_DEFLATED)
        archive.writestr("content.xml", content, zipfile.ZIP_DEFLATED)
    return path


def write_xls(
    path: Path, sheets: Mapping[str, Sequence[Sequence[object]]], *, password: bool = False
) -> Path:
    """An old-style .xls as 1C writes it (BIFF8), crafted by ``tests.importers.ole_files``."""
    path.write_bytes(xls_bytes(sheets, password=password))
    return path


def write_encrypted_xlsx(path: Path) -> Path:
    """An .xlsx saved with a password (an OLE2 box with an EncryptedPackage stream)."""
    path.write_bytes(encrypted_ooxml_bytes())
    return path


def write_png(path: Path) -> Path:
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + bytes(64))
    return path


def write_zip_bomb(path: Path, megabytes: int = 50) -> Path:
    """An "xlsx" whose sheet is 50 MB of one repeated byte: it compresses about 1000:1."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (megabytes * 1024 * 1024))
    return path


BIG_HEADER = [
    "Наименование", "ИНН", "КПП", "Телефон", "E-mail", "Город", "Контактное лицо", "Должность",
    "Ответственный", "Дата след. контакта", "Сумма сделки", "Комментарий",
]  # fmt: skip
_CITIES = ["Москва", "Санкт-Петербург", "Тверь", "Казань", "Новосибирск", "Екатеринбург"]
_FORMS = ["ООО «{}»", "{} ООО", "ИП {}", "АО «{}»", "ооо {}"]


def big_rows(count: int, seed: int = 5) -> list[list[object]]:
    """``count`` realistic rows for ``BIG_HEADER`` (numbers, text and dates mixed as in life)."""
    rng = random.Random(seed)
    rows: list[list[object]] = []
    for i in range(count):
        inn = inn10(f"77{i:07d}")
        # Every client has its own phone (as in a real list), half stored as numbers, half as text.
        phone: object = (
            89150000000 + i
            if i % 2
            else f"8 (916) {i // 10_000 % 1000:03d}-{i // 100 % 100:02d}-{i % 100:02d}"
        )
        rows.append([
            rng.choice(_FORMS).format(f"Компания {i}"),
            int(inn) if i % 3 else inn,
            "770701001",
            phone,
            f"mailto:info{i}@example{i % 100}.ru" if i % 5 == 0 else f"info{i}@example{i % 100}.ru",
            rng.choice(_CITIES),
            f"Иванов Иван {i}",
            "менеджер по закупкам",
            "Петров",
            datetime(2026, 1 + i % 12, 1 + i % 28) if i % 4 else f"{1 + i % 28:02d}.{1 + i % 12:02d}.26",
            rng.randint(1, 10_000_000) / 2,
            "клиент из выставки" if i % 7 == 0 else None,
        ])  # fmt: skip
    return rows


def write_big_xlsx(path: Path, count: int = 100_000) -> Path:
    """A 12-column client list of ``count`` rows, written with openpyxl's write-only mode."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Клиенты")
    sheet.append([TITLE])
    sheet.append(BIG_HEADER)
    for row in big_rows(count):
        sheet.append(row)
    workbook.save(path)
    return path
