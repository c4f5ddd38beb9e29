"""parse_rows end to end: managers' files in every format become normalised rows."""

from __future__ import annotations

import pickle
from collections.abc import Sequence
from datetime import date
from pathlib import Path

import pytest

import crm_tui.importers.clients.row_fields
from crm_tui.domain.imports.errors import ImportFileError, MappingError
from crm_tui.domain.imports.mapping import PortraitTarget
from crm_tui.domain.imports.rows import NO_NAME_NO_CONTACT, ParsedRow
from crm_tui.importers.clients.rows import RowParser, open_table, parse_rows
from crm_tui.importers.files.header import SkippedRows
from crm_tui.importers.files.mapping import suggest_mapping
from tests.importers import files


def texts(messages: Sequence[object]) -> list[str]:
    """Warnings as a person reads them (in English: the tests run in English)."""
    return [str(m) for m in messages]


def by_row(rows: list[ParsedRow]) -> dict[int, ParsedRow]:
    return {row.source.row: row for row in rows}


@pytest.fixture(scope="module")
def petrov(managers_xlsx: Path) -> dict[int, ParsedRow]:
    return by_row(list(parse_rows(managers_xlsx)))


def test_every_data_row_and_only_those(managers_xlsx: Path) -> None:
    skipped = SkippedRows()
    rows = list(parse_rows(managers_xlsx, skipped=skipped))
    assert [r.source.row for r in rows] == [4, 5, 7, 8, 9, 10, 11, 12, 13]
    assert (skipped.blank, skipped.totals) == (1, [14])
    assert str(rows[0].source) == "petrov.xlsx, sheet 'Клиенты', row 4"


def test_rows_cross_to_the_importing_process_whole(petrov: dict[int, ParsedRow]) -> None:
    """Parsed rows are pickled from the parsing process: every field comes back, the derived
    keys and the warnings included."""
    for row in petrov.values():
        back = pickle.loads(pickle.dumps(row, protocol=pickle.HIGHEST_PROTOCOL))
        assert back == row and back.keys == row.keys and back.source == row.source
    assert any(r.keys is not None and r.phones and r.warnings for r in petrov.values())


def test_numbers_from_excel(petrov: dict[int, ParsedRow]) -> None:
    row = petrov[4]
    assert (row.legal_form, row.name) == ("ООО", "Ромашка")
    assert (row.inn, row.kpp) == ("7707083893", "770701001")
    assert [(p.e164, p.extension, p.raw) for p in row.phones] == [("+79151234567", None, "89151234567")]
    assert [(e.value, e.raw) for e in row.emails] == [("info@romashka.ru", "mailto:Info@Romashka.RU")]
    assert (row.city, row.contact_name, row.contact_position, row.owner) == (
        "Москва",
        "Иванов Иван",
        "директор",
        "Петров",
    )
    assert row.next_action == date(2026, 12, 5)
    assert row.deal_amount == 120000050
    assert row.note == "первый звонок"
    assert row.warnings == () and row.ok


def test_original_cells_are_kept_by_header(petrov: dict[int, ParsedRow]) -> None:
    cells = petrov[4].cells
    assert cells["Наименование"] == "ООО «Ромашка»"
    assert cells["ИНН"] == 7707083893.0
    assert cells["Сайт"] == files.HYPERLINK


def test_text_cells(petrov: dict[int, ParsedRow]) -> None:
    row = petrov[5]
    assert (row.legal_form, row.name, row.inn, row.kpp) == ("ООО", "Лютик", "7736050003", None)
    assert [(p.e164, p.extension) for p in row.phones] == [("+74951112233", "12"), ("+79160001122", None)]
    assert [e.value for e in row.emails] == ["a@lutik.ru", "b@lutik.ru"]
    assert row.next_action == date(2026, 12, 5)
    assert row.deal_amount == 120000050


