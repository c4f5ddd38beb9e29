"""Rows cross from the parsing process as plain tuples (``row_wire``) and come back equal."""

from __future__ import annotations

import pickle
from dataclasses import fields
from datetime import date

from crm_tui.domain.imports.rows import ParsedRow, RowKeys, RowSource
from crm_tui.domain.values.emails import Email
from crm_tui.domain.values.phones import Phone
from crm_tui.i18n import N_, Message
from crm_tui.importers.clients.row_wire import from_wire, to_wire


def _rows() -> list[ParsedRow]:
    warning = Message("inn.checksum", N_("INN '{inn}' fails the checksum"), inn="7707083891")
    full = ParsedRow(
        RowSource("petrov.xlsx", "Лист1", 4),
        {},
        "Ромашка",
        "ООО",
        "7707083891",
        "770701001",
        "1027700132195",
        (Phone("+74951234567", "12", "8 495 123-45-67 доб. 12"), Phone("+79161234567", None, "916")),
        (Email("a@b.ru", "A@B.ru"),),
        "Москва",
        "Москва",
        "Иван Петров",
        "директор",
        "ivanova",
        date(2026, 12, 10),
        "перезвонить",
        150_000_00,
        (warning,),
        None,
        RowKeys("Ромашка", "ромашка", "ооо ромашка", "иван петров", False, "ромашка", "москва"),
        (("size", 12), ("since", "2020-01-01")),
    )
    rejected = ParsedRow(
        RowSource("petrov.xlsx", "Лист1", 5),
        {"Название": "", "Телефон": 12.5},
        rejection=Message("row.no_name_no_contact", N_("no name and no contact data")),
    )
    return [full, rejected]


def test_a_chunk_comes_back_field_by_field_with_its_types() -> None:
    rows = _rows()
    back = from_wire(pickle.loads(pickle.dumps(to_wire(rows), protocol=pickle.HIGHEST_PROTOCOL)))
    names = [f.name for f in fields(ParsedRow)]
    assert [[getattr(r, n) for n in names] for r in back] == [[getattr(r, n) for n in names] for r in rows]
    assert [type(p) for p in back[0].phones] == [Phone, Phone]
    assert type(back[0].emails[0]) is Email
    assert type(back[0].keys) is RowKeys and back[1].keys is None
    assert type(back[0].source) is RowSource
