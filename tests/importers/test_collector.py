"""Pausing the cyclic garbage collector is the CLI's, around the one job its process runs
(``crm_tui.cli.collector``): the same jobs run by the App, in a thread beside the screens,
leave the process's collector as it is."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import crm_tui.importers.clients.service as client_import
import crm_tui.importers.dedup.service as dedup
from crm_tui import config
from crm_tui.cli.main import app as crm
from crm_tui.domain.imports.batches import ImportOptions
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.clients.service import import_clients
from tests.importers.files import write_managers_xlsx
from tests.seed import Seeded


def test_an_import_leaves_the_collector_alone(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    collecting: list[bool] = []
    summary = import_clients(
        ws, [path], ImportOptions(errors_dir=tmp_path), lambda _rows: collecting.append(gc.isenabled())
    )
    assert summary.created > 0
    assert collecting and all(collecting)


def test_a_duplicate_scan_leaves_the_collector_alone(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    import_clients(ws, [write_managers_xlsx(tmp_path / "petrov.xlsx")], ImportOptions(errors_dir=tmp_path))
    collecting: list[bool] = []
    dedup.scan(ws, progress=lambda _stage, _done, _total: collecting.append(gc.isenabled()))
    assert collecting and all(collecting)


def test_the_cli_pauses_the_collector_around_its_import_and_scans_only(
    seeded_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    collecting: dict[str, bool] = {}

    def watched(module: object, name: str) -> None:
        real = getattr(module, name)

        def run(*args: Any, **kwargs: Any) -> Any:
            collecting[name] = gc.isenabled()
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, run)

    watched(client_import, "import_clients")
    for name in ("scan", "find_sure", "merge_sure"):
        watched(dedup, name)
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    monkeypatch.setattr(config, "os_login", lambda: "admin")
    env = {"CRM_DATA_DIR": str(tmp_path), "CRM_TZ": "Europe/Moscow"}
    for args in (["import", "clients", str(path)], ["dedup", "scan"], ["dedup", "merge", "--auto"]):
        result = CliRunner().invoke(crm, ["--db", seeded_db, *args, "--json"], env=env)
        assert result.exit_code == 0, result.output
    # The merges run with the collector on: each is a transaction of its own, and the scan
    # before them is what allocates.
    assert collecting == {"import_clients": False, "scan": False, "find_sure": False, "merge_sure": True}
    assert gc.isenabled()
