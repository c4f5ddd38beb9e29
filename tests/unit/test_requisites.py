"""INN and OGRN checksums."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crm_tui.domain.values.requisites import (
    inn_check_digits,
    is_valid_inn,
    is_valid_kpp,
    is_valid_ogrn,
    ogrn_check_digit,
)


def test_known_requisites() -> None:
    assert is_valid_inn("7707083893")  # Sberbank
    assert is_valid_inn("500100732259")  # a 12-digit INN of a person
    assert not is_valid_inn("7707083894")
    assert not is_valid_inn("0000000000")
    assert not is_valid_inn("77070838")
    assert is_valid_ogrn("1027700132195")  # Sberbank
    assert not is_valid_ogrn("1027700132196")
    assert is_valid_kpp("773601001")
    assert not is_valid_kpp("77360100")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9).filter(lambda s: s.strip("0")))
def test_completed_company_inn_is_valid_and_a_changed_digit_is_not(body: str) -> None:
    inn = body + inn_check_digits(body)
    assert is_valid_inn(inn)
    broken = inn[:-1] + str((int(inn[-1]) + 1) % 10)
    assert not is_valid_inn(broken)


@given(st.text(alphabet="0123456789", min_size=10, max_size=10).filter(lambda s: s.strip("0")))
def test_completed_person_inn_is_valid(body: str) -> None:
    assert is_valid_inn(body + inn_check_digits(body))


@given(st.text(alphabet="0123456789", min_size=12, max_size=12).filter(lambda s: s[0] != "0"))
def test_completed_ogrn_is_valid(body: str) -> None:
    assert is_valid_ogrn(body + ogrn_check_digit(body))
