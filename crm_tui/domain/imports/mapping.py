"""Where the columns of a client file go: the fields a column may feed, and a sheet's mapping.

The mapping is suggested from the header text by ``crm_tui.importers.files.mapping`` and
changed by the person importing (``--map``, the wizard); what it is made of is plain data here,
so the wizard can show and edit it without the importers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.i18n import N_

FIELDS: tuple[str, ...] = (
    "name",
    "legal_form",
    "inn",
    "kpp",
    "inn_kpp",
    "ogrn",
    "phone",
    "email",
    "city",
    "region",
    "contact_name",
    "contact_position",
    "owner",
    "next_action",
    "note",
    "deal_amount",
    "address",
)
IGNORE = "ignore"
"""Target of an explicit mapping that skips a column."""
MULTI_VALUED = frozenset({"phone", "email", "note", "address"})
"""Fields several columns may feed (a second phone column, a comment and a remark)."""
PORTRAIT_PREFIX = "portrait."
"""A column may feed a field of the client's portrait: its target is ``portrait.<key>``
(``portrait.headcount``); the fields are the admin's, so they are known only from the base."""


@dataclass(frozen=True, slots=True)
class PortraitTarget:
    """A portrait field a column may feed, as the parser needs it: its label (also a header
    that means it), its kind and its choices (``crm_tui.domain.portrait.answers`` reads them)."""

    key: str
    label: str
    kind: str
    choices: tuple[str, ...] = ()

    @property
    def field(self) -> str:
        return PORTRAIT_PREFIX + self.key


def portrait_key(field: str) -> str | None:
    """``"portrait.headcount"`` -> ``"headcount"``; ``None`` for a client field."""
    return field.removeprefix(PORTRAIT_PREFIX) if field.startswith(PORTRAIT_PREFIX) else None


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """Where one column goes. ``field`` is ``None`` for an unmapped (or ignored) column;
    ``guess`` is the closest field even below the threshold, for a wizard to offer."""

    index: int
    header: str
    field: str | None
    confidence: int
    source: Literal["suggested", "explicit"] = "suggested"
    guess: str | None = None


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """The mapping of every column of a header row, in column order."""

    columns: tuple[ColumnMapping, ...]
    portrait: tuple[PortraitTarget, ...] = ()
    """The portrait fields of the base the mapping was made for (the parser reads their kinds)."""

    def target(self, field: str) -> PortraitTarget | None:
        """The portrait field ``field`` names, if it names one of this base's."""
        return next((t for t in self.portrait if t.field == field), None)

    def for_field(self, field: str) -> tuple[ColumnMapping, ...]:
        return tuple(c for c in self.columns if c.field == field)

    @property
    def unmapped(self) -> tuple[ColumnMapping, ...]:
        return tuple(c for c in self.columns if c.field is None)

    def as_dict(self) -> dict[str, str]:
        """``{header: field}`` for mapped columns: what a remembered mapping stores."""
        return {c.header: c.field for c in self.columns if c.field}


def column_letter(index: int) -> str:
    """0 -> "A", 27 -> "AB": how a spreadsheet names a column."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


CLIENT_KEYS = frozenset({"name", "inn", "inn_kpp", "phone", "email", "contact_name"})
"""The fields that can make a row a client (a row with none of them is rejected): a mapping
with no column on any of them would import nothing but rejections."""


def unusable_mapping(file: str, sheet: str, columns: ColumnMap) -> ImportFileError | None:
    """The refusal of a sheet none of whose columns holds a client's name, INN, phone, e-mail
    or contact person (a text file, a sheet whose header was not recognised), or None. The
    import refuses it before a batch is made; the wizard says it and offers no preview."""
    if any(c.field in CLIENT_KEYS for c in columns.columns):
        return None
    return ImportFileError(
        file,
        "no_client_columns",
        N_(
            "{file}, sheet '{sheet}': no column holds a client's name, INN, phone, e-mail or "
            "contact person, so there is nothing to import"
        ),
        sheet=sheet,
    )