def test_leading_zeros_and_lower_case(petrov: dict[int, ParsedRow]) -> None:
    row = petrov[7]
    assert (row.legal_form, row.name) == ("ООО", "Василек")
    assert (row.inn, row.kpp) == (files.INN_ZERO, "070701001")
    assert row.city == "Санкт-Петербург"
    assert row.deal_amount == 1250000
    assert texts(row.warnings) == ["email (E-mail): 'bad@' is not an e-mail address"]
    assert row.ok


def test_inn_and_kpp_in_one_cell_and_a_russian_date(petrov: dict[int, ParsedRow]) -> None:
    row = petrov[8]
    assert (row.name, row.inn, row.kpp, row.next_action) == (
        "Берёзка",
        "7707083893",
        "770701001",
        date(2026, 12, 5),
    )


def test_warnings_name_the_field_and_column(petrov: dict[int, ParsedRow]) -> None:
    assert texts(petrov[10].warnings) == [
        "phone (Телефон): '123-45' is not a valid phone number",
        "next_action (Дата след. контакта): 'завтра' is not a date",
    ]
    assert (petrov[10].legal_form, petrov[10].name, petrov[10].inn) == (
        "ИП",
        "Иванов Иван Иванович",
        "500100732259",
    )
    assert texts(petrov[11].warnings) == ["inn (ИНН): INN '7707083890' fails the checksum"]
    # The mistyped INN is kept (README: the raw value kept), flagged: nothing matches on it.
    assert petrov[11].inn == "7707083890" and petrov[11].ok
    assert petrov[11].keys is not None and not petrov[11].keys.inn_valid


def test_a_row_without_name_or_contacts_is_rejected_and_kept(petrov: dict[int, ParsedRow]) -> None:
    row = petrov[12]
    assert row.rejection == NO_NAME_NO_CONTACT and not row.ok
    assert row.note == "позвонить позже"
    assert row.cells["Комментарий"] == "позвонить позже"


def test_a_formula_gives_its_saved_value(petrov: dict[int, ParsedRow]) -> None:
    assert petrov[13].deal_amount == 123400
    assert (petrov[13].legal_form, petrov[13].name, petrov[13].contact_name) == (
        "ООО",
        "Romashka",
        "John Smith",
    )


def test_cp1251_csv(cp1251_csv: Path) -> None:
    rows = list(parse_rows(cp1251_csv))
    assert [r.source.row for r in rows] == [3, 5]
    first, second = rows
    assert (first.name, first.legal_form, first.inn, first.kpp) == (
        "Ромашка",
        "ООО",
        "7707083893",
        "770701001",
    )
    assert [(p.e164, p.extension) for p in first.phones] == [("+74951112233", "12")]
    assert [e.value for e in first.emails] == ["info@romashka.ru"]
    assert first.deal_amount == 120000050
    assert (second.legal_form, second.name, second.deal_amount) == ("ИП", "Сидоров", 1250)


def test_utf8_csv(utf8_csv: Path) -> None:
    first, second = parse_rows(utf8_csv)
    assert (first.legal_form, first.name) == ("ООО", "Romashka")
    assert len(first.phones) == 2
    assert first.note == "line one\nline two"
    assert second.note == '=HYPERLINK("http://x")'
    assert [e.value for e in second.emails] == ["b@lutik.ru"]


def test_old_xls(old_xls: Path) -> None:
    skipped = SkippedRows()
    rows = list(parse_rows(old_xls, skipped=skipped))
    assert [r.source.row for r in rows] == [4, 5]
    assert (rows[0].inn, rows[0].kpp, rows[0].next_action) == ("7707083893", "770701001", date(2026, 12, 5))
    assert (rows[1].legal_form, rows[1].name, rows[1].next_action) == ("ЗАО", "Лютик", date(2026, 12, 6))
    assert skipped.totals == [6]
    assert next(parse_rows(old_xls, "Сделки")).deal_amount == 100000


def test_ods(ods: Path) -> None:
    (row,) = parse_rows(ods)
    assert (row.source.row, row.legal_form, row.name, row.inn) == (3, "ООО", "Ромашка", "7707083893")
    assert [p.e164 for p in row.phones] == ["+79151234567", "+79160001122"]
    assert [e.value for e in row.emails] == ["a@romashka.ru"]
    assert row.next_action == date(2026, 12, 5)


