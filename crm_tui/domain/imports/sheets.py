"""A sheet opened for a person to map: its header, its first rows, and what was remembered."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crm_tui.domain.imports.mapping import PortraitTarget
from crm_tui.domain.imports.rows import DataRow


@dataclass(frozen=True)
class SheetPreview:
    """An opened sheet as plain data: where its header is, its first data rows, how many data
    rows it has, and the mapping remembered for a header like its own."""

    path: Path
    file: str
    sheet: str
    header_row: int
    labels: tuple[str, ...]
    first_column: int
    first_rows: tuple[DataRow, ...]
    total_rows: int
    remembered: dict[str, str]
    portrait: tuple[PortraitTarget, ...] = ()
    """The base's portrait fields, which a column may feed too."""
