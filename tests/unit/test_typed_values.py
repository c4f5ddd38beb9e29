"""What a person types into a field is read by the parser that reads a file's cell, and refused
in one line naming the field when that parser cannot read it whole."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.cells import Normalised
from crm_tui.domain.values.emails import normalise_emails
from crm_tui.domain.values.phones import normalise_phones
from crm_tui.domain.values.requisites import normalise_inn_kpp
from crm_tui.domain.values.typed import read_typed

READERS: dict[str, tuple[Callable[[str], Normalised[object]], str]] = {
    "inn": (normalise_inn_kpp, "an INN"),
    "phone": (normalise_phones, "a phone number"),
    "e-mail": (normalise_emails, "an e-mail address"),
}


def test_what_the_parser_reads_is_taken_and_a_blank_field_is_nothing() -> None:
    [phone] = read_typed("phone", normalise_phones, "8 (495) 111-22-33 доб. 12", "a phone number")
    assert (phone.e164, phone.extension) == ("+74951112233", "12")
    assert read_typed("phone", normalise_phones, "  ", "a phone number") == ()
    assert read_typed("inn", normalise_inn_kpp, "7707083893/770701001", "an INN") == (
        "7707083893",
        "770701001",
    )


@pytest.mark.parametrize(
    ("field", "text", "message"),
    [
        ("inn", "7707083890", "inn: INN '7707083890' fails the checksum"),
        ("phone", "позвонить", "phone: 'позвонить' is not a phone number"),
        ("phone", ";", "phone: ';' is not a phone number"),
        ("phone", "8 915 123 45 67; 12", "phone: '8 915 123 45 67; 12' is not clearly a phone number"),
        ("e-mail", "a@b.ru, bad@", "e-mail: 'a@b.ru, bad@' is not clearly an e-mail address"),
    ],
)
def test_what_it_cannot_read_whole_is_refused_naming_the_field(field: str, text: str, message: str) -> None:
    read, what = READERS[field]
    with pytest.raises(InvalidInput) as refused:
        read_typed(field, read, text, what)
    assert str(refused.value).startswith(message)
