"""Three managers' files about partly the same companies, with the traps duplicate search meets.

Each row is tagged with the company it really is (``truth``), so a test can measure merges and
proposals pairwise. The traps: one name in two cities with different INNs, a business centre's
phone shared by unrelated companies, typos, transliterated names, INNs stored as numbers, and a
company with a branch (one INN, two KPPs). Everything is deterministic.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from tests.importers.files import inn10, write_rows_xlsx

HEADER = ["Наименование", "ИНН", "КПП", "Телефон", "E-mail", "Город", "Контактное лицо"]
SWITCHBOARD = "8 (495) 777-77-77"
_WORDS = [
    "Ромашка", "Лютик", "Василёк", "Берёзка", "Одуванчик", "Сосна", "Кедр", "Ольха", "Рябина", "Калина",
    "Гранит", "Базальт", "Кварц", "Малахит", "Агат", "Янтарь", "Сапфир", "Топаз", "Опал", "Рубин",
    "Меридиан", "Горизонт", "Зенит", "Полюс", "Экватор", "Тропик", "Пассат", "Муссон", "Бриз", "Штиль",
]  # fmt: skip
_LATIN = {"Ромашка": "Romashka", "Лютик": "Lyutik", "Гранит": "Granit", "Зенит": "Zenit"}
_CITIES = ["Москва", "Тверь", "Казань", "Липецк"]


@dataclass
class TrapSet:
    files: list[Path]
    truth: dict[tuple[str, int], str] = field(default_factory=dict)
    """(file name, sheet row number) -> the company the row really is."""


def _typo(name: str) -> str:
    """One letter changed near the end, as a hurried manager types."""
    vowels = "аоеиыу"
    for i in range(len(name) - 1, 0, -1):
        if name[i] in vowels:
            return name[:i] + ("о" if name[i] != "о" else "а") + name[i + 1 :]
    return name + "а"


def _phone(digits: str, style: int) -> object:
    """``digits`` is 10 digits after +7."""
    if style == 0:
        return f"8 ({digits[:3]}) {digits[3:6]}-{digits[6:8]}-{digits[8:]}"
    if style == 1:
        return int("8" + digits)
    return f"+7 {digits[:3]} {digits[3:]}"


def build(folder: Path, seed: int = 7) -> TrapSet:
    rng = random.Random(seed)
    rows: list[list[tuple[str, list[object]]]] = [[], [], []]
    for n, word in enumerate(_WORDS[:24]):
        company = f"c{n}"
        inn = inn10(f"52{n:07d}")
        phone = f"495{n:07d}"
        email = f"office@{_LATIN.get(word, f'firm{n}').lower()}.ru"
        city = _CITIES[n % len(_CITIES)]
        files = rng.sample(range(3), k=rng.choice((1, 2, 2, 3)))
        for k, f in enumerate(files):
            name = rng.choice([f"ООО «{word}»", f"{word} ООО", f"ооо {word.lower()}", f'ООО "{word}"'])
            if k == 1 and word in _LATIN:
                name = f"{_LATIN[word]} LLC"
            row_inn: object = int(inn) if (n + k) % 2 else inn
            if k == 2 or (n % 5 == 0 and k == 1):
                row_inn = None  # the INN is missing from one manager's file: phone and e-mail remain
            rows[f].append(
                (
                    company,
                    [
                        name,
                        row_inn,
                        None,
                        _phone(phone, (n + k) % 3),
                        email.upper() if k else email,
                        city,
                        f"Контакт {n}",
                    ],
                )
            )
    # Companies without INN, known by phone; the second file has a typo in the name.
    for n, word in enumerate(_WORDS[24:28]):
        company = f"p{n}"
        phone = f"8312{n:06d}"
        city = _CITIES[n % len(_CITIES)]
        rows[0].append((company, [f"ИП {word}ов", None, None, _phone(phone, 0), None, city, None]))
        rows[1].append((company, [f"ИП {_typo(word)}ов", None, None, _phone(phone, 1), None, city, None]))
    # Same company twice with nothing in common but the name and the city: only a person can tell.
    for n, word in enumerate(_WORDS[28:30]):
        company = f"n{n}"
        rows[1].append(
            (company, [f"ООО «{word} Плюс»", None, None, _phone(f"8422{n:06d}", 0), None, "Тверь", None])
        )
        rows[2].append(
            (company, [f"{word} Плюс ООО", None, None, _phone(f"8423{n:06d}", 2), None, "Тверь", None])
        )
    # Bridges: the first two files share no key for a company, the third has both keys; the
    # import joins the third row to one record, and only the scan can see that the two are one.
    for n, word in enumerate(("Фрегат", "Корвет")):
        company = f"b{n}"
        phone, email = f"4733{n:06d}", f"zakaz@{'fregat' if n == 0 else 'korvet'}.ru"
        rows[0].append((company, [f"ООО «{word}»", None, None, _phone(phone, 0), None, "Липецк", None]))
        rows[1].append((company, [f"{word} ООО", None, None, None, email, "Липецк", None]))
        rows[2].append(
            (company, [f"ооо {word.lower()}", None, None, _phone(phone, 2), email, "Липецк", None])
        )
    # Trap: one name in two cities, two legal entities.
    rows[0].append(
        ("vector-msk", ["ООО «Вектор»", inn10("530000001"), None, None, "msk@vector.ru", "Москва", None])
    )
    rows[2].append(
        ("vector-kzn", ["Вектор ООО", inn10("530000002"), None, None, "kzn@vector.ru", "Казань", None])
    )
    rows[1].append(("vector-msk", ["ооо вектор", int(inn10("530000001")), None, None, None, "Москва", None]))
    # Trap: a business centre's switchboard shared by unrelated tenants.
    for n, word in enumerate(("Альфа-Логистик", "Гамма Принт", "Дельта Клининг")):
        rows[n].append(
            (f"tenant{n}", [f"ООО «{word}»", None, None, SWITCHBOARD, f"info@tenant{n}.ru", "Москва", None])
        )
    # Trap: a company and its branch, one INN, two KPPs.
    inn = inn10("540000001")
    rows[0].append(
        ("north-hq", ["ООО «Северсталь-Торг»", inn, "770101001", "84957000001", None, "Москва", None])
    )
    branch = ["ООО «Северсталь-Торг»", int(inn), "780101001", "88127000001", None, "Санкт-Петербург", None]
    rows[2].append(("north-spb", branch))
    # Issue 27's kinds. A company's own domain with a typo in the name, the other record without
    # a city or an INN; a transliterated name with the same phone and city; a short name one
    # letter off with its domain in common.
    rows[0].append(("tekhno", ["ООО «Техновектор 12»", inn10("550000001"), None, None,
                               "petrova@tekhnovektor12.ru", "Москва", None]))  # fmt: skip
    rows[2].append(("tekhno", ["Техновектр 12", None, None, None, "snab@tekhnovektor12.ru", None, None]))
    rows[0].append(("kvarts", ["ООО «Кварц Ко»", None, None, _phone("4950101010", 0), None, "Москва", None]))
    rows[1].append(("kvarts", ["Kvarts Ko", None, None, _phone("4950101010", 2), "info@kvartsko.com",
                               "Москва", None]))  # fmt: skip
    rows[1].append(
        ("stroy", ["Стройресурс сервис", None, None, _phone("8435202020", 0), None, "Казань", None])
    )
    rows[2].append(("stroy", ["Stroyresurs Servis LLC", None, None, _phone("8435202020", 1), None, "Казань",
                              None]))  # fmt: skip
    rows[0].append(("kvarc-plus", ["Кварц Плюс", None, None, None, "info@kvarcplus.ru", "Тверь", None]))
    rows[1].append(("kvarc-plus", ["Квац Плюс", None, None, None, "zakaz@kvarcplus.ru", "Тверь", None]))
    # Their false friends: a common name in two cities and in a file without a city, and two
    # companies whose addresses are at one public mailbox service.
    rows[0].append(("tekhservis-msk", ["Техсервис", None, None, None, None, "Москва", None]))
    rows[1].append(("tekhservis-tver", ["Техсервис", None, None, None, None, "Тверь", None]))
    rows[2].append(("tekhservis-none", ["ООО Техсервис", None, None, None, None, None, None]))
    rows[0].append(("lider", ["Лидер", None, None, None, "lider77@mail.ru", "Липецк", None]))
    rows[2].append(("lider-plus", ["Лидер Плюс", None, None, None, "liderplus@mail.ru", "Липецк", None]))
    trap = TrapSet(files=[])
    for index, file_rows in enumerate(rows):
        rng.shuffle(file_rows)
        path = folder / f"manager{index + 1}.xlsx"
        write_rows_xlsx(path, [HEADER, *[r for _, r in file_rows]], sheet_name="Клиенты")
        trap.files.append(path)
        for number, (company, _) in enumerate(file_rows, start=2):
            trap.truth[path.name, number] = company
    return trap
