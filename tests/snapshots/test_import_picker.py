"""The import wizard's field picker with the portrait's fields (issue 21's review: their labels
ran into their descriptions), in English and Russian, at 80x24 and 120x40: the wizard on
Petrov's sheet, `e` on its last column («Сайт»), the list at the portrait's fields.

Update with ``pytest tests/snapshots/test_import_picker.py --snapshot-update`` and read the SVGs.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from crm_tui import i18n
from crm_tui.app import create_app
from crm_tui.domain.workspace import Workspace
from tests.importers.files import write_managers_xlsx
from tests.russian_base import name_in_russian
from tests.snapshots.test_screens import import_file

SnapCompare = Callable[..., bool]


@pytest.fixture(params=["en", "ru"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    before = i18n.current_locale()
    i18n.set_locale(request.param)
    yield request.param
    i18n.set_locale(before)


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")])
def test_the_picker_shows_the_portrait_fields_apart_from_their_descriptions(
    snap_compare: SnapCompare,
    ws: Workspace,
    sqlite_url: str,
    prepared: Callable[[str], Engine],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    language: str,
    size: tuple[int, int],
) -> None:
    if language == "ru":
        name_in_russian(prepared(sqlite_url))
    monkeypatch.chdir(tmp_path)
    path = write_managers_xlsx(tmp_path / "petrov.xlsx")
    app = create_app(ws, data_dir=Path("data"))
    assert snap_compare(app, terminal_size=size, run_before=import_file(path, "end", "e", "up", "up"))
