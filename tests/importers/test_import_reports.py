"""What a client import tells the person who ran it (issue 19): a file with no client column is
refused before a batch is made, every warning of every row is reported (the summary capped,
with the total) and kept in the errors file, a mistyped INN is kept and flagged, and a row whose
INN is another company's is held for a person instead of enriching that company."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select

from crm_tui.domain.imports.batches import PROBLEMS_SHOWN, ImportOptions
from crm_tui.domain.imports.errors import ImportFileError
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.batches import list_batches
from crm_tui.importers.clients.service import import_clients
from crm_tui.storage.models import channels, clients, import_batches
from tests.cli_support import crm, error_line
from tests.importers.files import write_managers_xlsx, write_rows_xlsx
from tests.seed import Seeded, valid_inn

NOTES = "Позвонить Иванову завтра\nКупить бумагу\nВстреча в 15:00 с ООО Ромашка\n"
ROMASHKA_INN = valid_inn("770708389")  # the seeded «Ромашка»


def errors_file_rows(path: str) -> dict[int, str]:
    """Row number -> the reasons the errors file gives."""
    sheet = load_workbook(path).active
    assert sheet is not None
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:4] == ("File", "Sheet", "Row", "Reason")
    return {int(str(r[2])): str(r[3]) for r in rows[1:]}


# A file with nothing to import --------------------------------------------------------------


def test_a_text_file_is_refused_in_one_line_and_no_batch_is_made(seeded_db: str, tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    for dry_run in ((), ("--dry-run",)):
        result = crm("--db", seeded_db, "import", "clients", str(notes), "--json", *dry_run,
                     user="admin", data_dir=tmp_path / "data")  # fmt: skip
        assert result.returncode == 2 and result.stdout == ""
        assert error_line(result) == (
            "crm: error: notes.txt, sheet 'notes': no column holds a client's name, INN, phone, "
            "e-mail or contact person, so there is nothing to import"
        )
    listed = crm("--db", seeded_db, "import", "list", "--json", user="admin", check=True)
    assert listed.stdout == ""


def test_a_file_given_twice_by_any_name_is_refused_in_one_line_before_a_batch(
    seeded_db: str, tmp_path: Path
) -> None:
    """A reviewer's finding: `import clients cl.csv cl.csv` counted every row twice and repeated
    each warning."""
    book = tmp_path / "cl.csv"
    book.write_text("Наименование;Телефон\nООО Дважды;+7 905 777 00 09\n", encoding="utf-8")
    copy = tmp_path / "copy.csv"
    copy.write_bytes(book.read_bytes())
    (tmp_path / "sub").mkdir()
    for second in (str(book), str(tmp_path / "sub" / ".." / "cl.csv"), str(copy)):
        result = crm("--db", seeded_db, "import", "clients", str(book), second, "--json",
                     user="admin", data_dir=tmp_path / "data")  # fmt: skip
        assert result.returncode == 2 and result.stdout == ""
        assert error_line(result) == f"crm: error: {second}: the same file as {book}; give each file once"
    listed = crm("--db", seeded_db, "import", "list", "--json", user="admin", check=True)
    assert listed.stdout == ""


def test_a_sheet_whose_columns_name_no_client_is_refused_unless_one_is_mapped(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    path = write_rows_xlsx(tmp_path / "calls.xlsx", [["Комментарий", "Сумма сделки"], ["перезвонить", 100]])
    try:
        import_clients(ws, [path], ImportOptions(errors_dir=tmp_path))
    except ImportFileError as refused:
        assert refused.reason == "no_client_columns"
    else:
        raise AssertionError("a sheet with no client column was imported")
    assert list_batches(ws) == []
    summary = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path, explicit={"Комментарий": "name"}))
    assert summary.created == 1


# Warnings, all of them ----------------------------------------------------------------------


def test_every_warning_of_every_row_is_in_the_summary_and_the_errors_file(
    seeded_db: str, tmp_path: Path
) -> None:
    petrov = write_managers_xlsx(tmp_path / "petrov.xlsx")
    result = crm("--db", seeded_db, "import", "clients", str(petrov), "--json", user="admin",
                 data_dir=tmp_path / "data", check=True)  # fmt: skip
    out = json.loads(result.stdout)
    row10 = [p for p in out["problems"] if "row 10" in p]
    assert row10 == [
        "petrov.xlsx, sheet 'Клиенты', row 10: phone (Телефон): '123-45' is not a valid phone number",
        "petrov.xlsx, sheet 'Клиенты', row 10: next_action (Дата след. контакта): 'завтра' is not a date",
    ]
    assert out["warnings"] == 5 and out["problems_total"] == len(out["problems"])
    assert any("row 13: no deal made: the amount" in p for p in out["problems"])  # 1234 ₽, no date
    assert [c["code"] for c in out["problem_codes"]].count("phone.not_valid") == 1
    kept = errors_file_rows(out["errors_file"])
    assert kept[10] == (
        "imported, to look at; phone (Телефон): '123-45' is not a valid phone number; "
        "next_action (Дата след. контакта): 'завтра' is not a date"
    )
    assert kept[7] == "imported, to look at; email (E-mail): 'bad@' is not an e-mail address"
    assert kept[11] == "imported, to look at; inn (ИНН): INN '7707083890' fails the checksum"
    assert kept[12] == "no name and no contact data"


def test_the_summary_is_capped_and_says_how_many_more_are_in_the_errors_file(
    seeded_db: str, tmp_path: Path
) -> None:
    rows = [["Наименование", "E-mail"]] + [[f"Клиент {n}", f"bad{n}@"] for n in range(30)]
    path = write_rows_xlsx(tmp_path / "many.xlsx", rows)
    result = crm("--db", seeded_db, "import", "clients", str(path), user="admin",
                 data_dir=tmp_path / "data", check=True)  # fmt: skip
    lines = result.stdout.splitlines()
    assert sum("is not an e-mail address" in line for line in lines) == PROBLEMS_SHOWN
    assert f"  … and {30 - PROBLEMS_SHOWN} more, all in the errors file" in lines
    errors = next(line for line in lines if line.startswith("rows to look at, with their reasons: "))
    assert len(errors_file_rows(errors.split(": ", 1)[1])) == 30


def test_a_mistyped_inn_is_kept_and_flagged(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    """The README: "a bad checksum is a warning, the raw value kept". A manager's mistyped digit
    is worth more to whoever corrects it than an empty field; nothing matches on it."""
    ws = workspace_for("admin")
    summary = import_clients(
        ws, [write_managers_xlsx(tmp_path / "petrov.xlsx")], ImportOptions(errors_dir=tmp_path)
    )
    assert any("INN '7707083890' fails the checksum" in str(p) for p in summary.problems)
    with ws.read() as session:
        assert session.scalar(select(clients.c.inn).where(clients.c.name == "Сосна")) == "7707083890"


def test_the_card_flags_an_inn_that_fails_its_checksum(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    from rich.console import Console

    from crm_tui.domain.clients.card import load_card
    from crm_tui.screens.card.sections import facts_view, requisites_view

    ws = workspace_for("admin")
    import_clients(ws, [write_managers_xlsx(tmp_path / "petrov.xlsx")], ImportOptions(errors_dir=tmp_path))
    with ws.read() as session:
        sosna = session.scalar(select(clients.c.id).where(clients.c.name == "Сосна"))
        assert sosna is not None
        card = load_card(session, ws.viewer, sosna)
    console = Console(width=100, record=True)
    console.print(requisites_view(card), facts_view(card))
    shown = console.export_text()
    assert "7707083890" in shown and "the INN fails its checksum: check it (u)" in shown
    assert "INN 7707083890 ⚠" in shown


# A row whose INN is another company's ------------------------------------------------------


def test_a_row_with_a_clients_inn_but_another_companys_name_is_held_as_a_conflict(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    romashka = seeded.clients["romashka"]
    path = write_rows_xlsx(
        tmp_path / "kuznetsov.xlsx",
        [
            ["Наименование", "ИНН", "Телефон", "E-mail"],
            ["ООО «Берёзка»", ROMASHKA_INN, "+7 495 777-00-11", "zakaz@berezka.ru"],
            ["ООО «Ромашка»", ROMASHKA_INN, "+7 495 777-00-22", None],
        ],
    )

    def channels_of_romashka() -> list[str]:
        with ws.read() as session:
            return sorted(session.scalars(select(channels.c.value).where(channels.c.client_id == romashka)))

    before = channels_of_romashka()
    summary = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path))
    assert (summary.created, summary.enriched, summary.conflicts) == (0, 1, 1)
    held = (
        f"kuznetsov.xlsx, sheet 'Лист1', row 2: INN {ROMASHKA_INN} is «Ромашка»'s, "
        "but the row names «Берёзка»"
    )
    assert any(str(p).startswith(held) for p in summary.problems)
    assert channels_of_romashka() == sorted([*before, "+74957770022"])  # the real Ромашка row enriched it
    with ws.read() as session:
        assert session.scalar(select(func.count()).where(clients.c.name == "Берёзка")) == 0
    assert summary.errors_file is not None
    assert errors_file_rows(summary.errors_file)[2].startswith(held)
    with ws.read() as session:
        assert session.scalar(select(import_batches.c.conflicts)) == 1


def test_two_rows_of_one_file_with_one_inn_and_two_names_are_not_made_one_client(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    inn = valid_inn("690100234")
    path = write_rows_xlsx(
        tmp_path / "two.xlsx",
        [
            ["Наименование", "ИНН", "Телефон"],
            ["ООО «Альфа»", inn, "+7 4822 11-22-33"],
            ["ИП Сидоров", inn, "+7 4822 44-55-66"],
        ],
    )
    summary = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path))
    assert (summary.created, summary.conflicts) == (1, 1)
    with ws.read() as session:
        alpha = session.scalar(select(clients.c.id).where(clients.c.inn == inn))
        phones = session.scalars(select(channels.c.value).where(channels.c.client_id == alpha)).all()
    assert phones == ["+74822112233"]
