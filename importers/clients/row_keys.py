"""What the loader derives from a parsed row alone (``RowKeys``), computed where rows are parsed."""

from __future__ import annotations

from crm_tui.domain.clients.search_keys import city_key, derived_keys
from crm_tui.domain.imports.rows import ParsedRow, RowKeys
from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.requisites import is_valid_inn
from crm_tui.importers.dedup.names import company_name, comparable_name


def keys_of(row: ParsedRow) -> RowKeys:
    """The keys the parser gave ``row``, or, for a row built otherwise, its keys now."""
    return row.keys if row.keys is not None else row_keys(row)


def row_keys(row: ParsedRow, *, inn_valid: bool | None = None, name_split: bool = False) -> RowKeys:
    """The keys of ``row``. The parser passes what it has found already, so that nothing is
    computed twice for every row of a file: ``inn_valid``, the checksum of ``row.inn`` checked
    when its cell was read, and ``name_split``, that ``row.name`` is what ``split_legal_form``
    left of the name cell (splitting it again leaves it as it is, so its comparable name is
    its folded self's)."""
    phones = [p.e164 for p in row.phones]
    emails = [e.value for e in row.emails]
    name = row.name or row.contact_name or (phones + emails)[0]
    name_key, text = derived_keys(name, row.legal_form, row.inn, row.city, phones, emails)
    if inn_valid is None:
        inn_valid = bool(row.inn) and is_valid_inn(row.inn or "")
    return RowKeys(
        name=name,
        name_key=name_key,
        search_text=text,
        contact_key=fold(row.contact_name) if row.contact_name else None,
        inn_valid=bool(row.inn) and inn_valid,
        company=comparable_name(name_key) if name_split and row.name else company_name(name),
        city_key=city_key(row.city) if row.city else None,
    )
