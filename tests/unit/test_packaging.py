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
