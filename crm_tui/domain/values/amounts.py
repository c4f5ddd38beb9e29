"""Money in managers' files -> integer kopecks, with Decimal arithmetic only.

"1 200 000,50 руб.", "1200000.5", "1 200 000 ₽", a number cell 1200000.5, "12,5 тыс.", and as a
manager types an amount into a dialog: "1,2 млн", "350 000", "350к". Spaces
and apostrophes group thousands, the comma is the Russian decimal mark, and a float from Excel
is read through its shortest repr so 0.1 + 0.2 is 30 kopecks, not 30.000000000000004.
"""

from __future__ import annotations

import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from crm_tui.domain.values.cells import Normalised, cell_text, is_blank, shorten
from crm_tui.i18n import N_, Message

_PLAIN_AMOUNT = re.compile(r"-?[0-9]+(?:[.,][0-9]{1,2})?")
_CURRENCY = r"(?:руб(?:лей|ля|ль|\.)?|р\.?|₽|rub\.?|rur\.?)"
_AMOUNT = re.compile(
    rf"(?:{_CURRENCY}\s*)?(?P<sign>[-−–]?)\s*(?P<number>[0-9][0-9\s'’.,]*?)\s*"
    rf"(?P<scale>тыс(?:\.|яч[аи]?)?|млн\.?|млрд\.?|кк|к|k)?\s*(?:{_CURRENCY})?",
    re.IGNORECASE,
)
_SCALES = {"тыс": 1_000, "млн": 1_000_000, "млрд": 1_000_000_000, "кк": 1_000_000, "к": 1_000, "k": 1_000}
"""Scale words as managers type them: "12,5 тыс.", "1,2 млн", "350к", "350k", "2кк" (as in
speech, a million); checked in this order (by prefix), so "кк" is not read as "к"."""
MAX_KOPECKS = 10**14
"""An amount reaches a trillion rubles only by a slip or on purpose: no deal, line, invoice or
payment of a sales team comes near it. Kept this low so that the sums the screens and reports
take over a region's deals stay far inside a 64-bit integer (SQLite's SUM stops with "integer
overflow" past 9.2e18 kopecks, and a desk, kanban or report would then show nothing)."""
_WHOLE_LIMIT = MAX_KOPECKS // 100


def _decimal_text(number: str, scaled: bool) -> tuple[str, str | None]:
    """Digits with one '.' for the decimal point, thousands separators removed; and the number
    it was read as when that was a guess ("1,200" is 1200), else None."""
    number = "".join(number.split()).replace("'", "").replace("’", "")
    commas, dots = number.count(","), number.count(".")
    if commas and dots:
        decimal_mark = "," if number.rfind(",") > number.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        return number.replace(thousands, "").replace(decimal_mark, "."), None
    for mark, count in ((",", commas), (".", dots)):
        if count > 1:
            return number.replace(mark, ""), None
        if count == 1:
            whole, fraction = number.split(mark)
            # kopecks have two digits: "1,200" is 1200 (but "0,005" is half a kopeck)
            if len(fraction) == 3 and not scaled and 1 <= len(whole) <= 3 and not whole.startswith("0"):
                return whole + fraction, whole + fraction
            return f"{whole}.{fraction}", None
    return number, None


def _to_kopecks(amount: Decimal) -> int | None:
    if not amount.is_finite() or amount.adjusted() > 16:  # rounding would overflow the context
        return None
    return int(amount.scaleb(2).to_integral_value(ROUND_HALF_UP))


def normalise_amount(value: object) -> Normalised[int | None]:
    """Roubles -> integer kopecks: "1 200 000,50 руб.", "1200000.5", "1 200 000 ₽", 1200000.5,
    "12,5 тыс.". Decimal arithmetic only, rounded half up to the kopeck."""
    raw = cell_text(value)
    if is_blank(value):
        return Normalised(None, raw)
    # A whole number of roubles in a number cell (most amounts in a file) is its kopecks
    # exactly: a float below 2**53 that is an integer converts without loss, and this range is
    # far inside it. The Decimal path below gives the same number at several times the cost.
    if (
        (type(value) is int or (type(value) is float and value.is_integer()))
        and -_WHOLE_LIMIT < value < _WHOLE_LIMIT
    ):  # fmt: skip
        return Normalised(int(value) * 100, raw)
    note: str | None = None
    amount: Decimal | None = None
    if isinstance(value, bool):
        amount = None
    elif isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, float):
        amount = Decimal(repr(value)) if math.isfinite(value) else None
    elif isinstance(value, str) and _PLAIN_AMOUNT.fullmatch(value):
        amount = Decimal(value.replace(",", "."))
    elif isinstance(value, str) and len(value) <= 64:
        match = _AMOUNT.fullmatch(value.strip())
        if match:
            text, note = _decimal_text(match["number"], bool(match["scale"]))
            try:
                amount = Decimal(text)
            except InvalidOperation:
                amount = None
            if amount is not None:
                scale = (match["scale"] or "").lower()
                amount *= next((n for word, n in _SCALES.items() if scale.startswith(word)), 1)
                if match["sign"]:
                    amount = -amount
    if amount is None:
        return Normalised(
            None,
            raw,
            (Message("amount.invalid", N_("'{text}' is not an amount of money"), text=shorten(raw)),),
        )
    kopecks = _to_kopecks(amount)
    if kopecks is None or abs(kopecks) >= MAX_KOPECKS:
        return Normalised(
            None,
            raw,
            (Message("amount.too_large", N_("'{text}' is too large an amount"), text=shorten(raw)),),
        )
    if note is None:
        return Normalised(kopecks, raw)
    guess = Message("amount.read_as", N_("'{text}' read as {number}"), text=shorten(raw), number=note)
    return Normalised(kopecks, raw, (guess,))


def typed_amount(text: str) -> Normalised[int | None]:
    """An amount a person typed, in Russian notation: as ``normalise_amount``, but the comma is
    always the decimal mark, so more than two digits after it ("10,005": three decimals, no
    kopeck has them) is refused, never read as 10 005; a number read by a guess is refused too.
    Files keep ``normalise_amount``'s guess, with its warning shown on the import's report."""
    read = normalise_amount(text)
    match = _AMOUNT.fullmatch(text.strip()) if len(text) <= 64 else None
    if match and not match["scale"]:
        number = "".join(match["number"].split())
        _whole, comma, fraction = number.rpartition(",")
        if comma and "." not in number and len(fraction) > 2:
            return Normalised(
                None,
                text,
                (Message("amount.decimals", N_("'{text}': kopecks have two digits after the comma"),
                         text=shorten(text)),),
            )  # fmt: skip
    if read.value is not None and read.warnings:
        return Normalised(
            None,
            text,
            (Message("amount.unclear", N_("'{text}' is not clearly an amount of money"),
                     text=shorten(text)),),
        )  # fmt: skip
    return read
