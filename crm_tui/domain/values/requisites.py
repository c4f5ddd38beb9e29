"""Russian legal requisites: INN, KPP, OGRN / OGRNIP read from a cell or a field, and the
checksums of INN, OGRN, BIK and bank account.

Every reader takes any cell value and never raises (see ``cells.Normalised``): 7707083893.0,
"ИНН 7707083893", "7707083893/770701001" and a number cell that lost the leading zero of regions
01-09 all give the INN a person meant; a wrong checksum is a warning that names the value.
"""

from __future__ import annotations

import re
from operator import mul
from typing import NamedTuple

from crm_tui.domain.values.cells import Normalised, cell_text, is_blank, shorten, whole_number_digits
from crm_tui.i18n import N_, Message

_INN10_WEIGHTS = (2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_1 = (7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_INN12_WEIGHTS_2 = (3, 7, 2, 4, 10, 3, 5, 9, 4, 6, 8)
_KPP = re.compile(r"^\d{4}[\dA-Z]{2}\d{3}$")


def _check_digit(digits: str, weights: tuple[int, ...]) -> int:
    # map() over two iterables stops at the shorter, as the weights require; it is three times
    # faster than a generator, which matters when a scan checks a million INNs.
    total: int = sum(map(mul, map(int, digits), weights))
    return total % 11 % 10


def inn_check_digits(body: str) -> str:
    """The check digit(s) that complete a 9-digit (company) or 10-digit (person) INN body."""
    if len(body) == 9:
        return str(_check_digit(body, _INN10_WEIGHTS))
    if len(body) == 10:
        first = str(_check_digit(body, _INN12_WEIGHTS_1))
        return first + str(_check_digit(body + first, _INN12_WEIGHTS_2))
    raise ValueError("an INN body has 9 or 10 digits")


def is_valid_inn(inn: str) -> bool:
    if not inn.isdigit() or len(inn) not in (10, 12) or inn.strip("0") == "":
        return False
    return inn_check_digits(inn[:-1] if len(inn) == 10 else inn[:-2]) == (
        inn[-1:] if len(inn) == 10 else inn[-2:]
    )


def is_valid_kpp(kpp: str) -> bool:
    return bool(_KPP.match(kpp))


def ogrn_check_digit(body: str) -> str:
    """Check digit for a 12-digit OGRN body or a 14-digit OGRNIP body."""
    if len(body) == 12:
        return str(int(body) % 11 % 10)
    if len(body) == 14:
        return str(int(body) % 13 % 10)
    raise ValueError("an OGRN body has 12 digits (14 for OGRNIP)")


def is_valid_ogrn(ogrn: str) -> bool:
    if not ogrn.isdigit() or len(ogrn) not in (13, 15):
        return False
    return ogrn_check_digit(ogrn[:-1]) == ogrn[-1]


_ACCOUNT_WEIGHTS = (7, 1, 3) * 8
_BIK = re.compile(r"^0\d{8}$")


def is_valid_bik(bik: str) -> bool:
    """A Russian BIK: nine digits starting with 0 (04... banks, 00.../01... treasury branches)."""
    return bool(_BIK.match(bik))


def _account_sum(bik: str, account: str) -> int:
    # A settlement account is keyed with the BIK's last three digits; a correspondent account at
    # the Bank of Russia (30101...) and a single treasury account (40102...) with "0" and the
    # BIK's fifth and sixth digits, the Bank of Russia's branch.
    prefix = "0" + bik[4:6] if account.startswith(("30101", "40102")) else bik[-3:]
    total: int = sum(map(mul, map(int, prefix + account), _ACCOUNT_WEIGHTS))
    return total % 10


def is_valid_account(account: str, bik: str) -> bool:
    """A 20-digit bank account whose control key (its ninth digit) matches the bank's BIK."""
    if not (account.isdigit() and len(account) == 20 and is_valid_bik(bik)):
        return False
    if account.startswith("03"):
        return True  # treasury accounts carry no key against the BIK
    return _account_sum(bik, account) == 0


def with_account_key(bik: str, account: str) -> str:
    """``account`` with its ninth digit set to the key the BIK demands (for tests and demos)."""
    blank = account[:8] + "0" + account[9:]
    key = (_account_sum(bik, blank) * 3) % 10  # the key's weight is 3: 3k = -sum (mod 10)
    return blank[:8] + str(key) + blank[9:]


# --- reading INN / KPP / OGRN --------------------------------------------------------------------

_MAX_TEXT = 200  # longer cells are no requisites: refuse before regexes run
_PLACEHOLDER = re.compile(r"^[\W_]*$")  # "-", "—", "?" in a requisite cell mean "none"
_NOT_DIGIT = re.compile(r"[^0-9]")
_DIGIT_RUN = re.compile(r"[0-9]+")
_HALVES = re.compile(r"[/\\|]")
_NOT_KPP_CHAR = re.compile(r"[^0-9A-Z]")
_KPP_LABEL = re.compile(r"^\s*КПП\s*:?", re.IGNORECASE)


class InnKpp(NamedTuple):
    """An INN and the KPP found with it ("7707083893/770701001" in one cell)."""

    inn: str | None
    kpp: str | None = None


_NOT_AN_INN = ("inn.invalid", N_("'{text}' is not an INN"))
_NOT_A_KPP = ("kpp.invalid", N_("'{text}' is not a KPP"))
_NOT_AN_OGRN = ("ogrn.invalid", N_("'{text}' is not an OGRN"))


def _requisite_text(value: object, not_it: tuple[str, str]) -> tuple[str | None, bool, Message | None]:
    """``(text, came_from_a_number, warning)`` for a requisite cell; ``not_it`` is the code and
    msgid of the warning for a cell that is no requisite at all."""
    digits = whole_number_digits(value)
    if digits is not None:
        return digits, True, None
    if isinstance(value, str) and len(value) <= _MAX_TEXT:
        return value, False, None
    return None, False, Message(*not_it, text=shorten(cell_text(value)))


def _restore_zero(digits: str, from_number: bool, lengths: tuple[int, ...], valid: bool) -> str:
    """A number cell drops the leading zero of regions 01-09; put it back.

    Numeric cells always get it back; text gets it only when that makes the checksum right.
    """
    if len(digits) + 1 in lengths:
        padded = "0" + digits
        if from_number or valid:
            return padded
    return digits


def _check_inn(digits: str, from_number: bool) -> tuple[str | None, Message | None]:
    if len(digits) in (9, 11):
        digits = _restore_zero(digits, from_number, (10, 12), is_valid_inn("0" + digits))
    if len(digits) not in (10, 12):
        return None, Message(
            "inn.length",
            N_("'{inn}' is not an INN: {count} digits, expected 10 or 12"),
            inn=digits,
            count=len(digits),
        )
    if not is_valid_inn(digits):
        return None, Message("inn.checksum", N_("INN '{inn}' fails the checksum"), inn=digits)
    return digits, None


def _check_kpp(text: str, from_number: bool) -> tuple[str | None, Message | None]:
    kpp = _NOT_KPP_CHAR.sub("", text.upper())
    if len(kpp) == 8 and kpp.isdigit() and from_number:  # no checksum: only a number cell is padded
        kpp = "0" + kpp
    if not is_valid_kpp(kpp):
        return None, Message(
            "kpp.invalid",
            N_("'{text}' is not a KPP (9 characters: 4 digits, 2 digits or letters, 3 digits)"),
            text=shorten(text),
        )
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
    text, from_number, problem = _requisite_text(value, _NOT_AN_INN)
    if text is None:
        return Normalised(InnKpp(None), raw, (problem,) if problem else ())
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
        return Normalised(InnKpp(None), raw, (Message(*_NOT_AN_INN, text=shorten(raw)),))
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
    text, from_number, problem = _requisite_text(value, _NOT_A_KPP)
    if text is None:
        return Normalised(None, raw, (problem,) if problem else ())
    kpp, kpp_problem = _check_kpp(_KPP_LABEL.sub("", text), from_number)
    return Normalised(kpp, raw, (kpp_problem,) if kpp_problem else ())


def normalise_ogrn(value: object) -> Normalised[str | None]:
    """OGRN (13 digits) or OGRNIP (15 digits), checked by its check digit."""
    raw = cell_text(value)
    if is_blank(value) or _PLACEHOLDER.match(raw):
        return Normalised(None, raw)
    text, _, problem = _requisite_text(value, _NOT_AN_OGRN)
    if text is None:
        return Normalised(None, raw, (problem,) if problem else ())
    digits = _NOT_DIGIT.sub("", text)
    if len(digits) not in (13, 15):
        length = Message(
            "ogrn.length", N_("'{text}' is not an OGRN: expected 13 or 15 digits"), text=shorten(raw)
        )
        return Normalised(None, raw, (length,))
    if not is_valid_ogrn(digits):
        return Normalised(
            None, raw, (Message("ogrn.checksum", N_("OGRN '{ogrn}' fails the checksum"), ogrn=digits),)
        )
    return Normalised(digits, raw)
