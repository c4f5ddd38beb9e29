"""Sample files for the import tests, built once per session (see ``tests.importers.files``)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from tests.importers import files


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("import_samples")


@pytest.fixture(scope="session")
def managers_xlsx(samples: Path) -> Path:
    return files.write_managers_xlsx(samples / "petrov.xlsx")


@pytest.fixture(scope="session")
def cp1251_csv(samples: Path) -> Path:
    return files.write_cp1251_csv(samples / "1c_export.csv")


@pytest.fixture(scope="session")
def utf8_csv(samples: Path) -> Path:
    return files.write_utf8_bom_csv(samples / "web_crm.csv")


XLS_SHEETS: dict[str, list[list[object]]] = {
    "Контрагенты": [
        ["Выгрузка контрагентов из 1С:Предприятие"],
        [],
        ["Наименование", "ИНН", "КПП", "Телефон", "Дата след. контакта"],
        ["ООО «Ромашка»", 7707083893, 770701001, 89151234567, date(2026, 12, 5)],
        ["Лютик ЗАО", "7736050003", None, "8 (495) 111-22-33", datetime(2026, 12, 6, 10, 30)],
        ["Итого: 2", None, None, None, None],
    ],
    "Сделки": [["Сделка", "Сумма"], ["Поставка", 1000]],
}


@pytest.fixture(scope="session")
def old_xls(samples: Path) -> Path:
    return files.write_xls(samples / "1c.xls", XLS_SHEETS)


ODS_SHEETS: dict[str, list[list[object]]] = {
    "Клиенты": [
        ["Клиенты на 01.12.2026"],
        ["Компания", "ИНН", "Телефоны", "Почта", "Следующий звонок"],
        [
            "ооо ромашка",
            7707083893,
            "89151234567; 8 916 000 11 22",
            "mailto:A@Romashka.ru",
            date(2026, 12, 5),
        ],
    ],
}


@pytest.fixture(scope="session")
def ods(samples: Path) -> Path:
    return files.write_ods(samples / "libreoffice.ods", ODS_SHEETS)
