"""Phone cells -> E.164 numbers with extensions.

Managers write phones every way: "8 (495) 111-22-33, доб. 12; +7 916 000 11 22", a number cell
89151234567, ten digits without the trunk prefix. The libphonenumber port decides what is a valid
number. Parsing with it costs ~70 µs a number, too slow for 100,000 rows, so plain Russian
numbers (digits and formatting only) take a fast path that checks the national number against
the same RU metadata patterns ``phonenumbers.is_valid_number`` uses; everything else goes
through ``phonenumbers.parse``.

Whatever reads a phone (the import, a dialog, the CLI, the search, privacy, the overlap check)
reads it here, so every spelling the import accepts finds the same number everywhere.
"""

from __future__ import annotations

import re
from functools import cache
from typing import NamedTuple

from crm_tui.domain.values.cells import Normalised, cell_text, is_blank, shorten, whole_number_digits
from crm_tui.i18n import N_, Message

DEFAULT_REGION = "RU"
_MAX_CELL = 1000
_MAX_PARTS = 20

# Several phones in one cell: , ; / newline, " и ", " or ".
_SPLIT = re.compile(r"[,;/\n\r]+|\s+(?:и|или|or|and)\s+", re.IGNORECASE)
# An extension at the end of a part: "доб. 12", "(доб 12)", "ext 12", "x12", "#12", "вн. 12".
_EXT = re.compile(
    r"[\s(]*(?:доб(?:авочный)?|вн(?:утр(?:енний)?)?|ext(?:ension)?|x|#)\s*[.:№]?\s*([0-9]{1,6})\s*\)?\s*$",
    re.IGNORECASE,
)
_FORMATTING = re.compile(r"[\s\-‐‑–—().\u00a0]+")
_RU_PLAIN = re.compile(r"(?:\+7|8|7)?([0-9]{10})")
_BEGUN = re.compile(r"\+?[0-9]+")  # a number typed in part, once its formatting is removed
_TEL_PREFIX = re.compile(r"^\s*(?:tel|тел(?:ефон)?|моб(?:ильный)?|сот(?:овый)?)\s*[.:]?\s*", re.IGNORECASE)


class Phone(NamedTuple):
    """One phone found in a cell: E.164 number, extension digits (or None), the text it came from."""

    e164: str
    extension: str | None
    raw: str


@cache
def _ru_valid_pattern() -> re.Pattern[str]:
    """The RU national numbers ``phonenumbers.is_valid_number`` accepts, as one regex; made on
    first use (phonenumbers takes a while to load, and a command that reads no phone never
    needs it)."""
    from phonenumbers import PhoneMetadata

    meta = PhoneMetadata.metadata_for_region(DEFAULT_REGION)
    assert meta is not None and meta.general_desc is not None
    types = [
        meta.fixed_line,
        meta.mobile,
        meta.toll_free,
        meta.premium_rate,
        meta.shared_cost,
        meta.personal_number,
        meta.voip,
        meta.pager,
        meta.uan,
        meta.voicemail,
    ]
    alternatives = [
        f"(?:{d.national_number_pattern})"
        for d in types
        if d is not None and d.national_number_pattern and (not d.possible_length or 10 in d.possible_length)
    ]
    general = meta.general_desc.national_number_pattern
    return re.compile(f"(?=(?:{general})$)(?:{'|'.join(alternatives)})")


def _fast_ru(text: str) -> str | None:
    """E.164 for a plainly written, valid Russian number; ``None`` means "ask phonenumbers"."""
    match = _RU_PLAIN.fullmatch(text if text.isdigit() else _FORMATTING.sub("", text))
    if match and _ru_valid_pattern().fullmatch(match.group(1)):
        return "+7" + match.group(1)
    return None


_NOT_A_PHONE = ("phone.invalid", N_("'{text}' is not a phone number"))
_NOT_VALID = ("phone.not_valid", N_("'{text}' is not a valid phone number"))


