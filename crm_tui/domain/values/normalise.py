"""Cell values from managers' files -> the forms the database keeps.

Every function takes any cell value (text, number, date, bool, ``None``, NaN...) and never
raises: it returns ``Normalised(value, raw, warnings)``. Bad input becomes a warning that names
the value and the value becomes ``None`` (or an empty tuple); the raw text is kept so nothing
the manager typed is lost. Phones, legal forms, dates and amounts live in modules of their
own and are re-exported here, so callers import every normaliser from this one place.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from crm_tui.domain.values.amounts import normalise_amount
from crm_tui.domain.values.cells import (
    Cell,
    Normalised,
    cell_text,
    collapse_spaces,
    is_blank,
    shorten,
    whole_number_digits,
)
from crm_tui.domain.values.dates import normalise_date
from crm_tui.domain.values.legal_forms import LegalName, canonical_form, split_legal_form
from crm_tui.domain.values.phones import Phone, format_phone, normalise_phones
from crm_tui.domain.values.requisites import is_valid_inn, is_valid_kpp, is_valid_ogrn

__all__ = [
    "Cell",
    "Email",
    "InnKpp",
    "LegalName",
    "Normalised",
    "Phone",
    "canonical_form",
    "cell_text",
    "format_phone",
    "normalise_amount",
    "normalise_date",
    "normalise_emails",
    "normalise_inn",
    "normalise_inn_kpp",
    "normalise_kpp",
    "normalise_ogrn",
    "normalise_person_name",
    "normalise_phones",
    "normalise_text",
    "split_legal_form",
]

_MAX_TEXT = 200  # longer cells are no dates, amounts or requisites: refuse before regexes run
_PLACEHOLDER = re.compile(r"^[\W_]*$")  # "-", "—", "?" in a requisite cell mean "none"
_NOT_DIGIT = re.compile(r"[^0-9]")
_DIGIT_RUN = re.compile(r"[0-9]+")
_HALVES = re.compile(r"[/\\|]")
_NOT_KPP_CHAR = re.compile(r"[^0-9A-Z]")
_KPP_LABEL = re.compile(r"^\s*КПП\s*:?", re.IGNORECASE)

# --- text --------------------------------------------------------------------------------------


def normalise_text(value: object, *, multiline: bool = False) -> Normalised[str | None]:
    """Trimmed text with whitespace collapsed (kept line by line when ``multiline``)."""
    raw = cell_text(value)
    if not multiline and type(value) is str and value.isprintable() and "  " not in value:
        text = value.strip()  # the usual cell: nothing to collapse
        return Normalised(text or None, raw)
    if multiline:
        lines = (collapse_spaces(line) for line in raw.splitlines())
        text = "\n".join(line for line in lines if line)
    else:
        text = collapse_spaces(raw)
    return Normalised(text or None, raw)


def normalise_person_name(value: object) -> Normalised[str | None]:
    """A contact's or owner's name: trimmed, whitespace collapsed, case as typed."""
    return normalise_text(value)


# --- e-mails -----------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"[\w!#$%&'*+/=?^`{|}~-]+(?:\.[\w!#$%&'*+/=?^`{|}~-]+)*"
    r"@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+(?:[^\W\d_]{2,63}|xn--[a-z0-9-]{1,59})"
)
_EMAIL_SPLIT = re.compile(r"[,;\s]+")
_MAILTO = re.compile(r"^mailto:", re.IGNORECASE)
_EMAIL_EDGES = "<>()[]\"'«».:"


class Email(NamedTuple):
    """One address from a cell: lower-cased value and the text it came from."""

    value: str
    raw: str


def normalise_emails(value: object) -> Normalised[tuple[Email, ...]]:
    """Every address in a cell, lower-cased, ``mailto:`` removed; anything else is a warning.

    "Иван <ivan@x.ru>" yields the address; the name beside it is ignored. Validation is by shape only
    (no DNS): a managers' file is no place to wait for the network.
    """
    raw = cell_text(value)
    if is_blank(value):
        return Normalised((), raw)
    if not isinstance(value, str) or len(raw) > 1000:
        return Normalised((), raw, (f"{shorten(raw)} is not an e-mail address",))
    address = raw.strip().lower()
    if address.startswith("mailto:"):
        address = address[7:]
    if len(address) <= 254 and _EMAIL.fullmatch(address):  # the usual cell: one plain address
        return Normalised((Email(address, raw.strip()),), raw)
    has_address = "@" in raw
    emails: list[Email] = []
    warnings: list[str] = []
    for token in _EMAIL_SPLIT.split(raw.replace("<", " ").replace(">", " ")):
        address = _MAILTO.sub("", token.strip(_EMAIL_EDGES)).split("?", 1)[0].strip(_EMAIL_EDGES).lower()
        if not address or (has_address and address.isalpha()):
            continue  # "Иван" beside "<ivan@x.ru>" is a name, not a broken address
        if len(address) > 254 or not _EMAIL.fullmatch(address):
            warnings.append(f"{shorten(token)} is not an e-mail address")
        elif address not in (e.value for e in emails):
            emails.append(Email(address, token))
    return Normalised(tuple(emails), raw, tuple(warnings))


# --- INN / KPP / OGRN --------------------------------------------------------------------------


class InnKpp(NamedTuple):
    """An INN and the KPP found with it ("7707083893/770701001" in one cell)."""

    inn: str | None
    kpp: str | None = None


def _requisite_text(value: object, label: str) -> tuple[str | None, bool, str | None]:
    """``(text, came_from_a_number, warning)`` for a requisite cell."""
    digits = whole_number_digits(value)
    if digits is not None:
        return digits, True, None
    if isinstance(value, str) and len(value) <= _MAX_TEXT:
        return value, False, None
    return None, False, f"{shorten(cell_text(value))} is not an {label}"


def _restore_zero(digits: str, from_number: bool, lengths: tuple[int, ...], valid: bool) -> str:
    """A number cell drops the leading zero of regions 01-09; put it back.

    Numeric cells always get it back; text gets it only when that makes the checksum right.
    """
    if len(digits) + 1 in lengths:
        padded = "0" + digits
        if from_number or valid:
            return padded
    return digits


def _check_inn(digits: str, from_number: bool) -> tuple[str | None, str | None]:
    if len(digits) in (9, 11):
        digits = _restore_zero(digits, from_number, (10, 12), is_valid_inn("0" + digits))
    if len(digits) not in (10, 12):
        return None, f"'{digits}' is not an INN: {len(digits)} digits, expected 10 or 12"
    if not is_valid_inn(digits):
        return None, f"INN '{digits}' fails the checksum"
    return digits, None


def _check_kpp(text: str, from_number: bool) -> tuple[str | None, str | None]:
    kpp = _NOT_KPP_CHAR.sub("", text.upper())
    if len(kpp) == 8 and kpp.isdigit() and from_number:  # no checksum: only a number cell is padded
        kpp = "0" + kpp
    if not is_valid_kpp(kpp):
        return None, f"{shorten(text)} is not a KPP (9 characters: 4 digits, 2 digits or letters, 3 digits)"
    return kpp, None


def normalise_inn_kpp(value: object) -> Normalised[InnKpp]:
    """INN (and KPP when the cell holds both) as digit strings, checked by their checksums.

    Accepts 7707083893.0, "ИНН 7707083893", "7707083893/770701001", "7707083893 770701001".
    """
    if type(value) is str and value.isdigit() and value.isascii():  # the usual text cell
        inn, inn_problem = _check_inn(value, False)
        return Normalised(InnKpp(inn), value, (inn_problem,) if inn_problem else ())
    digits = whole_number_digits(value)
    if digits is not None:  # a number cell: as usual, and the one that loses leading zeros
        inn, inn_problem = _check_inn(digits, True)
        return Normalised(InnKpp(inn), digits, (inn_problem,) if inn_problem else ())
    raw = cell_text(value)
    if is_blank(value) or _PLACEHOLDER.match(raw):
        return Normalised(InnKpp(None), raw)
    text, from_number, problem = _requisite_text(value, "INN")
    if text is None:
        return Normalised(InnKpp(None), raw, (problem or "",))
    inn_text, kpp_text = text, None
    halves = [h for h in _HALVES.split(text) if _DIGIT_RUN.search(h)]
    if len(halves) == 2:
        inn_text, kpp_text = halves
    else:
        runs = _DIGIT_RUN.findall(text)
        if len(runs) == 2 and len(runs[0]) in (10, 12) and len(runs[1]) == 9:
            inn_text, kpp_text = runs
    digits = _NOT_DIGIT.sub("", inn_text)
    if not digits:
        return Normalised(InnKpp(None), raw, (f"{shorten(raw)} is not an INN",))
    inn, inn_problem = _check_inn(digits, from_number)
    kpp, kpp_problem = _check_kpp(kpp_text, False) if kpp_text else (None, None)
    warnings = tuple(p for p in (inn_problem, kpp_problem) if p)
    return Normalised(InnKpp(inn, kpp), raw, warnings)


def normalise_inn(value: object) -> Normalised[str | None]:
    """The INN of a cell (see ``normalise_inn_kpp``; a KPP in the same cell is dropped)."""
    result = normalise_inn_kpp(value)
    return Normalised(result.value.inn, result.raw, result.warnings)


def normalise_kpp(value: object) -> Normalised[str | None]:
    """A KPP: 9 characters, the leading zero restored for a number cell."""
    raw = cell_text(value)
    if is_blank(value) or _PLACEHOLDER.match(raw):
        return Normalised(None, raw)
    text, from_number, problem = _requisite_text(value, "KPP")
    if text is None:
        return Normalised(None, raw, (problem or "",))
    kpp, kpp_problem = _check_kpp(_KPP_LABEL.sub("", text), from_number)
    return Normalised(kpp, raw, (kpp_problem,) if kpp_problem else ())


def normalise_ogrn(value: object) -> Normalised[str | None]:
    """OGRN (13 digits) or OGRNIP (15 digits), checked by its check digit."""
    raw = cell_text(value)
    if is_blank(value) or _PLACEHOLDER.match(raw):
        return Normalised(None, raw)
    text, _, problem = _requisite_text(value, "OGRN")
    if text is None:
        return Normalised(None, raw, (problem or "",))
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) not in (13, 15):
        return Normalised(None, raw, (f"{shorten(raw)} is not an OGRN: expected 13 or 15 digits",))
    if not is_valid_ogrn(digits):
        return Normalised(None, raw, (f"OGRN '{digits}' fails the checksum",))
    return Normalised(digits, raw)