def test_explicit_mapping_and_a_column_map(managers_xlsx: Path) -> None:
    rows = by_row(list(parse_rows(managers_xlsx, mapping={"Сайт": "note", "Комментарий": "ignore"})))
    assert rows[4].note == files.HYPERLINK
    table = open_table(managers_xlsx)
    column_map = suggest_mapping(table.header.labels, {"Телефон": "ignore"})
    assert all(not r.phones for r in parse_rows(managers_xlsx, mapping=column_map))
    with pytest.raises(MappingError):
        parse_rows(managers_xlsx, mapping=suggest_mapping(["Наименование"]))
    with pytest.raises(MappingError):
        parse_rows(managers_xlsx, mapping={"Телефон": "fax"})


def test_several_note_columns_and_an_address(tmp_path: Path) -> None:
    path = files.write_rows_xlsx(
        tmp_path / "notes.xlsx",
        [["Наименование", "Комментарий", "Адрес", "Телефон", "Телефон"],
         ["Ромашка", "звонить утром", "Тверь, ул. Ленина, 1", "89151234567", "8 916 000 11 22, 89151234567"]],
    )  # fmt: skip
    (row,) = parse_rows(path)
    assert row.note == "Комментарий: звонить утром\nАдрес: Тверь, ул. Ленина, 1"
    assert [p.e164 for p in row.phones] == ["+79151234567", "+79160001122"]
    assert set(row.cells) == {"Наименование", "Комментарий", "Адрес", "Телефон", "Телефон (2)"}


def test_legal_form_column_and_cells_beyond_the_header(tmp_path: Path) -> None:
    path = files.write_rows_xlsx(
        tmp_path / "forms.xlsx",
        [["Наименование", "Форма собственности"],
         ["Ромашка", "Общество с ограниченной ответственностью", "лишнее"],
         ["АО Лютик", "ООО"],
         ["Клён", "Товарищество"]],
    )  # fmt: skip
    first, second, third = parse_rows(path)
    assert (first.legal_form, first.name, first.cells["Column C"]) == ("ООО", "Ромашка", "лишнее")
    assert second.legal_form == "ООО" and "the name says АО" in str(second.warnings[0])
    assert third.legal_form == "Товарищество" and third.warnings


def test_an_empty_sheet_is_an_error(tmp_path: Path) -> None:
    path = files.write_rows_xlsx(tmp_path / "blank.xlsx", [[], [None]])
    with pytest.raises(ImportFileError, match=r"^blank\.xlsx: sheet 'Лист1' has no data$"):
        parse_rows(path)


