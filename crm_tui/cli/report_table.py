"""A KPI report as a table in the terminal's width (80 columns over SSH, unless the terminal says
otherwise), the way a head reads it: the rows' names on the left, the figures right-aligned and
never cut, headers wrapped at their spaces.

A report wider than the terminal keeps its figures whole and is printed as several tables, each
with the rows' names and as many figures as fit, one under the other (as a wide sheet is printed
on several pages): a figure cut to "37 41…" or a name broken over three lines is no figure to
compare. A manager is named by their name (their login is in ``--json`` and the workbook).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from crm_tui.domain.reports.table import Column, Kind, Report

LABEL_KINDS = frozenset({Kind.TEXT, Kind.DATE})
"""The slices' columns: what a row is (a person, a day, a stage); the rest are figures."""
GAP = 2
"""Cells between two columns."""
LABEL_MOST = 32
"""A name wider than this is cut with "…" (a full name of three words is some 30)."""
LABEL_LEAST = 16
"""...and a name is not cut below this to make room for a figure: the figures go on a next table."""


@dataclass(frozen=True)
class Layout:
    """Which columns each table shows (indexes into the report's columns) and every column's
    width."""

    tables: list[list[int]]
    widths: dict[int, int]


def _shown_columns(report: Report) -> list[int]:
    """The columns the terminal shows: the login stays in the JSON where the name is shown."""
    keys = {c.key for c in report.columns}
    return [n for n, c in enumerate(report.columns) if not (c.key == "manager" and "manager_name" in keys)]


def _cells(text: str) -> int:
    from rich.cells import cell_len

    return cell_len(text)


def _widest(column: Column, values: Sequence[str]) -> int:
    """A column as wide as its widest value and its header's longest word (headers wrap)."""
    return max([_cells(v) for v in values] + [_cells(word) for word in column.title.split()] + [1])


def layout(report: Report, cells: Sequence[Sequence[str]], width: int) -> Layout:
    """The tables ``report`` is printed as in ``width`` terminal cells (``cells``: its rows as shown)."""
    shown = _shown_columns(report)
    labels = [n for n in shown if report.columns[n].kind in LABEL_KINDS]
    figures = [n for n in shown if n not in labels]
    natural = {n: _widest(report.columns[n], [row[n] for row in cells]) for n in shown}
    least = {
        n: min(natural[n], max(LABEL_LEAST, *map(_cells, report.columns[n].title.split()))) for n in labels
    }
    for n in labels:
        natural[n] = min(natural[n], LABEL_MOST)

    def wide(columns: Sequence[int], widths: dict[int, int]) -> int:
        return sum(widths[n] for n in columns) + GAP * max(len(columns) - 1, 0)

    # the figures, as many to a table as fit beside the names at their narrowest
    tables: list[list[int]] = []
    for n in figures:
        if tables and wide([*labels, *tables[-1], n], natural | least) <= width:
            tables[-1].append(n)
        else:
            tables.append([n])
    if not tables:
        tables = [[]]
    # the names as wide as the widest table leaves them, up to their own width: the room is
    # shared out evenly, a name that needs less than its share leaving the rest to the others
    room = width - max(wide(t, natural) + (GAP if t and labels else 0) for t in tables)
    widths = natural | least
    spare = room - wide(labels, least)
    growing = sorted(labels, key=lambda n: natural[n] - least[n])
    for served, n in enumerate(growing):
        grown = min(natural[n] - least[n], max(spare // (len(growing) - served), 0))
        widths[n] += grown
        spare -= grown
    return Layout([[*labels, *t] for t in tables], widths)
