"""Where a record places a client when its city is empty: the INN's tax region, a landline's
area code, the town a domain spells."""

from __future__ import annotations

import pytest

from crm_tui.domain.duplicates.reasons import reason_text
from crm_tui.domain.values.region_cities import REGIONS
from crm_tui.domain.values.regions import region_of_inn, region_of_phone, regions_in_words, regions_of_city


@pytest.mark.parametrize(
    ("city", "region"),
    [("Липецк", "48"), ("г. Гатчина", "78"), ("Мытищи", "77"), ("НИЖНИЙ ТАГИЛ", "66"), ("Королев", "77")],
)
def test_a_town_is_in_its_region_and_a_capitals_region_is_the_capitals_market(city: str, region: str) -> None:
    assert regions_of_city(city) == {region}


def test_a_town_name_two_regions_share_says_one_of_them_and_an_unknown_one_nothing() -> None:
    assert regions_of_city("Железногорск") == {"24", "46"}
    assert regions_of_city("Верхние Пупки") == frozenset()


def test_an_inn_names_its_tax_offices_region_and_a_foreign_firms_inn_none() -> None:
    assert region_of_inn("7836199462") == "78"
    assert region_of_inn("500100732259") == "77"  # Московская область, Moscow's market
    assert region_of_inn("9909000000") is None  # a foreign company's office: 99 is no region
    assert region_of_inn("78") is None


@pytest.mark.parametrize(
    ("phone", "region"),
    [
        ("+74732223344", "36"),
        ("+78124475126", "78"),
        ("+78137155462", "78"),  # Ленинградская область answers for Санкт-Петербург's market
        ("+74952223344", "77"),
        ("+73435412233", "66"),
        ("+78552223344", "16"),  # Набережные Челны's own code
        ("+73832223344", "54"),
        ("+79161234567", None),  # a mobile goes anywhere
        ("+78001234567", None),  # a free number is nowhere
        ("+375171234567", None),
    ],
)
def test_a_landline_is_where_its_area_code_is(phone: str, region: str | None) -> None:
    assert region_of_phone(phone) == region


def test_every_regions_area_code_is_read_whatever_libphonenumber_calls_the_region() -> None:
    """Its Russian names differ from the tax service's ("Республика Саха /Якутия/", "Ханты -
    Мансийский - Югра АО", accents in "Луга́нская"): each must still come out as a region."""
    for code, (_, _towns) in REGIONS.items():
        assert code.isdigit() and len(code) == 2
    landlines = {"+74112223344": "14", "+73462223344": "86", "+78352223344": "21", "+73842223344": "42"}
    for phone, region in landlines.items():
        assert region_of_phone(phone) == region, phone


def test_a_domain_spelling_a_town_places_the_company_there() -> None:
    assert regions_in_words("олимп-новосибирск") == {"54"}
    assert regions_in_words("династия-воронеж") == {"36"}
    assert regions_in_words("кварцко") == frozenset()


def test_the_review_names_the_region_not_its_code() -> None:
    assert "Санкт-Петербург" in reason_text("same region 78")
