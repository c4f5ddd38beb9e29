"""Errors and import messages: a stable code and the values they name, worded in the language of
whoever shows them (the CLI's error line, the errors file, the import's problems), never at the
moment they were raised; ``--json`` carries the codes."""

from __future__ import annotations

import ast
import json
import pickle
import string
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import load_workbook

from crm_tui import i18n
from crm_tui.config.file import ConfigError, read_settings_file
from crm_tui.domain.clients.edit import check_requisites
from crm_tui.domain.errors import InvalidInput, not_found
from crm_tui.domain.imports.batches import OrdersSummary
from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.values.requisites import normalise_inn_kpp
from crm_tui.domain.values.typed import read_typed
from crm_tui.i18n import N_, Message
from crm_tui.keymap import parse_keys
from tests.cli_support import crm, error_line
from tests.importers.files import write_managers_xlsx
from tools import catalogue

ROOT = Path(__file__).resolve().parents[2]
AREA = [
    *(ROOT / "crm_tui" / "domain").rglob("*.py"),
    *(ROOT / "storage").rglob("*.py"),
    *(ROOT / "importers").rglob("*.py"),
    *(ROOT / "scheduling").rglob("*.py"),
    ROOT / "crm_tui" / "demo" / "builder.py",
    *(ROOT / "crm_tui" / "config").rglob("*.py"),
    *(ROOT / "crm_tui" / "keymap").rglob("*.py"),
]
"""Where the errors and the import's messages are raised and made."""
PROGRAMMERS_ERRORS = {"ValueError", "AssertionError", "RuntimeError", "TypeError", "KeyError", "Error"}
"""Exceptions that say a caller got the code wrong (or that a reader turns into one of ours)."""


