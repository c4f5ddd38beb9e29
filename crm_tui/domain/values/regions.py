"""Which region of Russia a client is in, read from what its record holds.

A manager's file often leaves the city empty, yet the record still says where the company is:
its INN starts with its tax office's region ("78…" is Санкт-Петербург), a landline's area code
belongs to a region (libphonenumber's geocoding data, the one source the phones already use), a
company domain often spells its town ("olimp-novosibirsk.ru"). The duplicate rules compare
these when a name is all two records share and one has no city: «Лидер» with an INN of 78 and
«Лидер» in Санкт-Петербург may be one company; with an INN of 36 they are two.

Regions are the tax service's two-digit codes (``region_cities.REGIONS``); a capital and the
region around it count as one (``METROPOLITAN``).
"""

from __future__ import annotations

import re
from functools import cache

from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.region_cities import METROPOLITAN, REGIONS

_WORDS = re.compile(r"[^\w-]+")
_NOT_LETTERS = re.compile(r"[\W\d_]+")
_CITY_PREFIX = re.compile(r"^(?:г|гор|город|пос|пгт|п|с|село|дер|д|ст)\.?\s+")
_REGION_WORDS = re.compile(
    r"\b(?:г|обл|область|край|республика|респ|автономный|округ|ао|народная)\b\.?", re.IGNORECASE
)


def area(code: str) -> str:
    """The market a region code belongs to (Московская область is Moscow's)."""
    return METROPOLITAN.get(code, code)


@cache
def _towns() -> dict[str, frozenset[str]]:
    towns: dict[str, set[str]] = {}
    for code, (_, names) in REGIONS.items():
        for name in names.split(","):
            towns.setdefault(fold(name), set()).add(area(code))
    return {name: frozenset(codes) for name, codes in towns.items()}


@cache
def _region_names() -> dict[str, str]:
    """A region's name reduced to its distinctive word: "воронежская", "татарстан"."""
    return {_region_key(name): area(code) for code, (name, _) in REGIONS.items()}


def _region_key(name: str) -> str:
    """The first word that is the region's own: "Республика Саха /Якутия/" and "Республика Саха
    (Якутия)" are "саха", "Ханты - Мансийский - Югра АО" is "ханты"."""
    plain = _REGION_WORDS.sub(" ", fold(name).replace("\u0301", ""))
    words = _NOT_LETTERS.split(plain)
    return next((w for w in words if w), "")


def regions_of_city(city: str) -> frozenset[str]:
    """The regions a town of that name is in ("г. Гатчина" -> {"78"}); empty when unknown."""
    name = _CITY_PREFIX.sub("", fold(city))
    return _towns().get(name, frozenset())


def region_of_inn(inn: str) -> str | None:
    """The region of the tax office that gave the INN; ``None`` for a code no region has."""
    code = inn[:2]
    return area(code) if len(inn) in (10, 12) and code in REGIONS else None


def region_of_phone(e164: str) -> str | None:
    """The region of a Russian landline's area code; ``None`` for mobiles, free numbers, abroad."""
    if not e164.startswith("+7") or e164[2:3] not in ("3", "4", "8") or e164.startswith("+7800"):
        return None
    return _region_of_landline(e164[:8])


@cache
def _region_of_landline(prefix: str) -> str | None:
    """By the first six digits: a region's area codes are three to five digits long."""
    import phonenumbers
    from phonenumbers import geocoder

    number = phonenumbers.parse(prefix + "0000", None)
    described = geocoder.description_for_number(number, "ru")
    return _region_names().get(_region_key(described)) or next(iter(regions_of_city(described)), None)


def regions_in_words(text: str) -> frozenset[str]:
    """The regions of the towns a text names, word by word ("олимп-новосибирск" names one)."""
    towns = _towns()
    found: set[str] = set()
    for word in _WORDS.split(fold(text)):
        for part in (word, *word.split("-")):
            found |= towns.get(part, frozenset())
    return frozenset(found)
