"""The import wizard's column table: each column of a sheet, where it goes, and what it holds."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from rich.text import Text

from crm_tui.domain.captions import FIELD_KIND_NAMES
from crm_tui.domain.imports.mapping import (
    FIELDS,
    IGNORE,
    ColumnMap,
    ColumnMapping,
    PortraitTarget,
    column_letter,
    portrait_key,
)
from crm_tui.domain.imports.rows import DataRow
from crm_tui.domain.values.cells import cell_text, collapse_spaces
from crm_tui.domain.values.text import inert, literal
from crm_tui.i18n import _
from crm_tui.widgets.record_table import Col, RecordTable, clip

SAMPLES = 3
SAMPLE_WIDTH = 24
HEADER_WIDTH = 24
SURE = 95
"""A suggestion this confident is as good as exact; below it the match column turns yellow."""
GUESS = 60
"""A skipped column names its closest field only when the match is at least this good."""


def field_label(field: str, portrait: Sequence[PortraitTarget] = ()) -> str:
    """A target field of the import by name, in the language in force (English shows the name
    the CLI's ``--map`` takes); a portrait field by its label, as the admin named it."""
    if (key := portrait_key(field)) is not None:
        label = next((t.label for t in portrait if t.key == key), key)
        return _("portrait: {field}").format(field=label)
    labels = {
        "name": _("name"),
        "legal_form": _("legal_form"),
        "inn": _("inn"),
        "kpp": _("kpp"),
        "inn_kpp": _("inn_kpp"),
        "ogrn": _("ogrn"),
        "phone": _("phone"),
        "email": _("email"),
        "city": _("city"),
        "region": _("region"),
        "contact_name": _("contact_name"),
        "contact_position": _("contact_position"),
        "owner": _("owner"),
        "next_action": _("next_action"),
        "note": _("note"),
        "deal_amount": _("deal_amount"),
        "address": _("address"),
        IGNORE: _("ignore"),
    }
    return labels.get(field, field)


def field_description(field: str, portrait: Sequence[PortraitTarget] = ()) -> str:
    """What a target field of the import means, for the person choosing it."""
    if (key := portrait_key(field)) is not None:
        kind = next((t.kind for t in portrait if t.key == key), None)
        if kind is None:
            return _("a field of the client's portrait, read as its kind")
        return _("the client's portrait, read as {kind}").format(kind=FIELD_KIND_NAMES.caption(kind))
    descriptions = {
        "name": _("client name; a legal form in it is split off"),
        "legal_form": _("legal form: ООО, ИП, АО..."),
        "inn": _("INN (an INN/KPP pair in one cell is split)"),
        "kpp": _("KPP"),
        "inn_kpp": _("INN and KPP in one cell"),
        "ogrn": _("OGRN or OGRNIP"),
        "phone": _("phone numbers (several columns allowed)"),
        "email": _("e-mail addresses (several columns allowed)"),
        "city": _("city"),
        "region": _("region"),
        "contact_name": _("contact person's full name"),
        "contact_position": _("contact person's position"),
        "owner": _("owner: the manager's login or name"),
        "next_action": _("date of the next contact: becomes a deal and a task"),
        "note": _("note on the client (several columns allowed)"),
        "deal_amount": _("deal amount: becomes an open deal"),
        "address": _("address, kept in the client's note"),
        IGNORE: _("skip this column"),
    }
    return descriptions.get(field, field)


def field_choices(portrait: Sequence[PortraitTarget] = ()) -> list[tuple[str, str]]:
    """Every target a column may take, with its description: the client's fields, the
    portrait's, then ``ignore``."""
    targets = (*FIELDS, *(t.field for t in portrait), IGNORE)
    return [(field, field_description(field, portrait)) for field in targets]


def sample_values(rows: Sequence[DataRow], index: int, count: int = SAMPLES) -> list[str]:
    """The first ``count`` distinct non-empty values of column ``index``, as a person reads them."""
    found: list[str] = []
    for row in rows:
        if index >= len(row.values):
            continue
        text = collapse_spaces(cell_text(row.values[index]))
        if text and text not in found:
            found.append(text)
            if len(found) == count:
                break
    return found


class MappingTable(RecordTable):
    """The columns of one sheet: letter, header, target field, how sure the match is, samples.

    Row keys are column indexes as strings; ``selected_index`` gives the one under the cursor.
    The screen changes a column's field (Enter or ``e``); this table only shows the mapping.

    | Key(s) | Description |
    | :- | :- |
    | up, k | Move the cursor up. |
    | down, j | Move the cursor down. |
    | home | Move to the first row. |
    | end | Move to the last row. |
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            [
                Col(_("Col"), 3),
                Col(_("Header in the file"), HEADER_WIDTH),
                Col(_("Imported as"), 18),
                Col(_("Match"), 11, right=True),
                Col(_("Sample values")),
            ],
            id=id,
            openable=False,
        )

    @property
    def selected_index(self) -> int | None:
        key = self.selected_key
        return None if key is None else int(key)

    def show(
        self,
        columns: ColumnMap,
        suggested: ColumnMap,
        rows: Sequence[DataRow],
        *,
        first_column: int = 0,
        chosen: Collection[int] = (),
    ) -> None:
        """Show ``columns``: the mapping now. ``suggested`` is the one first offered (with its
        confidence and remembered entries), ``chosen`` the columns the person has changed since."""
        theme = self.app.current_theme
        warn = theme.warning or "yellow"
        good = theme.success or "green"
        records = []
        for column, first in zip(columns.columns, suggested.columns, strict=True):
            field, match = self._target(column, first, column.index in chosen, good, warn, columns.portrait)
            samples = " · ".join(clip(s, SAMPLE_WIDTH) for s in sample_values(rows, column.index))
            records.append(
                (
                    str(column.index),
                    [
                        Text(column_letter(first_column + column.index), style="dim"),
                        literal(clip(inert(column.header), HEADER_WIDTH), no_wrap=True),
                        field,
                        match,
                        literal(
                            samples or "—", style="" if samples else "dim", no_wrap=True, overflow="ellipsis"
                        ),
                    ],
                )
            )
        self.set_records(records)

    @staticmethod
    def _target(
        column: ColumnMapping,
        first: ColumnMapping,
        chosen: bool,
        good: str,
        warn: str,
        portrait: Sequence[PortraitTarget] = (),
    ) -> tuple[Text, Text]:
        """The "Imported as" and "Match" cells of one column (``first``: as first suggested)."""
        if chosen:
            match = Text(_("your choice"), style=f"bold {good}")
        elif first.source == "explicit":
            match = Text(_("remembered"), style=good)
        elif first.field is None:
            match = Text(f"{first.confidence}%" if first.confidence else "—", style="dim")
        else:
            match = Text(f"{first.confidence}%", style="" if first.confidence >= SURE else f"bold {warn}")
        if column.field is not None:
            return Text(field_label(column.field, portrait), style="bold"), match
        plausible = first.confidence >= GUESS and not chosen and first.source != "explicit"
        guess = first.guess if plausible else None
        label = field_label(guess, portrait) if guess else ""
        hint = _("— skipped ({guess}?)").format(guess=label) if guess else _("— skipped")
        return Text(hint, style="dim", no_wrap=True, overflow="ellipsis"), match
