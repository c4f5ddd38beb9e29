"""Search keys and display formats."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from crm_tui.domain.clients.search_keys import search_patterns
from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.formatting import local_time, money, phone
from crm_tui.domain.values.phones import phone_query_digits
from tests.seed import MOSCOW


@given(st.text())
def test_fold_is_idempotent_and_search_patterns_never_raise(text: str) -> None:
    assert fold(fold(text)) == fold(text)
    for pattern in search_patterns(text):
        assert pattern.startswith("%") and pattern.endswith("%")


def test_fold_handles_cyrillic_case_yo_and_quotes() -> None:
    assert fold("  ООО  «Ёлочка»\t") == "ооо елочка"
    assert fold('"Ромашка"') == fold("ромашка")


def test_like_wildcards_typed_by_a_person_are_literal() -> None:
    assert search_patterns("100%_") == ("%100\\%\\_%",)


def test_a_phone_query_is_also_tried_as_digits_and_with_7_for_8() -> None:
    assert search_patterns("8 (495) 111") == ("%8 (495) 111%", "%8495111%", "%7495111%")


def test_a_whole_phone_query_is_read_as_the_import_reads_it() -> None:
    assert phone_query_digits("9001042757") == ("79001042757", "9001042757")
    assert phone_query_digits("8 900 104 27 57 доб. 12") == ("79001042757",)
    assert phone_query_digits("+44 20 7946 0958") == ("442079460958",)
    assert "%79001042757%" in search_patterns("8 (900) 104-27-57, доб. 12")
    assert phone_query_digits("ромашка") == () and phone_query_digits("8 91") == ()


def test_money_and_phone_formats() -> None:
    assert money(123_456_789) == "1\u202f234\u202f567 ₽"
    assert money(-5_050, with_kopecks=True) == "-50.50 ₽"  # English; Russian "-50,50 ₽": test_formats
    assert phone("+74951112233") == "+7 495 111-22-33"
    assert phone("+380441234567") == "+380441234567"
    assert local_time(datetime(2026, 11, 20, 21, 30, tzinfo=UTC), MOSCOW) == "21.11.2026 00:30"
