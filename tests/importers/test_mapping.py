"""Column mapping: suggestions from headers, explicit overrides, errors, signatures."""

from __future__ import annotations

from pathlib import Path

import pytest

from crm_tui.domain.imports.errors import MappingError
from crm_tui.domain.imports.mapping import FIELDS, ColumnMap
from crm_tui.importers.files.mapping import (
    header_signature,
    load_mapping_file,
    match_field,
    parse_map_option,
    parse_map_options,
    suggest_mapping,
)

# Three header rows as they come in practice: a manager's own list, a web CRM export (English),
# a 1C counterparty export.
MANAGER = [
    "№", "Наименование", "ИНН", "КПП", "Тел.", "E-mail", "Город", "Контактное лицо", "Должность",
    "Ответственный", "Дата след. контакта", "Сумма сделки", "Комментарий", "Сайт",
]  # fmt: skip
WEB_CRM = [
    "Company", "Tax ID", "Phone number", "Email", "City", "Region", "Contact person", "Position", "Owner",
    "Next action date", "Deal amount", "Notes",
]  # fmt: skip
ONE_C = [
    "Контрагент", "ИНН/КПП", "ОГРН", "Форма собственности", "Телефоны", "Моб.", "Эл. почта", "Адрес",
    "Регион", "ФИО", "Менеджер", "Примечание", "Следующий звонок",
]  # fmt: skip


def fields(column_map: ColumnMap) -> dict[str, str | None]:
    return {c.header: c.field for c in column_map.columns}


def test_a_managers_own_list() -> None:
    assert fields(suggest_mapping(MANAGER)) == {
        "№": None,
        "Наименование": "name",
        "ИНН": "inn",
        "КПП": "kpp",
        "Тел.": "phone",
        "E-mail": "email",
        "Город": "city",
        "Контактное лицо": "contact_name",
        "Должность": "contact_position",
        "Ответственный": "owner",
        "Дата след. контакта": "next_action",
        "Сумма сделки": "deal_amount",
        "Комментарий": "note",
        "Сайт": None,
    }


def test_a_web_crm_export() -> None:
    assert list(fields(suggest_mapping(WEB_CRM)).values()) == [
        "name", "inn", "phone", "email", "city", "region", "contact_name", "contact_position", "owner",
        "next_action", "deal_amount", "note",
    ]  # fmt: skip


def test_a_1c_export() -> None:
    assert list(fields(suggest_mapping(ONE_C)).values()) == [
        "name", "inn_kpp", "ogrn", "legal_form", "phone", "phone", "email", "address", "region",
        "contact_name", "owner", "note", "next_action",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Компания", "name"),
        ("Организация", "name"),
        ("Клиент", "name"),
        ("Client", "name"),
        ("INN", "inn"),
        ("Телефон", "phone"),
        ("ТЕЛЕФОН 2", "phone"),
        ("Контактный телефон", "phone"),
        ("Телефонн", "phone"),  # a typo
        ("Phone", "phone"),
        ("Почта", "email"),
        ("City", "city"),
        ("Контакт", "contact_name"),
        ("ФИО контактного лица", "contact_name"),
        ("Position", "contact_position"),
        ("Manager", "owner"),
        ("Дата следующего действия", "next_action"),
        ("Примечание", "note"),
        ("Сумма", "deal_amount"),
        ("Deal amount", "deal_amount"),
        ("Адрес", "address"),
        ("Ёмкость", None),
    ],
)
def test_single_headers(header: str, field: str | None) -> None:
    found, confidence = match_field(header)
    if field is None:
        assert confidence < 80
    else:
        assert found == field and confidence >= 80


def test_confidence_is_reported_and_low_scores_stay_unmapped() -> None:
    column_map = suggest_mapping(["Наименование", "Статус", "Тедефон"])
    name, status, phone = column_map.columns
    assert (name.field, name.confidence, name.source) == ("name", 100, "suggested")
    assert status.field is None and status.confidence < 80
    assert phone.field == "phone" and 80 <= phone.confidence < 100
    assert column_map.unmapped == (status,)


