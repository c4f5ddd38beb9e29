"""Portrait values: from what a person types to the stored JSON, and back to text."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.amounts import normalise_amount
from crm_tui.domain.values.dates import normalise_date
from crm_tui.domain.values.formatting import money
from crm_tui.domain.values.typed import read_typed
from crm_tui.i18n import N_
from crm_tui.storage.tables.kinds import FieldKind

_YES = {"yes", "y", "true", "1", "да", "д", "+"}
_NO = {"no", "n", "false", "0", "нет", "н", "-"}
_SPACES = re.compile(r"[\s\u00a0\u202f]")


NUMBER_LIMIT = 10**15
"""A portrait's numbers are sizes and counts (headcount, branches, a fleet): never below zero,
and far below this; a bigger one is a typo or a hostile cell, not a client's size."""


def _number(label: str, text: str, key: str) -> Decimal:
    cleaned = (
        _SPACES.sub("", text).replace(",", ".").removesuffix("₽").removesuffix("руб.").removesuffix("руб")
    )
    try:
        number = Decimal(cleaned)
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise InvalidInput(
            "portrait.not_a_number",
            N_("{label}: {text!r} is not a number"),
            label=label,
            text=text,
            field=key,
        )
    if number < 0:
        raise InvalidInput(
            "portrait.negative", N_("{label}: {text!r} is below zero"), label=label, text=text, field=key
        )
    if number >= NUMBER_LIMIT:
        raise InvalidInput(
            "portrait.too_large", N_("{label}: {text!r} is too large"), label=label, text=text, field=key
        )
    return number


def _choice(label: str, text: str, choices: list[str], key: str) -> str:
    by_fold = {c.casefold(): c for c in choices}
    found = by_fold.get(text.strip().casefold())
    if found is None:
        raise InvalidInput(
            "portrait.not_a_choice",
            N_("{label}: {text!r} is not one of {choices}"),
            label=label,
            field=key,
            text=text,
            choices=", ".join(choices),
        )
    return found


def parse_field_text(label: str, kind: str, choices: list[str], text: str, *, key: str = "") -> Any:
    """A typed value, or ``None`` for empty text; ``InvalidInput`` says the field's ``label``
    and names the field by its ``key`` (the label when none is given), for a dialog to mark."""
    key = key or label
    raw = text.strip()
    if not raw:
        return None
    if kind == FieldKind.NUMBER:
        number = _number(label, raw, key)
        return int(number) if number == number.to_integral_value() else float(number)
    if kind == FieldKind.MONEY:
        return read_typed(key, normalise_amount, raw, N_("an amount of money"), label=label)
    if kind == FieldKind.DATE:
        day = read_typed(key, normalise_date, raw, N_("a date"), label=label)
        return day.isoformat() if day else None
    if kind == FieldKind.CHOICE:
        return _choice(label, raw, choices, key)
    if kind == FieldKind.MULTI:
        return [_choice(label, part, choices, key) for part in raw.split(",") if part.strip()]
    if kind == FieldKind.BOOL:
        folded = raw.casefold()
        if folded in _YES:
            return True
        if folded in _NO:
            return False
        raise InvalidInput(
            "portrait.not_yes_no", N_("{label}: {text!r} is not yes or no"), label=label, text=text, field=key
        )
    return raw[:2000]


def field_text(kind: str, value: Any) -> str:
    """How a stored value reads on the card and in the editor."""
    if value is None:
        return ""
    if kind == FieldKind.MONEY and isinstance(value, int):
        return money(value)
    if kind == FieldKind.DATE and isinstance(value, str):
        return date.fromisoformat(value).strftime("%d.%m.%Y")
    if kind == FieldKind.MULTI and isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if kind == FieldKind.BOOL:
        return "yes" if value else "no"
    return str(value)


def editable_text(kind: str, value: Any) -> str:
    """What the editor shows for a value: parseable back as it is."""
    if kind == FieldKind.MONEY and isinstance(value, int):
        rubles, kopecks = divmod(value, 100)
        return f"{rubles}" if not kopecks else f"{rubles}.{kopecks:02d}"
    return field_text(kind, value)
