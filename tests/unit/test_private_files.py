"""Files the project writes for a person are theirs alone: rejected rows and exports are
personal data, and were written 0644 in folders of 0755 (the base alone was 0660)."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

from crm_tui.domain.exports import write_csv, write_workbook
from crm_tui.domain.imports.batches import ImportOptions
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.clients.service import import_clients
from tests.seed import Seeded


def mode(path: Path | str) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_the_errors_file_is_0600_in_a_folder_others_cannot_read(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    old = os.umask(0o022)
    try:
        errors = tmp_path / "data" / "imports"
        errors.parent.mkdir(mode=0o755)
        errors.mkdir(mode=0o755)  # as an earlier version left it
        path = tmp_path / "clients.csv"
        path.write_text(
            "Наименование;Телефон;Комментарий\n;;позвонить\nООО Проба;+7 915 000 00 01;\n", encoding="utf-8"
        )
        summary = import_clients(workspace_for("admin"), [path], ImportOptions(errors_dir=errors))
    finally:
        os.umask(old)
    assert summary.errors_file is not None
    assert mode(summary.errors_file) == 0o600
    assert mode(errors) == 0o700


def test_every_export_is_0600_and_a_folder_it_makes_is_0700(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        write_workbook(tmp_path / "new" / "report.xlsx", "Отчёт", ["Клиент"], [["ООО Ромашка"]])
        write_csv(tmp_path / "calls.csv", ["Клиент"], [["ООО Ромашка"]])
        existing = tmp_path / "again.csv"
        existing.write_text("old")
        existing.chmod(0o666)
        write_csv(existing, ["Клиент"], [])
    finally:
        os.umask(old)
    assert mode(tmp_path / "new" / "report.xlsx") == 0o600
    assert mode(tmp_path / "new") == 0o700
    assert mode(tmp_path / "calls.csv") == 0o600
    assert mode(existing) == 0o600
