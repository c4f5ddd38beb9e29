"""A person's name and job title in the genitive, for a contract's «в лице ...»: «в лице главного
бухгалтера Ёлкиной Марии Петровны».

Names are declined by pytrovich (MIT; the petrovich project's own Python port and its rules,
checked by its authors against a corpus of 270,000 inflections): the gender from the patronymic,
else the first name, else the surname. A job title declines its leading adjectives and the noun
after them («главный бухгалтер» -> «главного бухгалтера»), the rest as written («директор по
закупкам» -> «директора по закупкам», «начальник отдела продаж» -> «начальника отдела продаж»).
A name or title that cannot be read this way is printed as it was written: a contract in the
nominative reads oddly, one with a garbled name is wrong.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pytrovich.detector import PetrovichGenderDetector
    from pytrovich.maker import PetrovichDeclinationMaker

_ADJECTIVE_ENDINGS = ("ый", "ий", "ой")
_CYRILLIC = frozenset("абвгдеёжзийклмнопрстуфхцчшщъыьэюя")


@cache
def _engine() -> tuple[PetrovichDeclinationMaker, PetrovichGenderDetector]:
    from pytrovich.detector import PetrovichGenderDetector
    from pytrovich.maker import PetrovichDeclinationMaker

    return PetrovichDeclinationMaker(), PetrovichGenderDetector()


def _russian(word: str) -> bool:
    return bool(word) and all(ch in _CYRILLIC or ch == "-" for ch in word.casefold())


def genitive_name(full_name: str) -> str:
    """ "Ёлкина Мария Петровна" -> "Ёлкиной Марии Петровны"; "Орлов Игорь" -> "Орлова Игоря".
    Surname first, as a Russian record writes it; anything else is returned as written."""
    parts = full_name.split()
    if not 1 <= len(parts) <= 4 or not all(_russian(p) for p in parts[:3]):
        return full_name
    from pytrovich.enums import Case, NamePart

    maker, detector = _engine()
    shouted = [p.isupper() and len(p) > 1 for p in parts]  # «ИВАНОВ ПЁТР»: declined, then upper again
    parts = [p.title() if loud else p for p, loud in zip(parts, shouted, strict=True)]
    last, first = parts[0], parts[1] if len(parts) > 1 else None
    middle = " ".join(parts[2:]) or None  # «Лутфияр кызы»
    try:
        gender = detector.detect(  # type: ignore[no-untyped-call]
            firstname=first, middlename=middle, lastname=last
        )
        out = [maker.make(NamePart.LASTNAME, gender, Case.GENITIVE, last)]
        if first:
            out.append(maker.make(NamePart.FIRSTNAME, gender, Case.GENITIVE, first))
        if middle:
            out.append(maker.make(NamePart.MIDDLENAME, gender, Case.GENITIVE, middle))
    except (KeyError, ValueError, IndexError):
        return full_name
    words = " ".join(out).split()
    if len(words) != len(shouted):
        return " ".join(out)
    return " ".join(w.upper() if loud else w for w, loud in zip(words, shouted, strict=True))


def _fleeting(noun: str) -> str | None:
    """A noun whose «е» drops (surnames keep it: «Кузнеца», but «владельца», «продавца»)."""
    folded = noun.casefold()
    if len(folded) > 4 and folded.endswith("ец") and folded[-3] not in "аеёиоуыэюя":
        return (
            noun[:-2] + ("ь" if folded[-3] == "л" else "") + noun[-1:].replace("ц", "ца").replace("Ц", "ЦА")
        )
    return None


def genitive_position(position: str) -> str:
    """ "Главный бухгалтер" -> "главного бухгалтера"; an abbreviation or a foreign title ("CEO",
    "ИП") as written."""
    from pytrovich.enums import Case, Gender, NamePart

    words = position.split()
    maker, _detector = _engine()
    out: list[str] = []
    declining = True
    for word in words:
        if declining and _russian(word) and not (len(word) > 1 and word.isupper()):
            head, dash, tail = word.rpartition("-")  # «офис-менеджер»: the last part declines
            try:
                declined = _fleeting(tail) or maker.make(NamePart.LASTNAME, Gender.MALE, Case.GENITIVE, tail)
            except (KeyError, ValueError, IndexError):
                return position
            out.append(head + dash + declined)
            declining = tail.casefold().endswith(_ADJECTIVE_ENDINGS)
        else:
            out.append(word)
            declining = False
    if out and out[0][:1].isupper() and out[0][1:2].islower():
        out[0] = out[0][:1].lower() + out[0][1:]  # in the middle of a sentence
    return " ".join(out)


def is_woman(full_name: str) -> bool | None:
    """Whether «Фамилия Имя Отчество» names a woman (by the patronymic, else the first name,
    else the surname, as ``genitive_name`` declines it); ``None`` when it cannot be told."""
    parts = full_name.split()
    if not 1 <= len(parts) <= 4 or not all(_russian(p) for p in parts[:3]):
        return None
    from pytrovich.enums import Gender

    _maker, detector = _engine()
    parts = [p.title() for p in parts]
    try:
        gender = detector.detect(  # type: ignore[no-untyped-call]
            firstname=parts[1] if len(parts) > 1 else None,
            middlename=" ".join(parts[2:]) or None,
            lastname=parts[0],
        )
    except (KeyError, ValueError, IndexError):
        return None
    return {Gender.FEMALE: True, Gender.MALE: False}.get(gender)
