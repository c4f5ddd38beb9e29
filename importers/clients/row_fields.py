"""How each target field is read from a cell and put into a row.

A field has a normaliser (cell -> ``Normalised``, pure) and an applier (puts the value into the
row being built). Managers' columns repeat values (the city, the owner, the KPP, the date of the
next call), so every column keeps a cache of the values it has normalised; a column of unique
values (names, phones) turns its cache off after a while. This keeps a 100,000-row file within
the import's time budget.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Any, NamedTuple

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.imports.mapping import PortraitTarget
from crm_tui.domain.imports.rows import NO_NAME_NO_CONTACT, ParsedRow, RowSource
from crm_tui.domain.portrait.answers import NUMBER_LIMIT, parse_field_text
from crm_tui.domain.values.amounts import normalise_amount
from crm_tui.domain.values.cells import Cell, Normalised, cell_text
from crm_tui.domain.values.dates import normalise_date
from crm_tui.domain.values.emails import Email, normalise_emails
from crm_tui.domain.values.formatting import money
from crm_tui.domain.values.legal_forms import LegalName, normalise_legal_form, split_legal_form
from crm_tui.domain.values.phones import Phone, normalise_phones
from crm_tui.domain.values.requisites import normalise_inn_kpp, normalise_kpp, normalise_ogrn
from crm_tui.domain.values.text import normalise_person_name, normalise_text
from crm_tui.i18n import N_, Message
from crm_tui.importers.clients.row_keys import row_keys
from crm_tui.storage.tables.kinds import FieldKind

_CACHE_SIZE = 20_000
_CACHE_TRIAL = 2_000  # lookups before a column decides whether its cache pays
_CACHE_MIN_HITS = 0.2


@dataclass(slots=True)
class Draft:
    """The fields of one row while its cells are read; ``finish`` makes the frozen row."""

    name: str | None = None
    name_form: str | None = None
    legal_form: str | None = None
    inn: str | None = None
    kpp: str | None = None
    kpp_with_inn: str | None = None
    inn_valid: bool = False
    ogrn: str | None = None
    phones: list[Phone] = field(default_factory=list)
    emails: list[Email] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    next_action: date | None = None
    deal_amount: int | None = None
    notes: list[tuple[str, str, str]] = field(default_factory=list)  # (field, header, text)
    portrait: dict[str, Any] = field(default_factory=dict)
    warnings: list[Message] = field(default_factory=list)


Applier = Callable[[Draft, Any, str], None]  # (draft, normalised value, column header)


def _name(draft: Draft, value: LegalName, header: str) -> None:
    draft.name = value.name or None
    draft.name_form = value.form


def _legal_form(draft: Draft, value: str | None, header: str) -> None:
    draft.legal_form = value


def _inn(draft: Draft, value: ReadInn, header: str) -> None:
    draft.inn, draft.kpp_with_inn, draft.inn_valid = value


def _kpp(draft: Draft, value: str | None, header: str) -> None:
    draft.kpp = value


def _ogrn(draft: Draft, value: str | None, header: str) -> None:
    draft.ogrn = value


def _phones(draft: Draft, value: tuple[Phone, ...], header: str) -> None:
    for phone in value:
        if all((p.e164, p.extension) != (phone.e164, phone.extension) for p in draft.phones):
            draft.phones.append(phone)


def _emails(draft: Draft, value: tuple[Email, ...], header: str) -> None:
    for email in value:
        if all(e.value != email.value for e in draft.emails):
            draft.emails.append(email)


def _next_action(draft: Draft, value: date | None, header: str) -> None:
    draft.next_action = value


def _deal_amount(draft: Draft, value: int | None, header: str) -> None:
    draft.deal_amount = value


def _text(target: str) -> Applier:
    def apply(draft: Draft, value: str | None, header: str) -> None:
        if value:
            draft.texts[target] = value

    return apply


def _note(target: str) -> Applier:
    def apply(draft: Draft, value: str | None, header: str) -> None:
        if value:
            draft.notes.append((target, header, value))

    return apply


def _portrait(key: str) -> Applier:
    def apply(draft: Draft, value: Any, header: str) -> None:
        if value is not None and key not in draft.portrait:
            draft.portrait[key] = value

    return apply


def portrait_reader(target: PortraitTarget) -> Callable[[Cell], Normalised[Any]]:
    """A cell as the portrait field's kind reads it (``portrait.answers``, as the card's editor
    does); a number or date cell is taken as it is. A value the field cannot hold is left out
    with a warning that names the field."""
    choices = list(target.choices)

    def read(value: Cell) -> Normalised[Any]:
        raw = cell_text(value)
        if target.kind == FieldKind.NUMBER and type(value) is int and 0 <= value < NUMBER_LIMIT:
            return Normalised(value, raw)
        if target.kind == FieldKind.NUMBER and isinstance(value, float) and 0 <= value < NUMBER_LIMIT:
            return Normalised(int(value) if value.is_integer() else value, raw)
        if target.kind == FieldKind.DATE and isinstance(value, date):
            day = value.date() if isinstance(value, datetime) else value
            return Normalised(day.isoformat(), raw)
        try:
            return Normalised(parse_field_text(target.label, target.kind, choices, raw), raw)
        except InvalidInput as exc:
            return Normalised(None, raw, (exc.message,))

    return read


def _multiline(value: object) -> Normalised[str | None]:
    return normalise_text(value, multiline=True)


def read_deal_amount(value: Cell) -> Normalised[int | None]:
    """A deal's amount as ``normalise_amount`` reads it, refused when negative (as the dialogs
    refuse it: a deal sells something)."""
    found = normalise_amount(value)
    if found.value is not None and found.value < 0:
        return Normalised(
            None, found.raw, (Message("deal.amount_negative", N_("an amount cannot be negative: {text!r}"),
                                      text=found.raw),),
        )  # fmt: skip
    return found


class ReadInn(NamedTuple):
    """An INN cell as the import reads it: the INN, the KPP found with it, and whether the INN
    passed its checksum (``normalise_inn_kpp`` has checked it: the row's keys take it from
    here rather than check it again)."""

    inn: str | None
    kpp: str | None
    valid: bool


def read_inn_keeping_checksum_failures(value: Cell) -> Normalised[ReadInn]:
    """An INN cell as ``normalise_inn_kpp`` reads it, except that ten or twelve digits failing
    the checksum are kept (with the warning): a manager's mistyped digit is worth more to a
    person correcting it than an empty field. Nothing matches or merges on an invalid INN
    (``RowKeys.inn_valid``, the duplicate rules), and the card flags it."""
    found = normalise_inn_kpp(value)
    inn, kpp = found.value
    if inn is None:
        for warning in found.warnings:
            if warning.code == "inn.checksum":
                return Normalised(ReadInn(str(warning.params["inn"]), kpp, False), found.raw, found.warnings)
    # normalise_inn_kpp gives an INN only when its checksum is right
    return Normalised(ReadInn(inn, kpp, inn is not None), found.raw, found.warnings)


def field_readers(
    region: str, portrait: Sequence[PortraitTarget] = ()
) -> dict[str, tuple[Callable[[Cell], Normalised[Any]], Applier]]:
    """``field -> (normaliser, applier)`` for every target field of ``crm_tui.importers.files.mapping``
    and every portrait field of the base (``portrait.<key>``)."""
    readers: dict[str, tuple[Callable[[Cell], Normalised[Any]], Applier]] = {
        t.field: (portrait_reader(t), _portrait(t.key)) for t in portrait
    }
    return readers | {
        "name": (split_legal_form, _name),
        "legal_form": (normalise_legal_form, _legal_form),
        "inn": (read_inn_keeping_checksum_failures, _inn),
        "inn_kpp": (read_inn_keeping_checksum_failures, _inn),
        "kpp": (normalise_kpp, _kpp),
        "ogrn": (normalise_ogrn, _ogrn),
        "phone": (partial(normalise_phones, region=region), _phones),
        "email": (normalise_emails, _emails),
        "city": (normalise_text, _text("city")),
        "region": (normalise_text, _text("region")),
        "contact_name": (normalise_person_name, _text("contact_name")),
        "contact_position": (normalise_text, _text("contact_position")),
        "owner": (normalise_text, _text("owner")),
        "next_action": (normalise_date, _next_action),
        "note": (_multiline, _note("note")),
        "address": (_multiline, _note("address")),
        "deal_amount": (read_deal_amount, _deal_amount),
    }


class ColumnReader:
    """One mapped column: where it is, its field, and a cache of values already normalised."""

    __slots__ = ("_cache", "_hits", "_lookups", "apply", "field", "header", "index", "normalise")

    def __init__(
        self,
        index: int,
        target: str,
        header: str,
        normalise: Callable[[Cell], Normalised[Any]],
        apply: Applier,
    ) -> None:
        self.index = index
        self.field = target
        self.header = header
        self.normalise = normalise
        self.apply = apply
        self._cache: dict[tuple[type, Cell], Normalised[Any]] | None = {}
        self._lookups = 0
        self._hits = 0

    def read_column(self, rows: Sequence[Sequence[Cell]]) -> list[Normalised[Any] | None]:
        """This column's value of every row, normalised (``None`` for an empty cell)."""
        index = self.index
        # Without a cache the normaliser is called directly (two calls fewer a cell); should it
        # ever raise, the batch is read again with every cell guarded.
        fast = self.read if self._cache is not None else self.normalise
        try:
            return [
                None if index >= len(v) or (cell := v[index]) is None or cell == "" else fast(cell)
                for v in rows
            ]
        except Exception:
            guarded = self.read if self._cache is not None else self._normalise
            return [
                None if index >= len(v) or (cell := v[index]) is None or cell == "" else guarded(cell)
                for v in rows
            ]

    def read(self, value: Cell) -> Normalised[Any]:
        cache = self._cache
        if cache is None:
            return self._normalise(value)
        key = (type(value), value)  # 1, 1.0 and True are equal keys but different cells
        result = cache.get(key)
        self._lookups += 1
        if result is not None:
            self._hits += 1
            return result
        result = self._normalise(value)
        if len(cache) < _CACHE_SIZE:
            cache[key] = result
        if self._lookups == _CACHE_TRIAL and self._hits < _CACHE_TRIAL * _CACHE_MIN_HITS:
            self._cache = None  # a column of unique values: the cache only costs
        return result

    def _normalise(self, value: Cell) -> Normalised[Any]:
        try:
            return self.normalise(value)
        except Exception as exc:  # normalisers never raise; if one does, its row is rejected, not the run
            return Normalised(Unreadable(repr(exc)), "")


