"""`pip install .` (the README's first command) ships one top-level package holding everything."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The folders at the top of the repository and the package each installs as (shared/DESIGN.md).
FOLDERS = {
    "crm_tui": "crm_tui",
    "storage": "crm_tui.storage",
    "importers": "crm_tui.importers",
    "scheduling": "crm_tui.scheduling",
    "screens": "crm_tui.screens",
    "widgets": "crm_tui.widgets",
}


def _setuptools() -> dict[str, object]:
    table: dict[str, object] = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    return table


def _python_files(folder: str) -> Iterator[Path]:
    """The files of a folder, not through the links (crm_tui/storage is storage/, read there)."""
    for directory, _subfolders, files in os.walk(ROOT / folder):
        yield from (Path(directory) / name for name in files if name.endswith(".py"))


def _packages_on_disk() -> set[str]:
    return {
        ".".join((package, *path.parent.relative_to(ROOT / folder).parts))
        for folder, package in FOLDERS.items()
        for path in _python_files(folder)
        if path.name == "__init__.py"
    }


def test_every_package_is_listed_for_a_non_editable_install() -> None:
    listed = set(_setuptools()["packages"])  # type: ignore[call-overload]
    assert _packages_on_disk() - listed == set(), "add these to [tool.setuptools] packages"
    assert listed - _packages_on_disk() == set(), "these listed packages have no folder"


def test_each_top_folder_installs_under_crm_tui() -> None:
    assert _setuptools()["package-dir"] == {package: folder for folder, package in FOLDERS.items()}
    for folder, package in FOLDERS.items():
        if folder != "crm_tui":
            link = ROOT / "crm_tui" / package.rpartition(".")[2]
            assert link.is_symlink() and link.resolve() == (ROOT / folder).resolve(), (
                f"crm_tui/{folder} must link to ../{folder}: mypy and import-linter read the layout from it"
            )


_TOP_LEVEL_IMPORT = re.compile(
    r"^\s*(?:from|import)\s+(?:storage|importers|scheduling|screens|widgets)\b", re.M
)


def test_the_code_imports_every_package_under_crm_tui() -> None:
    offenders = [
        str(path.relative_to(ROOT))
        for folder in (*FOLDERS, "tests")
        for path in _python_files(folder)
        if _TOP_LEVEL_IMPORT.search(path.read_text())
    ]
    assert offenders == []


@pytest.mark.slow
@pytest.mark.long
def test_the_wheel_holds_only_crm_tui(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
    )
    (wheel,) = tmp_path.glob("*.whl")
    with zipfile.ZipFile(wheel) as archive:
        tops = {name.split("/", 1)[0] for name in archive.namelist()}
        names = set(archive.namelist())
    assert {top for top in tops if not top.endswith(".dist-info")} == {"crm_tui"}
    assert "crm_tui/storage/models.py" in names
    assert "crm_tui/storage/migrations/script.py.mako" in names
    assert "crm_tui/app.tcss" in names


def _imported_names(folder: str) -> set[str]:
    """The top-level names the code of ``folder`` imports (``import x.y``, ``from x import y``)."""
    import ast

    names: set[str] = set()
    for path in _python_files(folder):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_openpyxl_is_for_the_tests_only() -> None:
    """Every workbook is written by XlsxWriter and read by calamine or our stream reader: no
    runtime code imports openpyxl, so an install does not pull it; the tests read workbooks
    back with it, pinned in the test extras."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    runtime = {re.split(r"[=<>~\[ ]", spec)[0].lower() for spec in project["dependencies"]}
    assert "openpyxl" not in runtime
    assert "openpyxl==3.1.5" in project["optional-dependencies"]["test"]
    assert not any("openpyxl" in _imported_names(folder) for folder in FOLDERS)
