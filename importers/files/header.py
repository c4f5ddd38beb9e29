"""Finding the header row in a manager's sheet, and the data rows below it.

Managers put a title ("Клиенты менеджера Петрова на 01.12.2026"), a date or a blank line above
the header, blank lines between groups and a totals row ("Итого") at the bottom; a long list
may repeat the header after a page break. The header is the row among the first ~30 whose cells
name the most known fields; data rows are every later row that is not blank, not a totals row
and not a repeat of the header. Rows keep the number the spreadsheet shows, so an error can say
"row 17".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain

from crm_tui.domain.imports.rows import DataRow
from crm_tui.domain.values.cells import Cell, cell_text, collapse_spaces, is_blank, storable_cells
from crm_tui.importers.files.mapping import DEFAULT_THRESHOLD, match_field, unique_headers
from crm_tui.importers.files.vocabulary import fold_header

SCAN_ROWS = 30
TOTALS_CELLS = 5
"""A totals word is looked for in this many leading cells of a row."""
TOTAL_WORDS = frozenset({"итого", "итог", "всего", "total", "totals", "subtotal"})
# After the totals word: "Итого по менеджеру", "Итого за декабрь", "Итого 15", "Total for Q4".
_TOTAL_STARTS = tuple({word[:4] for word in TOTAL_WORDS})
_TOTAL_INITIALS = frozenset(word[0] for word in TOTAL_WORDS) | frozenset(
    word[0].upper() for word in TOTAL_WORDS
)
_TOTAL_TAILS = frozenset(
    {"по", "за", "for", "of", "клиентов", "записей", "строк", "сумма", "rows", "clients"}
)

NumberedRow = tuple[int, list[Cell]]


@dataclass(frozen=True, slots=True)
class HeaderRow:
    """The header: its sheet row number, the texts as written and unique labels for them."""

    row_number: int
    texts: tuple[str, ...]
    labels: tuple[str, ...]
    recognised: int
    """How many cells name a known field; 0 means the header was a guess."""


@dataclass
class SkippedRows:
    """What the data row iterator left out, for the import report."""

    blank: int = 0
    totals: list[int] = field(default_factory=list)
    repeated_headers: list[int] = field(default_factory=list)


Matcher = Callable[[str], tuple[str | None, int]]
"""Header text -> ``(field, confidence)``; client files and order files know different fields."""


def _header_score(values: Sequence[Cell], threshold: int, match: Matcher) -> tuple[int, int]:
    """``(distinct known fields, text cells)`` of a candidate header row."""
    fields: set[str] = set()
    texts = 0
    for value in values:
        if isinstance(value, str) and value.strip():
            texts += 1
            found, score = match(collapse_spaces(value))
            if found and score >= threshold:
                fields.add(found)
    return len(fields), texts


def _make_header(number: int, values: Sequence[Cell], recognised: int, first_column: int) -> HeaderRow:
    texts = [collapse_spaces(cell_text(v)) for v in values]
    while texts and not texts[-1]:
        texts.pop()
    return HeaderRow(number, tuple(texts), tuple(unique_headers(texts, first_column)), recognised)


def find_header(
    rows: Iterable[NumberedRow],
    *,
    scan_rows: int = SCAN_ROWS,
    first_column: int = 0,
    threshold: int = DEFAULT_THRESHOLD,
    match: Matcher = match_field,
) -> tuple[HeaderRow | None, Iterator[NumberedRow]]:
    """The header row and an iterator over the rows after it (``None`` for an empty sheet).

    Reads at most ``scan_rows`` non-blank rows ahead (blank rows above them are passed over,
    however many); they are replayed, so nothing is lost from a stream.
    With no recognisable header the first row that looks like one (two or more text cells and
    nothing else) is taken, else the first non-blank row.
    """
    stream = iter(rows)
    buffered: list[NumberedRow] = []
    filled = 0
    for row in stream:
        blank = is_blank_row(row[1])
        if blank and not filled:
            continue  # blank rows above everything are neither header nor data
        buffered.append(row)
        filled += not blank
        if filled >= scan_rows or len(buffered) >= scan_rows * 20:  # bounded, even if all blank
            break
    best: tuple[int, int, int] | None = None  # (fields, text cells, -position)
    for position, (_, values) in enumerate(buffered):
        fields, texts = _header_score(values, threshold, match)
        if fields and (best is None or (fields, texts, -position) > best):
            best = (fields, texts, -position)
    if best is not None:
        position, recognised = -best[2], best[0]
    else:
        recognised = 0
        candidates = [
            i
            for i, (_, values) in enumerate(buffered)
            if sum(not is_blank(v) for v in values) >= 2
            and all(isinstance(v, str) for v in values if not is_blank(v))
        ]
        if not buffered:
            return None, iter(())
        position = candidates[0] if candidates else 0  # buffered[0] is never blank
    number, values = buffered[position]
    header = _make_header(number, values, recognised, first_column)
    return header, chain(buffered[position + 1 :], stream)


def is_blank_row(values: Sequence[Cell]) -> bool:
    for value in values:
        if value is None or value == "" or (isinstance(value, str) and value.isspace()):
            continue
        return False
    return True


def is_totals_row(values: Sequence[Cell]) -> bool:
    """ "Итого", "Всего по менеджеру", "Total:" in one of the first cells."""
    for value in values[:TOTALS_CELLS]:
        # a cheap look at the first letter first: this runs on every row of every file
        if (
            type(value) is str
            and (value[:1] in _TOTAL_INITIALS or value[:1].isspace())
            and value.lstrip()[:5].casefold().startswith(_TOTAL_STARTS)
        ):
            words = fold_header(value).split()
            if (
                words
                and words[0] in TOTAL_WORDS
                and (len(words) == 1 or words[1] in _TOTAL_TAILS or words[1].isdigit())
            ):
                return True
    return False


def iter_data_rows(
    rows: Iterable[NumberedRow], header: HeaderRow, skipped: SkippedRows | None = None
) -> Iterator[DataRow]:
    """Data rows after the header: blank rows, totals rows and repeated headers are left out
    (and counted in ``skipped``). Text no database can hold (NUL, lone surrogates) is cleaned
    here, at the way in, for every import (``crm_tui.domain.values.cells.storable_text``); the
    row says so, for its warning, and names its formula cells saved without a value."""
    tally = skipped if skipped is not None else SkippedRows()
    header_key = tuple(fold_header(t) for t in header.texts)
    width = len(header_key)
    first_text = header.texts[0] if header.texts else None
    for number, values in rows:
        if is_blank_row(values):
            tally.blank += 1
            continue
        if is_totals_row(values):
            tally.totals.append(number)
            continue
        if (
            first_text
            and isinstance(values[0], str)
            and values[0].strip() == first_text
            and tuple(fold_header(cell_text(v)) for v in values[:width]) == header_key
            and all(is_blank(v) for v in values[width:])
        ):
            tally.repeated_headers.append(number)
            continue
        cleaned, formulas = storable_cells(values)
        if cleaned is None:
            yield DataRow(number, values, formulas=formulas) if formulas else DataRow(number, values)
        else:
            yield DataRow(number, cleaned, unstorable=True, formulas=formulas)