def test_a_single_valued_field_keeps_its_best_column() -> None:
    column_map = suggest_mapping(["Наименование фирмы", "Компания", "Телефон", "Моб.", "Email", "Почта"])
    assert [c.field for c in column_map.columns] == [None, "name", "phone", "phone", "email", "email"]
    assert column_map.columns[0].guess == "name"  # the wizard may offer it
    tie = suggest_mapping(["Компания", "Наименование"])
    assert [c.field for c in tie.columns] == ["name", None]  # equal scores: the leftmost column


def test_explicit_mapping_beats_suggestions() -> None:
    column_map = suggest_mapping(MANAGER, {"тел.": "ignore", "Сайт": "note", "Комментарий": "name"})
    assert fields(column_map)["Тел."] is None
    assert fields(column_map)["Сайт"] == "note"
    assert fields(column_map)["Комментарий"] == "name"
    assert fields(column_map)["Наименование"] is None  # name is taken by the explicit column
    assert {c.source for c in column_map.columns if c.header in {"Сайт", "Тел."}} == {"explicit"}


def test_an_explicit_header_names_its_repeats() -> None:
    column_map = suggest_mapping(["Наименование", "Доп", "Доп (2)"], {"Доп": "phone"})
    assert [c.field for c in column_map.columns] == ["name", "phone", "phone"]


def test_explicit_errors() -> None:
    with pytest.raises(MappingError) as error:
        suggest_mapping(MANAGER, {"Тел.": "telephone"})
    assert str(error.value).startswith("unknown field 'telephone' for column 'Тел.'; valid fields: name, ")
    assert all(f in str(error.value) for f in FIELDS)
    with pytest.raises(MappingError, match=r"^no column 'Факс' in the file; the columns are '№', "):
        suggest_mapping(MANAGER, {"Факс": "phone"})
    with pytest.raises(MappingError, match=r"'ИНН' and 'КПП' are both mapped to inn"):
        suggest_mapping(MANAGER, {"ИНН": "inn", "КПП": "inn"})
    assert suggest_mapping(MANAGER, {"Факс": "phone"}, strict=False).as_dict()["Тел."] == "phone"


def test_map_options() -> None:
    assert parse_map_option("Тел.=phone") == ("Тел.", "phone")
    assert parse_map_option(" Дата = след = next_action ") == ("Дата = след", "next_action")
    assert parse_map_options(["Тел.=phone", "Тел.=email", "Сайт=IGNORE"]) == {
        "Тел.": "email",
        "Сайт": "ignore",
    }
    for bad in ("Тел.", "=phone", "Тел.="):
        with pytest.raises(MappingError, match="is not HEADER=FIELD"):
            parse_map_option(bad)
    with pytest.raises(MappingError, match="unknown field 'fax'"):
        parse_map_option("Факс=fax")


def test_toml_mapping_file(tmp_path: Path) -> None:
    path = tmp_path / "petrov.toml"
    path.write_text('[columns]\n"Тел." = "phone"\n"Сайт" = "note"\n', encoding="utf-8")
    explicit = load_mapping_file(path)
    assert explicit == {"Тел.": "phone", "Сайт": "note"}
    assert fields(suggest_mapping(MANAGER, explicit))["Сайт"] == "note"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('columns = "phone"\n', r"expected a \[columns\] table"),
        ('[columns]\n"Тел." = 5\n', r"expected a \[columns\] table"),
        ('[columns]\n"Тел." = "fax"\n', "unknown field 'fax'"),
        ("[columns\n", "not a valid TOML file"),
    ],
)
def test_bad_toml_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(MappingError, match=message):
        load_mapping_file(path)


def test_missing_toml_file(tmp_path: Path) -> None:
    with pytest.raises(MappingError, match=r"^nope\.toml: cannot be read"):
        load_mapping_file(tmp_path / "nope.toml")


def test_header_signature() -> None:
    signature = header_signature(MANAGER)
    assert len(signature) == 16
    assert header_signature([h.upper() + " " for h in MANAGER] + ["", ""]) == signature
    assert header_signature(MANAGER[:-1]) != signature
    assert header_signature(list(reversed(MANAGER))) != signature
    assert header_signature(["Телефон"]) == "544c4eb6ab8f4953"  # stable across runs and machines (sha256)
    assert header_signature(["Ёлка"]) == header_signature(["елка"])
