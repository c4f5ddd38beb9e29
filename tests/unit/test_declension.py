"""The genitive of a contract's «в лице ...»: a person's name and title as a Russian contract
writes them, and anything the rules cannot read left as written."""

from __future__ import annotations

import pytest

from crm_tui.domain.values.declension import genitive_name, genitive_position


@pytest.mark.parametrize(
    ("name", "genitive"),
    [
        ("Ёлкина Мария Петровна", "Ёлкиной Марии Петровны"),
        ("Орлов Игорь Сергеевич", "Орлова Игоря Сергеевича"),
        ("Белова Анна", "Беловой Анны"),
        ("Цой Виктор Робертович", "Цоя Виктора Робертовича"),
        ("Гусейнова Арзу Лутфияр кызы", "Гусейновой Арзу Лутфияр кызы"),
        ("ИВАНОВ ПЁТР", "ИВАНОВА ПЕТРА"),
        ("John Smith", "John Smith"),
        ("", ""),
    ],
)
def test_names(name: str, genitive: str) -> None:
    assert genitive_name(name) == genitive


@pytest.mark.parametrize(
    ("title", "genitive"),
    [
        ("Генеральный директор", "генерального директора"),
        ("Главный бухгалтер", "главного бухгалтера"),
        ("Директор по закупкам", "директора по закупкам"),
        ("Начальник отдела продаж", "начальника отдела продаж"),
        ("Заместитель генерального директора", "заместителя генерального директора"),
        ("Индивидуальный предприниматель", "индивидуального предпринимателя"),
        ("Офис-менеджер", "офис-менеджера"),
        ("Владелец", "владельца"),
        ("CEO", "CEO"),
        ("", ""),
    ],
)
def test_titles(title: str, genitive: str) -> None:
    assert genitive_position(title) == genitive
