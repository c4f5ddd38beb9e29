"""Memory bounded by the shape of the input, not only by the file's size.

A 40 MB CSV of one row of 20 million columns took 47 s and 1.98 GB to import (the csv module made
a list of 20 million strings); a few-kilobyte .xlsx with a value in A1 and another far away made
calamine allocate the whole grid between them (4.5 GB for ZZ200000) and the process died. Rows
past the caps (characters of a record, columns of a row, cells of a sheet) are refused in one line
naming the file and the row, before anything is allocated for them.
"""

from __future__ import annotations

import re
import resource
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook

from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.importers.clients.rows import open_table
from crm_tui.importers.files.file_kind import Limits
from crm_tui.importers.files.reading import read_sheet

MEASURE = """
import sys
from pathlib import Path
from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.importers.clients.rows import open_table
try:
    table = open_table(Path(sys.argv[1]))
    for _ in table.rows:
        pass
    print("read")
except ImportFileError as exc:
    print(exc)
# This process's own peak (VmHWM starts afresh at exec; ru_maxrss keeps the forking parent's,
# which in a test worker that ran other tests before is hundreds of megabytes).
status = Path("/proc/self/status").read_text()
print(next(line.split()[1] for line in status.splitlines() if line.startswith("VmHWM:")))
"""


def read_in_a_process(path: Path, memory_limit: int | None = None) -> tuple[str, int]:
    """What reading ``path`` said, and the reading process's peak RSS in KB; run apart, with
    ``memory_limit`` bytes of address space at most, so a file that would eat the machine's
    memory only ends that process."""

    def limit() -> None:
        if memory_limit is not None:
            resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))

    done = subprocess.run(
        [sys.executable, "-c", MEASURE, str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=limit,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    said, peak = done.stdout.strip().splitlines()
    return said, int(peak)


def test_a_40_mb_row_of_20_million_columns_is_refused_in_under_300_mb(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    with path.open("w", encoding="ascii") as out:
        for _ in range(20):
            out.write(";".join(["x"] * 1_000_000) + ";")
        out.write("\n")
    assert path.stat().st_size >= 40_000_000
    said, peak_kb = read_in_a_process(path)
    assert said == "wide.csv: row 1 is longer than 16 MB: refused (is it a CSV file?)"
    assert peak_kb < 300 * 1024


def test_a_row_with_too_many_columns_is_refused_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "wide.csv"
    path.write_text("Наименование;Телефон\nООО Ромашка;+7 915\n" + ";".join(["x"] * 5000) + "\n")
    with pytest.raises(ImportFileError) as refused:
        list(open_table(path).rows)
    assert str(refused.value) == "wide.csv: row 3 has 5000 columns, over the limit of 1000: refused"
    # Separators inside quotes are not columns.
    path.write_text('Наименование;Комментарий\nООО Ромашка;"' + ";" * 5000 + '"\n')
    assert len(list(open_table(path).rows)) == 1


def test_a_file_over_the_cells_cap_is_refused_naming_the_row(tmp_path: Path) -> None:
    path = tmp_path / "long.csv"
    path.write_text("Наименование;Телефон\n" + "ООО Ромашка;+7 915\n" * 100)
    rows = read_sheet(path, limits=Limits(max_cells=51)).rows
    with pytest.raises(
        ImportFileError, match=r"^long.csv: over 51 cells by row 26: refused; split the file$"
    ):
        list(rows)


def sparse_xlsx(
    path: Path, far_cell: str | None, dimension: str | None = None, *, empty: bool = False
) -> Path:
    """A two-row client list, with a value in ``far_cell`` too (or an ``empty`` styled cell), or
    a ``<dimension>`` that claims a huge range."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Наименование", "Телефон"])
    sheet.append(["ООО Ромашка", "+7 915 000 00 00"])
    book.save(path.with_suffix(".tmp"))
    with zipfile.ZipFile(path.with_suffix(".tmp")) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                xml = data.decode()
                if dimension:
                    xml = re.sub(r'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}"/>', xml)
                if far_cell:
                    row = re.sub(r"[A-Z]+", "", far_cell)
                    cell = (
                        f'<c r="{far_cell}" s="0"/>'
                        if empty
                        else f'<c r="{far_cell}" t="inlineStr"><is><t>x</t></is></c>'
                    )
                    far = f'<row r="{row}">{cell}</row>'
                    xml = xml.replace("</sheetData>", far + "</sheetData>")
                data = xml.encode()
            target.writestr(item, data)
    return path


@pytest.mark.parametrize(
    ("far_cell", "refusal"),
    [
        ("XFD1048576", "far.xlsx: row 1048576 has 16384 columns, over the limit of 1000: refused"),
        (
            "ZZ200000",
            "far.xlsx: the sheet reaches row 200000: 140400000 cells, over the limit of 30000000: refused",
        ),
    ],
)
def test_a_sparse_sheet_with_a_far_cell_is_refused_before_it_is_allocated(
    tmp_path: Path, far_cell: str, refusal: str
) -> None:
    said, peak_kb = read_in_a_process(sparse_xlsx(tmp_path / "far.xlsx", far_cell), memory_limit=1 << 30)
    assert said == refusal
    assert peak_kb < 300 * 1024


def test_a_sheet_whose_dimension_claims_a_huge_range_is_read_as_what_it_holds(tmp_path: Path) -> None:
    path = sparse_xlsx(tmp_path / "claims.xlsx", None, dimension="A1:XFD1048576")
    said, peak_kb = read_in_a_process(path, memory_limit=1 << 30)
    assert said == "read" and peak_kb < 300 * 1024
    # An empty styled cell far away holds nothing: it does not count either.
    book = path.read_bytes()
    assert [row for _, row in read_sheet(path).rows] == [
        ["Наименование", "Телефон"],
        ["ООО Ромашка", "+7 915 000 00 00"],
    ]
    assert book