def _parse_one(text: str, region: str) -> tuple[str | None, str | tuple[str, str] | None]:
    """``(e164, extension)`` of one number, or ``(None, reason)`` (its code and msgid)."""
    if region == DEFAULT_REGION:
        fast = _fast_ru(text)
        if fast:
            return fast, None
    import phonenumbers
    from phonenumbers import NumberParseException, PhoneNumberFormat

    try:
        number = phonenumbers.parse(text, region)
    except NumberParseException:
        return None, _NOT_A_PHONE
    if not phonenumbers.is_valid_number(number):
        return None, _NOT_VALID
    return phonenumbers.format_number(number, PhoneNumberFormat.E164), number.extension or None


def _split_extension(part: str) -> tuple[str, str | None]:
    match = _EXT.search(part)
    if match is None:
        return part, None
    return part[: match.start()].strip(), match.group(1)


def normalise_phones(value: object, region: str = DEFAULT_REGION) -> Normalised[tuple[Phone, ...]]:
    """All phones in a cell as ``Phone(e164, extension, raw)``; bad parts become warnings.

    An extension written after a separator ("..., доб. 12") belongs to the number before it.
    The same number twice in a cell is kept once.
    """
    raw = cell_text(value)
    if is_blank(value):
        return Normalised((), raw)
    if region == DEFAULT_REGION and len(raw) < 40:  # most cells hold one plainly written number
        fast = _fast_ru(raw)
        if fast:
            return Normalised((Phone(fast, None, raw.strip()),), raw)
    digits = whole_number_digits(value)
    if digits is not None:
        text = digits
    elif isinstance(value, str):
        text = value
    else:
        return Normalised((), raw, (Message(*_NOT_A_PHONE, text=shorten(raw)),))
    if len(text) > _MAX_CELL:
        too_long = Message("phone.too_long", N_("'{text}' is too long for a phone cell"), text=shorten(raw))
        return Normalised((), raw, (too_long,))

    phones: list[Phone] = []
    warnings: list[Message] = []
    parts = [p.strip() for p in _SPLIT.split(text)]
    parts = [p for p in parts if p]
    if len(parts) > _MAX_PARTS:
        warnings.append(
            Message(
                "phone.too_many",
                N_("only the first {read} of {count} phones were read"),
                read=_MAX_PARTS,
                count=len(parts),
            )
        )
        parts = parts[:_MAX_PARTS]
    for part in parts:
        number_text, extension = _split_extension(_TEL_PREFIX.sub("", part))
        if not any(ch.isdigit() for ch in number_text):
            if extension and phones and phones[-1].extension is None:
                last = phones[-1]
                phones[-1] = Phone(last.e164, extension, f"{last.raw}, {part}")
            else:
                warnings.append(Message(*_NOT_A_PHONE, text=shorten(part)))
            continue
        e164, detail = _parse_one(number_text, region)
        if e164 is None:
            assert isinstance(detail, tuple)
            warnings.append(Message(*detail, text=shorten(part)))
            continue
        assert not isinstance(detail, tuple)
        phone = Phone(e164, extension or detail, part)
        if all((p.e164, p.extension) != (phone.e164, phone.extension) for p in phones):
            phones.append(phone)
    return Normalised(tuple(phones), raw, tuple(warnings))


def format_phone(phone: Phone) -> str:
    """E.164 with its extension as a person would type it back ("+74951112233 доб. 12")."""
    return f"{phone.e164} доб. {phone.extension}" if phone.extension else phone.e164


def phone_query_digits(text: str) -> tuple[str, ...]:
    """The digits (E.164 without its '+') a phone typed into a search box is looked for by.

    A whole number is read as the import reads it, so "8 900 104 27 57", "9001042757" and
    "+7 (900) 104-27-57 доб. 12" all give 79001042757. A number typed in part ("8 (915) 123":
    five characters or more, digits and formatting only) also gives its digits and, when it
    starts with 8, the same digits after the +7 that 8 stands for; the digits as typed are kept
    because a bare number starting with 8 may as well be an INN, or a number still being typed.
    Empty when the text does not read as a phone.
    """
    text = text.strip()
    whole = normalise_phones(text)
    found = [p.e164[1:] for p in whole.value] if whole.ok else []
    compact = _FORMATTING.sub("", text)
    if len(text) >= 5 and _BEGUN.fullmatch(compact):
        digits = compact.lstrip("+")
        found.append(digits)
        if digits.startswith("8") and len(digits) >= 4:
            found.append("7" + digits[1:])
    return tuple(dict.fromkeys(found))