def _marked(path: Path) -> Iterator[tuple[str, int]]:
    """The msgids ``N_("...")`` marks in ``path``, with their lines."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "N_":
            argument = node.args[0]
            assert isinstance(argument, ast.Constant) and isinstance(argument.value, str), (path, node.lineno)
            yield argument.value, node.lineno


def _fields(template: str) -> set[str]:
    return {name for _text, name, _spec, _conversion in string.Formatter().parse(template) if name}


class _Any:
    """A value any field of a template takes, whatever its format or conversion."""

    def __format__(self, spec: str) -> str:
        return "x"

    def __repr__(self) -> str:
        return "'x'"


@pytest.fixture
def russian() -> Iterator[None]:
    before = i18n.current_locale()
    i18n.set_locale("ru")
    yield
    i18n.set_locale(before)


def test_every_message_of_the_domain_storage_importers_and_settings_has_a_russian_translation() -> None:
    """Each msgid marked where an error or a message is made: translated, naming no value the
    English does not give, and a template ``str.format`` accepts."""
    translations = {catalogue.ids(m)[0]: m for m in catalogue.read("ru") if m.id}
    problems = []
    for path in AREA:
        for msgid, line in _marked(path):
            where = f"{path.relative_to(ROOT)}:{line}"
            entry = translations.get(msgid)
            if entry is None or entry.fuzzy or not entry.string:
                problems.append(f"{where}: no Russian for {msgid!r}")
                continue
            russian = str(entry.string)
            if not _fields(russian) <= _fields(msgid):
                problems.append(f"{where}: {russian!r} names {_fields(russian) - _fields(msgid)}")
                continue
            russian.format_map({name: _Any() for name in _fields(msgid)})
    assert problems == []


def test_no_error_is_raised_with_an_english_sentence() -> None:
    """An error is raised with its code and a msgid, never with the words themselves."""
    found = []
    for path in AREA:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call) and node.exc.args):
                continue
            call, first = node.exc, node.exc.args[0]
            name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
            worded = isinstance(first, ast.JoinedStr) or (
                isinstance(first, ast.Constant) and isinstance(first.value, str) and len(call.args) == 1
            )
            if worded and name[:1].isupper() and name not in PROGRAMMERS_ERRORS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}: {name}")
    assert found == []


def test_an_error_is_worded_when_it_is_shown_not_when_it_was_raised() -> None:
    with pytest.raises(InvalidInput) as raised:
        check_requisites({"inn": "7707083890"}, {"inn": "7707083890"})
    error = raised.value
    assert str(error) == (
        "inn: 7707083890 is not a valid INN (10 digits for a company, 12 for a person; checksum)"
    )
    i18n.set_locale("ru")
    try:
        assert str(error) == (
            "ИНН: 7707083890 — не ИНН "
            "(нужно 10 цифр у организации или 12 у физлица и ИП, с верной контрольной суммой)"
        )
        assert error.as_json() == {
            "error": str(error),
            "code": "client.inn_invalid",
            "params": {"field": "inn", "inn": "7707083890"},
        }
    finally:
        i18n.set_locale("en")
    assert (error.code, error.field) == ("client.inn_invalid", "inn")


def test_values_are_shown_as_they_are(russian: None) -> None:
    """A value is never read as a template or as markup: braces and brackets stay."""
    assert str(not_found("deal", "{id} [b]x[/b]")) == "сделка {id} [b]x[/b] не найдена"


def test_a_parsers_warning_names_the_field_in_the_language_shown(russian: None) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_typed("inn", normalise_inn_kpp, "7707083890", N_("an INN"), label=N_("inn"))
    assert str(refused.value) == "ИНН: «7707083890» не сходится по контрольной сумме ИНН"
    assert (refused.value.code, refused.value.field) == ("inn.checksum", "inn")
    assert refused.value.as_json()["params"] == {
        "field": "inn",
        "label": "inn",
        "reason": {"code": "inn.checksum", "params": {"inn": "7707083890"}},
    }


def test_numbers_in_a_message_are_written_as_the_language_writes_them() -> None:
    limit = Message("selection.too_large", N_("select at most {count:,} clients at a time"), count=10_000)
    size = ImportFileError(
        "big.xlsx",
        "too_large",
        N_("{file}: the file is too large ({size:.1f} MB; the limit is {limit:.1f} MB)"),
        size=250.5,
        limit=200.0,
    )
    assert str(limit) == "select at most 10,000 clients at a time"
    assert str(size) == "big.xlsx: the file is too large (250.5 MB; the limit is 200.0 MB)"
    i18n.set_locale("ru")
    try:
        assert str(limit) == "за раз можно выбрать не больше 10\u00a0000 клиентов"
        assert str(size) == "big.xlsx: файл слишком большой (250,5 МБ; предел 200,0 МБ)"
    finally:
        i18n.set_locale("en")
    assert (size.code, size.reason, size.file) == ("file.too_large", "too_large", "big.xlsx")


def test_messages_and_errors_cross_to_another_process_whole() -> None:
    """Rows parsed in the second process carry their warnings and rejection as messages."""
    warning = normalise_inn_kpp("7707083890").warnings[0]
    error = not_found("client", 7)
    assert pickle.loads(pickle.dumps(warning)) == warning
    again = pickle.loads(pickle.dumps(error))
    assert (type(again), again.code, again.params, str(again)) == (
        type(error),
        "client.not_found",
        {"id": 7},
        "client 7 not found",
    )


def test_settings_and_keymap_problems_are_coded_and_worded(tmp_path: Path, russian: None) -> None:
    path = tmp_path / "config.toml"
    path.write_text('theme = "pink"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        read_settings_file(path)
    assert refused.value.code == "config.theme_unknown"
    assert str(refused.value).startswith(
        f"файл настроек {path}: theme: неизвестная тема «pink»: укажите одну из"
    )
    _keys, problem = parse_keys("ctrl+ctrl+f")
    assert problem is not None and problem.code == "keymap.modifier_twice"
    assert str(problem) == "модификатор указан дважды в «ctrl+ctrl+f»"


def test_the_cli_error_line_for_a_bad_inn_is_russian(seeded_db: str) -> None:
    with i18n.missing_translations() as missing:
        done = crm(
            "--db", seeded_db, "clients", "edit", "1", "--set", "inn=7707083890",
            user="ivanova", extra_env={"CRM_LOCALE": "ru"},
        )  # fmt: skip
    assert done.returncode == 2
    assert error_line(done).endswith(
        "ИНН: 7707083890 — не ИНН (нужно 10 цифр у организации или 12 у физлица и ИП, "
        "с верной контрольной суммой)"
    )
    ours = {msgid for path in AREA for msgid, _line in _marked(path)}
    assert missing & ours == set()


def test_a_russian_import_words_its_errors_file_and_problems_and_json_carries_their_codes(
    seeded_db: str, tmp_path: Path
) -> None:
    petrov = write_managers_xlsx(tmp_path / "petrov.xlsx")
    with i18n.missing_translations() as missing:
        done = crm(
            "--db", seeded_db, "import", "clients", str(petrov), "--json",
            user="admin", data_dir=tmp_path / "data", extra_env={"CRM_LOCALE": "ru"}, check=True,
        )  # fmt: skip
    out = json.loads(done.stdout)
    rejected = "petrov.xlsx, лист «Клиенты», строка 12: отклонена: нет ни названия, ни контактов"
    assert rejected in out["problems"]
    coded = out["problem_codes"][out["problems"].index(rejected)]
    assert coded == {
        "code": "row.no_name_no_contact",
        "params": {
            "where": {"code": "row", "params": {"file": "petrov.xlsx", "sheet": "Клиенты", "row": 12}},
            "reason": {"code": "row.no_name_no_contact", "params": {}},
        },
    }
    assert len(out["problem_codes"]) == len(out["problems"])
    sheet = load_workbook(out["errors_file"]).active
    assert sheet is not None and sheet.title == "Строки для проверки"
    header, *rows = (tuple(r) for r in sheet.iter_rows(values_only=True))
    assert header[:4] == ("Файл", "Лист", "Строка", "Причина")
    reasons = {r[2]: r[3] for r in rows}
    assert reasons[12] == "нет ни названия, ни контактов"
    assert reasons[7] == "загружена, проверьте; эл. почта (E-mail): «bad@» — не адрес эл. почты"
    ours = {msgid for path in AREA for msgid, _line in _marked(path)}
    assert missing & ours == set()


def test_the_orders_summary_gives_scripts_the_codes_beside_the_words() -> None:
    summary = OrdersSummary(batch=None)
    summary.note(Message("order.number_missing", N_("no document number")))
    said = summary.as_json()
    assert (said["problems"], said["problem_codes"]) == (
        ["no document number"],
        [{"code": "order.number_missing", "params": {}}],
    )
