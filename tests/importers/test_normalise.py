"""Normalisers: the messy spellings from managers' files, and properties over any cell value."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crm_tui.domain.values.amounts import normalise_amount
from crm_tui.domain.values.cells import Normalised, cell_text
from crm_tui.domain.values.dates import normalise_date
from crm_tui.domain.values.emails import normalise_emails
from crm_tui.domain.values.legal_forms import canonical_form, split_legal_form
from crm_tui.domain.values.phones import _fast_ru, format_phone, normalise_phones
from crm_tui.domain.values.requisites import (
    is_valid_inn,
    normalise_inn,
    normalise_inn_kpp,
    normalise_kpp,
    normalise_ogrn,
)
from crm_tui.domain.values.text import normalise_person_name, normalise_text
from crm_tui.i18n import Message
from tests.importers.files import INN_ZERO, LEGAL_SPELLINGS, inn10

CELLS = st.one_of(
    st.text(),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.datetimes(),
    st.dates(),
    st.times(),
    st.timedeltas(),
    st.none(),
    st.decimals(allow_nan=True),
)
PHONE_TEXT = st.text(alphabet="0123456789 +-()#,;/доб.ext", max_size=40)
NORMALISERS: list[Callable[[object], Normalised[object]]] = [
    normalise_phones,
    normalise_emails,
    normalise_inn,
    normalise_inn_kpp,
    normalise_kpp,
    normalise_ogrn,
    split_legal_form,
    normalise_date,
    normalise_amount,
    normalise_text,
    normalise_person_name,
]


# --- phones ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        (89151234567, [("+79151234567", None)]),
        (89151234567.0, [("+79151234567", None)]),
        ("89151234567", [("+79151234567", None)]),
        ("9151234567", [("+79151234567", None)]),
        (9151234567, [("+79151234567", None)]),
        ("+7 (915) 123-45-67", [("+79151234567", None)]),
        ("8 (495) 111-22-33, доб. 12; +7 916 000 11 22", [("+74951112233", "12"), ("+79160001122", None)]),
        ("8 495 111 22 33 ext 12", [("+74951112233", "12")]),
        ("+7 495 111 22 33 #12", [("+74951112233", "12")]),
        ("8-495-111-22-33 (доб. 345)", [("+74951112233", "345")]),
        ("тел. 8 915 123 45 67 и 8 916 000 11 22", [("+79151234567", None), ("+79160001122", None)]),
        ("8 915 123 45 67\n8 916 000 11 22", [("+79151234567", None), ("+79160001122", None)]),
        ("89151234567 / 89151234567", [("+79151234567", None)]),
        ("8 800 555 35 35", [("+78005553535", None)]),
        ("+44 20 7946 0958", [("+442079460958", None)]),
    ],
)
def test_phones(cell: object, expected: list[tuple[str, str | None]]) -> None:
    result = normalise_phones(cell)
    assert [(p.e164, p.extension) for p in result.value] == expected
    assert result.warnings == ()


def test_bad_phone_parts_are_warnings_and_the_good_ones_stay() -> None:
    result = normalise_phones("123-45; 8 915 123 45 67; доб. 7; звонить вечером")
    assert [(p.e164, p.extension) for p in result.value] == [("+79151234567", "7")]
    assert len(result.warnings) == 2
    assert "'123-45'" in str(result.warnings[0])
    assert result.raw == "123-45; 8 915 123 45 67; доб. 7; звонить вечером"


def test_phone_keeps_the_raw_part() -> None:
    (phone,) = normalise_phones("8 (495) 111-22-33, доб. 12").value
    assert phone.raw == "8 (495) 111-22-33, доб. 12"


@given(st.from_regex(r"[3489][0-9]{9}", fullmatch=True), st.sampled_from(["", "8", "7", "+7"]))
def test_the_fast_path_agrees_with_phonenumbers(national: str, prefix: str) -> None:
    import phonenumbers

    number = phonenumbers.parse(prefix + national, "RU")
    valid = phonenumbers.is_valid_number(number)
    fast = _fast_ru(prefix + national)
    if valid and number.country_code == 7 and phonenumbers.region_code_for_number(number) == "RU":
        assert fast == phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    else:
        assert fast is None


@given(PHONE_TEXT)
def test_phones_are_idempotent(text: str) -> None:
    first = normalise_phones(text).value
    again = normalise_phones("; ".join(format_phone(p) for p in first)).value
    assert [(p.e164, p.extension) for p in again] == [(p.e164, p.extension) for p in first]


# --- e-mails ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "expected"),
    [
        ("Info@Romashka.RU", ["info@romashka.ru"]),
        ("  mailto:Info@Romashka.RU ", ["info@romashka.ru"]),
        ("MAILTO:a@b.ru?subject=Привет", ["a@b.ru"]),
        ("a@b.ru; c@d.com, e@f.org", ["a@b.ru", "c@d.com", "e@f.org"]),
        ("a@b.ru\nA@B.RU", ["a@b.ru"]),
        ("Иван Петров <ivan@x.ru>", ["ivan@x.ru"]),
        ("почта@пример.рф", ["почта@пример.рф"]),
        ("x@y.xn--p1ai", ["x@y.xn--p1ai"]),
    ],
)
def test_emails(cell: str, expected: list[str]) -> None:
    result = normalise_emails(cell)
    assert [e.value for e in result.value] == expected
    assert result.warnings == ()


@pytest.mark.parametrize("cell", ["bad@", "@x.ru", "a@b", "ivan(at)mail.ru", "a..b@c.ru", "a@-b.ru"])
def test_invalid_emails_are_warnings_with_raw_kept(cell: str) -> None:
    result = normalise_emails(cell)
    assert result.value == ()
    assert result.warnings
    assert result.raw == cell


@pytest.mark.parametrize("cell", ["не почта", "ivan at mail ru", "нет; спросить"])
def test_a_cell_with_no_address_at_all_is_one_problem_naming_the_cell(cell: str) -> None:
    """«не почта» gave two problems, «не» and «почта»."""
    result = normalise_emails(cell)
    assert result.value == ()
    assert [str(w) for w in result.warnings] == [f"'{cell}' is not an e-mail address"]


@given(st.emails())
def test_generated_emails_are_accepted_and_idempotent(address: str) -> None:
    first = normalise_emails(address)
    if first.value:
        again = normalise_emails("; ".join(e.value for e in first.value))
        assert [e.value for e in again.value] == [e.value for e in first.value]


# --- INN / KPP / OGRN ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "inn", "kpp"),
    [
        (7707083893, "7707083893", None),
        (7707083893.0, "7707083893", None),
        ("7707083893", "7707083893", None),
        ("ИНН 7707083893", "7707083893", None),
        (" 7707 083 893 ", "7707083893", None),
        ("7707083893/770701001", "7707083893", "770701001"),
        ("7707083893 / 770701001", "7707083893", "770701001"),
        ("ИНН/КПП: 7707083893\\770701001", "7707083893", "770701001"),
        ("7707083893 770701001", "7707083893", "770701001"),
        (500100732259, "500100732259", None),
        (float(INN_ZERO), INN_ZERO, None),  # the number cell lost the leading zero
        (INN_ZERO[1:], INN_ZERO, None),  # ...and so did a CSV written from it
        ("-", None, None),
        ("", None, None),
    ],
)
def test_inn(cell: object, inn: str | None, kpp: str | None) -> None:
    result = normalise_inn_kpp(cell)
    assert result.value == (inn, kpp)
    assert result.warnings == ()


@pytest.mark.parametrize("cell", ["7707083890", "12345", 7707083890.0, "ИНН неизвестен", 77070838.5, True])
def test_bad_inn_is_a_warning_with_raw_kept(cell: object) -> None:
    result = normalise_inn(cell)
    assert result.value is None
    assert len(result.warnings) == 1
    assert result.raw


def test_kpp_and_ogrn() -> None:
    assert normalise_kpp(70701001.0).value == "070701001"
    assert normalise_kpp("КПП 770701001").value == "770701001"
    assert normalise_kpp("7707AB001").value == "7707AB001"
    assert normalise_kpp("77070100").warnings
    assert normalise_ogrn(1027700132195.0).value == "1027700132195"
    assert normalise_ogrn("ОГРН 1027700132195").value == "1027700132195"
    assert normalise_ogrn("1027700132194").warnings


@given(st.from_regex(r"(0[1-9]|[1-9][0-9])[0-9]{7}", fullmatch=True))
def test_valid_inn_is_a_fixed_point(body: str) -> None:
    inn = inn10(body)  # a region code 01..99 first, as in every real INN
    assert is_valid_inn(inn)
    assert normalise_inn(inn).value == inn
    assert normalise_inn(int(inn)).value == inn
    assert normalise_inn(float(inn)).value == inn


# --- legal forms -----------------------------------------------------------------------------


@pytest.mark.parametrize(("cell", "form"), LEGAL_SPELLINGS.items())
def test_every_spelling_of_a_legal_form(cell: str, form: str) -> None:
    result = split_legal_form(cell)
    assert result.warnings == ()
    assert result.value.form == form
    assert result.value.name in {"Ромашка", "Romashka", "Иванов Иван Иванович", "Иванов И.И."}


@pytest.mark.parametrize(
    ("cell", "form", "name"),
    [
        ("ООО «Ромашка»", "ООО", "Ромашка"),
        ("Ромашка ООО", "ООО", "Ромашка"),
        ("Ромашка, ООО", "ООО", "Ромашка"),
        ("ооо ромашка", "ООО", "Ромашка"),
        ('ООО "Ромашка"', "ООО", "Ромашка"),
        ('ООО"Ромашка"', "ООО", "Ромашка"),
        ("Общество с ограниченной ответственностью «Ромашка»", "ООО", "Ромашка"),
        ("ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ «РОМАШКА»", "ООО", "РОМАШКА"),
        ("ЗАО «ТД «Ромашка»»", "ЗАО", "ТД «Ромашка»"),
        ("ИП Иванов Иван Иванович", "ИП", "Иванов Иван Иванович"),
        ("ип иванов иван иванович", "ИП", "Иванов Иван Иванович"),
        ("Иванов И.П.", "ИП", "Иванов"),
        ("индивидуальный предприниматель Петров П.П.", "ИП", "Петров П.П."),
        ("Romashka LLC", "ООО", "Romashka"),
        ("OOO Romashka", "ООО", "Romashka"),
        ("ПАО «Газпром нефть»", "ПАО", "Газпром нефть"),
        ("Ромашка", None, "Ромашка"),
        ("«Ромашка» и «Лютик»", None, "«Ромашка» и «Лютик»"),
        ("Всего понемногу", None, "Всего понемногу"),
        ("  ООО   «Ромашка   Плюс»  ", "ООО", "Ромашка Плюс"),
    ],
)
def test_legal_form_and_name(cell: str, form: str | None, name: str) -> None:
    assert split_legal_form(cell).value == (form, name)


def test_a_lone_legal_form_has_no_name() -> None:
    result = split_legal_form("АО")
    assert result.value == ("АО", "")
    assert result.warnings


def test_canonical_form() -> None:
    assert canonical_form("общество с ограниченной ответственностью") == "ООО"
    assert canonical_form("Индивидуальный предприниматель") == "ИП"
    assert canonical_form("ТОО") is None


@given(st.text(alphabet="ОоАПЗИНКГУМФ «»\"',.абвгдРомашка LLCOo", max_size=30))
def test_the_name_is_a_fixed_point(text: str) -> None:
    name = split_legal_form(text).value.name
    assert split_legal_form(name).value == (None, name)


# --- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        date(2026, 12, 5),
        datetime(2026, 12, 5, 10, 30),
        46361,
        46361.4375,
        "46361",
        "05.12.2026",
        "5.12.2026",
        "05.12.26",
        "05/12/2026",
        "05-12-2026",
        "2026-12-05",
        "2026-12-05T10:30:00",
        "2026-12-05 10:30",
        "05.12.2026 10:30",
        "20261205",
        "5 декабря 2026",
        "5 декабря 2026 г.",
        "05 ДЕКАБРЯ 2026 года",
        "5 дек. 2026",
        "5 Dec 2026",
        "December 5, 2026",
    ],
)
def test_dates(cell: object) -> None:
    result = normalise_date(cell)
    assert result.value == date(2026, 12, 5)


@pytest.mark.parametrize("cell", [None, "", "   "])
def test_blank_date(cell: str | None) -> None:
    assert normalise_date(cell) == Normalised(None, cell or "")


@pytest.mark.parametrize(
    "cell",
    [
        "завтра",
        "сегодня",
        "пт",
        "tomorrow",
        "+3",
        "31.02.2026",
        "Dec 2026",
        "12",
        -5,
        1e12,
        True,
        time(10, 30),
        "2026",
    ],
)
def test_garbage_dates_are_warnings(cell: object) -> None:
    result = normalise_date(cell)
    assert result.value is None
    assert result.warnings


def test_month_first_is_read_with_a_note() -> None:
    result = normalise_date("12/25/2026")
    assert result.value == date(2026, 12, 25)
    assert result.warnings


@given(st.dates(min_value=date(1000, 1, 1), max_value=date(9999, 12, 31)))
def test_dates_are_fixed_points(day: date) -> None:
    for spelling in (day, day.isoformat(), f"{day.day:02d}.{day.month:02d}.{day.year}"):
        assert normalise_date(spelling).value == day
    if 1970 <= day.year <= 2069:  # two-digit years: 70..99 are 19xx, 00..69 are 20xx
        assert normalise_date(day.strftime("%d.%m.%y")).value == day
    assert normalise_date(normalise_date(day).value).value == day


# --- amounts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cell", "kopecks"),
    [
        ("1 200 000,50 руб.", 120000050),
        ("1 200 000,50", 120000050),
        ("1\u00a0200\u00a0000,50 ₽", 120000050),
        ("1200000.5", 120000050),
        ("1 200 000 ₽", 120000000),
        ("1 200 000 р.", 120000000),
        ("RUB 1200", 120000),
        (1200000.5, 120000050),
        (1200000, 120000000),
        (0.1 + 0.2, 30),  # the float error never reaches the kopecks
        ("12,5 тыс.", 1250000),
        ("12,5 тыс. руб.", 1250000),
        ("1,5 млн", 150000000),
        ("1,200,000.50", 120000050),
        ("1.200.000,50", 120000050),
        ("-500", -50000),
        ("0,005", 1),  # rounded half up to the kopeck
        ("100", 10000),
    ],
)
def test_amounts(cell: object, kopecks: int) -> None:
    assert normalise_amount(cell).value == kopecks


@settings(max_examples=300)
@given(
    st.one_of(
        st.integers(min_value=-(10**13), max_value=10**13),
        st.integers(min_value=-(10**12), max_value=10**12).map(float),
        st.sampled_from([10**12 - 1, 10**12, -(10**12), 1e12, -1e12, 999_999_999_999.0, -0.0, 0.0, 2.0**53]),
    )
)
def test_a_whole_number_cell_reads_as_the_decimal_path_reads_it(cell: float) -> None:
    """Whole numbers of roubles skip the Decimal arithmetic; what they read as must not change:
    the kopecks, the text kept, and the refusal of what is too large."""
    found = normalise_amount(cell)
    exact = Decimal(repr(cell)) * 100
    if abs(exact) < 10**14:
        assert found == Normalised(int(exact), cell_text(cell))
    else:
        assert found.value is None
        assert [w.code for w in found.warnings] == ["amount.too_large"]


def test_three_decimals_read_as_thousands() -> None:
    result = normalise_amount("1,200")
    assert result.value == 120000
    assert result.warnings


@pytest.mark.parametrize(
    "cell", ["abc", "$100", "1 200 руб 50 коп", True, float("nan"), float("inf"), 10**20, "1e5"]
)
def test_bad_amounts_are_warnings(cell: object) -> None:
    result = normalise_amount(cell)
    assert result.value is None
    assert result.warnings


@given(st.decimals(min_value=Decimal("-999999999999.99"), max_value=Decimal("999999999999.99"), places=2))
def test_amounts_are_fixed_points(amount: Decimal) -> None:
    kopecks = int(amount * 100)
    whole, fraction = f"{abs(amount):.2f}".split(".")
    grouped = f"{int(whole):,}".replace(",", " ")
    sign = "-" if amount < 0 else ""
    assert normalise_amount(f"{sign}{grouped},{fraction} руб.").value == kopecks
    assert normalise_amount(str(amount)).value == kopecks


# --- text ------------------------------------------------------------------------------------


def test_text_and_names() -> None:
    assert normalise_person_name("  Иванов \t Иван\u00a0Иванович ").value == "Иванов Иван Иванович"
    assert normalise_text("").value is None
    assert normalise_text(" a \n\n  b  c ", multiline=True).value == "a\nb c"
    assert normalise_text(42).value == "42"


@given(CELLS)
def test_text_is_idempotent(cell: object) -> None:
    once = normalise_text(cell).value
    assert normalise_text(once).value == once


# --- any cell at all -------------------------------------------------------------------------


@settings(max_examples=300)
@given(CELLS)
def test_no_normaliser_raises_on_any_cell(cell: object) -> None:
    for normaliser in NORMALISERS:
        result = normaliser(cell)
        assert isinstance(result, Normalised)
        assert isinstance(result.raw, str)
        assert all(isinstance(w, Message) and "\n" not in str(w) for w in result.warnings)


@given(st.one_of(st.floats(), st.integers(min_value=0, max_value=10**16)))
def test_numbers_do_not_break_normalisers(number: float) -> None:
    for normaliser in NORMALISERS:
        normaliser(number)


def test_odd_objects() -> None:
    class Broken:
        def __str__(self) -> str:
            raise RuntimeError("no text")

    for normaliser in NORMALISERS:
        assert normaliser(Broken()).raw == "<Broken>"
    assert normalise_date(timedelta(days=1)).warnings