class Unreadable(NamedTuple):
    """The value of a cell whose normaliser failed; the row is rejected as unreadable."""

    error: str


def _note_text(notes: list[tuple[str, str, str]]) -> str | None:
    """One note column as it is; several (or an address) as "Header: text" lines."""
    if not notes:
        return None
    if len(notes) == 1 and notes[0][0] == "note":
        return notes[0][2]
    return "\n".join(f"{header}: {text}" for _, header, text in notes)


def finish(draft: Draft, source: RowSource, cells: dict[str, Cell]) -> ParsedRow:
    """The frozen row, with the legal form and KPP chosen and the rejection decided."""
    legal_form = draft.legal_form or draft.name_form
    if draft.legal_form and draft.name_form and draft.legal_form != draft.name_form:
        draft.warnings.append(
            Message(
                "legal_form.conflict",
                N_("legal_form: the name says {name_form}, the form column says {form}; {form} kept"),
                name_form=draft.name_form,
                form=draft.legal_form,
            )
        )
    if draft.deal_amount and draft.next_action is None:  # a deal is made with its next step's date
        draft.warnings.append(
            Message(
                "deal.no_date",
                N_("no deal made: the amount {amount} needs a readable date of the next contact"),
                amount=money(draft.deal_amount),
            )
        )
    texts = draft.texts
    contact_name = texts.get("contact_name")
    rejection = None
    if not draft.name and not draft.phones and not draft.emails and not contact_name:
        rejection = NO_NAME_NO_CONTACT
    row = ParsedRow(
        source,
        cells,
        draft.name,
        legal_form,
        draft.inn,
        draft.kpp or draft.kpp_with_inn,
        draft.ogrn,
        tuple(draft.phones),
        tuple(draft.emails),
        texts.get("city"),
        texts.get("region"),
        contact_name,
        texts.get("contact_position"),
        texts.get("owner"),
        draft.next_action,
        _note_text(draft.notes),
        draft.deal_amount,
        tuple(draft.warnings),
        rejection,
        None,
        tuple(draft.portrait.items()),
    )
    if rejection is None:
        # The name is the legal-form split's (``_name``) and the INN's checksum was checked
        # when its cell was read: the keys need neither again.
        row.keys = row_keys(row, inn_valid=draft.inn_valid, name_split=True)
    return row
