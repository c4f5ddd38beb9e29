"""Text no database can hold (NUL, lone surrogates) is cleaned at the way in, with a warning, the
same on SQLite and PostgreSQL; a batch that stops on any error ends "failed" with the reason.

A NUL byte after the first 8 KB of a CSV (the part looked at for binary data) ended the import
on PostgreSQL in a ``psycopg.DataError`` traceback with the batch left "running", while SQLite
stored the NUL inside the name; a file whose name is not UTF-8 did the same on both engines
with a ``UnicodeEncodeError``.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select

from crm_tui.domain.imports.batches import ImportOptions, OrdersOptions
from crm_tui.domain.values.cells import UNSTORABLE, storable_text
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.batches import list_batches
from crm_tui.importers.clients import service
from crm_tui.importers.clients.chunk_result import ChunkResult
from crm_tui.importers.clients.service import import_clients
from crm_tui.importers.orders.service import import_orders
from crm_tui.storage.models import client_sources, clients, contacts
from tests.cli_support import crm, error_line
from tests.importers.order_files import write_sales_report_csv
from tests.seed import FROZEN_NOW, Seeded

FILLER = [f"ООО Клиент {i};+7 915 000 {i:04d};Иван {i};заметка" for i in range(300)]
"""Rows enough to push a later row past the first 8 KB."""


def nul_file(path: Path) -> Path:
    lines = ["Наименование;Телефон;Контакт;Комментарий", *FILLER]
    lines.append("ООО Нуль\x00ный;+7 915 111 00 00\x00;Пё\x00тр;ком\x00мент")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert path.read_bytes().index(b"\0") > 8192
    return path


def test_storable_text_takes_out_nul_and_lone_surrogates_and_says_so() -> None:
    assert storable_text("ООО Ромашка") == ("ООО Ромашка", "ООО Ромашка", ())
    assert storable_text("a\x00b").value == "ab"
    assert storable_text("bad\udcff.csv").value == "bad\ufffd.csv"
    assert storable_text("a\x00b").warnings == (UNSTORABLE,)
    assert storable_text("tab\tand\nnewline").warnings == ()  # other controls are another rule's


def test_a_nul_after_the_first_8_kb_is_cleaned_with_a_warning_on_both_engines(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    summary = import_clients(ws, [nul_file(tmp_path / "nul.csv")], ImportOptions(errors_dir=tmp_path))
    assert (summary.created, summary.rejected) == (301, 0)
    assert "text.unstorable" in {p["code"] for p in summary.problem_codes()}
    with ws.read() as session:
        name = session.scalar(select(clients.c.name).where(clients.c.name.like("%Нул%")))
        person = session.scalar(select(contacts.c.full_name).where(contacts.c.full_name.like("П%р")))
    assert (name, person) == ("Нульный", "Пётр")
    [batch] = list_batches(ws)
    assert (batch.status, batch.created) == ("done", 301)


def test_a_file_whose_name_is_not_utf8_is_imported_under_a_storable_name(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    path = Path(os.fsdecode(os.fsencode(tmp_path) + b"/\xcf\xf0\xee\xe1\xe0.csv"))  # cp1251 "Проба"
    path.write_text("Наименование;Телефон\nООО Проба;+7 915 000 00 01\n", encoding="utf-8")
    ws = workspace_for("admin")
    summary = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path))
    assert summary.created == 1
    with ws.read() as session:
        stored = session.scalar(select(client_sources.c.file))
    assert stored == "\ufffd" * 5 + ".csv"
    [batch] = list_batches(ws)
    assert batch.status == "done" and batch.files == [storable_text(str(path)).value]


@pytest.mark.parametrize("error", [RuntimeError("disk full"), KeyboardInterrupt()])
def test_a_batch_that_stops_on_any_error_ends_failed_with_the_reason(
    workspace_for: Callable[[str], Workspace],
    seeded: Seeded,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    error: BaseException,
) -> None:
    def broken(*args: object, **kwargs: object) -> ChunkResult:
        raise error

    monkeypatch.setattr(service, "write_chunk", broken)
    ws = workspace_for("admin")
    with pytest.raises(type(error)):
        import_clients(ws, [nul_file(tmp_path / "nul.csv")], ImportOptions(errors_dir=tmp_path))
    [batch] = list_batches(ws)
    assert batch.status == "failed"
    assert batch.failure == ("disk full" if isinstance(error, RuntimeError) else "interrupted (Ctrl+C)")
    monkeypatch.undo()
    finished = import_clients(ws, [nul_file(tmp_path / "nul.csv")], ImportOptions(errors_dir=tmp_path))
    assert finished.batch == batch.id  # the failed batch is continued: one batch, one undo
    [batch] = list_batches(ws)
    assert (batch.status, batch.failure, batch.created) == ("done", None, 301)


def test_a_command_line_argument_that_is_not_utf8_is_refused_in_one_line(tmp_path: Path) -> None:
    db = str(tmp_path / "crm.db")
    crm("--db", db, "db", "upgrade", check=True)
    name = os.fsdecode(os.fsencode(tmp_path) + b"/\xcf\xf0\xee\xe1\xe0.csv")
    Path(name).write_text("Наименование\nООО Проба\n", encoding="utf-8")
    result = crm("--db", db, "import", "clients", name, user="root")
    assert result.returncode == 2
    assert "is not UTF-8 text" in error_line(result)


def test_a_nul_in_an_orders_file_is_cleaned_with_a_warning_on_both_engines(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    path = write_sales_report_csv(tmp_path / "Продажи.csv", FROZEN_NOW.date())
    text = path.read_bytes().decode("cp1251").replace("Котёл газовый", " " * 9000 + "Котёл\x00 газовый")
    path.write_bytes(text.encode("cp1251"))
    summary = import_orders(workspace_for("admin"), path, OrdersOptions(errors_dir=tmp_path))
    assert summary.documents == 2
    assert "text.unstorable" in {p["code"] for p in summary.problem_codes()}
    [batch] = [b for b in list_batches(workspace_for("admin")) if b.kind == "orders"]
    assert batch.status == "done"