def test_a_failing_normaliser_rejects_the_row_not_the_file(
    managers_xlsx: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(value: object) -> object:
        raise ValueError("boom")

    readers = crm_tui.importers.clients.row_fields.field_readers

    def patched(region: str, portrait: Sequence[PortraitTarget] = ()) -> dict[str, object]:
        table: dict[str, object] = dict(readers(region, portrait))
        table["city"] = (broken, table["city"][1])  # type: ignore[index]
        return table

    monkeypatch.setattr("crm_tui.importers.clients.rows.field_readers", patched)
    rows = by_row(list(parse_rows(managers_xlsx)))
    assert str(rows[4].rejection) == "unreadable row: ValueError('boom')"
    assert rows[4].cells["Город"] == "Москва"
    assert rows[8].ok  # no city: nothing failed


def test_repeated_values_use_the_cache_and_give_equal_results(tmp_path: Path) -> None:
    rows = [["Наименование", "Город", "КПП"]] + [[f"Ромашка {i}", "Москва", 770701001] for i in range(2500)]
    rows.append(["Лютик", True, 1])  # 1 and True must not share a cache entry with 1.0
    path = files.write_rows_xlsx(tmp_path / "many.xlsx", rows)
    parsed = list(parse_rows(path))
    assert {r.city for r in parsed[:-1]} == {"Москва"}
    assert {r.kpp for r in parsed[:-1]} == {"770701001"}
    assert parsed[-1].city == "TRUE" and parsed[-1].kpp is None


def test_one_row_at_a_time_gives_the_same_rows(managers_xlsx: Path) -> None:
    table = open_table(managers_xlsx)
    parser = RowParser(
        table.file, table.sheet, table.header.labels, suggest_mapping(table.header.labels), table.first_column
    )
    assert [parser(row) for row in table.rows] == list(parse_rows(managers_xlsx))


@pytest.mark.parametrize("cached", [True, False])
def test_a_column_reader_survives_a_failing_normaliser(cached: bool) -> None:
    from crm_tui.domain.values.cells import Normalised
    from crm_tui.importers.clients.row_fields import ColumnReader, Unreadable

    def fragile(value: object) -> Normalised[object]:
        if value == "boom":
            raise ValueError(value)
        return Normalised(value, str(value))

    reader = ColumnReader(0, "city", "Город", fragile, lambda draft, value, header: None)
    if not cached:
        reader._cache = None
    results = reader.read_column([["a"], ["boom"], [""], []])
    assert results[0] == Normalised("a", "a")
    assert results[1] is not None and results[1].value == Unreadable("ValueError('boom')")
    assert results[2:] == [None, None]


KEY_NAMES = [
    "ООО «Ромашка»", "ромашка ооо", "ИП иванов иван петрович", "Romashka LLC", '"АО" «Альфа-Строй»',
    "Общество с ограниченной ответственностью «Энергия»", "«ТД «Василёк»»", "ооо", "ЗАО 'Э-Трейд' ЗАО",
    "1с-рарус ооо", "  Лютик  ,  ООО ", "И.П. Сидоров", "PAO Gazprom", None,
]  # fmt: skip
KEY_INNS: list[object] = [
    "7707083893", 7707083890, "7707083893/770701001", int(files.INN_ZERO), "500100732259", "500100732250",
    "ИНН 7736050003", "-", "123", None, "7736050003 770701001", 0, "0000000000", "7707083893",
]  # fmt: skip


def test_the_keys_the_parser_gives_are_those_of_the_row_alone(tmp_path: Path) -> None:
    """The parser hands the keys the name's legal-form split and the INN's checksum it has done
    already rather than do them again: the keys are the same as those worked out from the
    parsed row alone (as the loader does for a row without them)."""
    from crm_tui.importers.clients.row_keys import row_keys

    rows = [
        [name, inn, f"8 916 000 00 {n:02d}" if n % 3 else None, f"Иванов Иван {n}" if n % 2 else None]
        for n, (name, inn) in enumerate(zip(KEY_NAMES, KEY_INNS, strict=True))
    ]
    path = files.write_rows_xlsx(tmp_path / "keys.xlsx", [["Контрагент", "ИНН", "Телефон", "Контакт"], *rows])
    parsed = [row for row in parse_rows(path) if row.ok]
    assert len(parsed) == len(rows)
    for row in parsed:
        assert row.keys == row_keys(row), row.source
    valid = {row.inn for row in parsed if row.keys is not None and row.keys.inn_valid}
    assert valid == {"7707083893", files.INN_ZERO, "500100732259", "7736050003"}


def test_without_cells_a_row_keeps_them_only_for_the_error_file(managers_xlsx: Path) -> None:
    """The parsing process's parser (``keep_cells=False``) keeps the original cells of the rows
    the error file shows (rejected, or with warnings) and no others; every row is otherwise the
    same as with them."""
    table = open_table(managers_xlsx)
    columns = suggest_mapping(table.header.labels)
    rows = list(table.rows)
    args = (table.file, table.sheet, table.header.labels, columns, table.first_column)
    kept = list(RowParser(*args).parse_iter(rows))
    lean = list(RowParser(*args, keep_cells=False).parse_iter(rows))
    assert any(not r.ok for r in kept) and any(r.ok and not r.warnings for r in kept)
    for full, row in zip(kept, lean, strict=True):
        shown = not full.ok or bool(full.warnings)
        assert row.cells == (full.cells if shown else {})
        row.cells = full.cells
        assert row == full
