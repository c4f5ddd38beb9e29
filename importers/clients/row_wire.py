"""Parsed rows as they cross from the parsing process to the importing one: plain tuples.

Pickling a ``ParsedRow`` calls Python for every object in it (the row's, its source's and its
keys' ``__reduce__``, each phone's and e-mail's ``__getnewargs__``): about 15 us a row in the
parsing process, which is the slower of the two processes once the database's part is
lighter. A row as a tuple of plain values (its sheet row number for its source, phones and
e-mails as plain tuples, the keys' values) pickles in C alone, in about half the time; the
importing process builds the same objects back, at about the cost unpickling them had.
File and sheet, the same for a whole chunk, travel once.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from crm_tui.domain.imports.rows import ParsedRow, RowKeys, RowSource
from crm_tui.domain.values.emails import Email
from crm_tui.domain.values.phones import Phone

_phone = partial(tuple.__new__, Phone)
_email = partial(tuple.__new__, Email)


@dataclass(frozen=True, slots=True)
class WireChunk:
    """A chunk of rows of one sheet, each row a plain tuple (``to_wire``)."""

    file: str
    sheet: str
    rows: list[tuple[Any, ...]]


def to_wire(rows: list[ParsedRow]) -> WireChunk:
    """``rows`` (all of one file and sheet, as a parser's chunk is) as plain tuples."""
    first = rows[0].source if rows else RowSource("", "", 0)
    return WireChunk(
        first.file,
        first.sheet,
        [
            (
                r.source.row, r.cells, r.name, r.legal_form, r.inn, r.kpp, r.ogrn,
                tuple(map(tuple, r.phones)), tuple(map(tuple, r.emails)), r.city, r.region,
                r.contact_name, r.contact_position, r.owner, r.next_action, r.note, r.deal_amount,
                r.warnings, r.rejection,
                None if (k := r.keys) is None else (
                    k.name, k.name_key, k.search_text, k.contact_key, k.inn_valid, k.company, k.city_key
                ),
                r.portrait,
            )
            for r in rows
        ],
    )  # fmt: skip


def from_wire(chunk: WireChunk) -> list[ParsedRow]:
    """The rows ``to_wire`` was given, equal field by field."""
    file, sheet = chunk.file, chunk.sheet
    return [
        ParsedRow(
            RowSource(file, sheet, number), cells, name, legal_form, inn, kpp, ogrn,
            tuple(map(_phone, phones)), tuple(map(_email, emails)), city, region,
            contact_name, contact_position, owner, next_action, note, deal_amount, warnings, rejection,
            None if keys is None else RowKeys(*keys), portrait,
        )
        for (
            number, cells, name, legal_form, inn, kpp, ogrn, phones, emails, city, region,
            contact_name, contact_position, owner, next_action, note, deal_amount, warnings, rejection,
            keys, portrait,
        ) in chunk.rows
    ]  # fmt: skip
