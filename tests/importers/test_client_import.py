"""Loading managers' files into one base: enrich instead of duplicate, batches, resume, undo."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select, update

from crm_tui.domain.clients.card import load_card
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.desk import load_desk
from crm_tui.domain.imports.batches import ImportOptions
from crm_tui.domain.workspace import Workspace, open_workspace
from crm_tui.importers.batches import list_batches, undo_import
from crm_tui.importers.clients.service import import_clients
from crm_tui.storage.database import get_engine
from crm_tui.storage.models import (
    audit_entries,
    channels,
    client_sources,
    clients,
    contacts,
    deals,
    interactions,
    tasks,
)
from tests.cli_support import crm
from tests.importers.files import write_cp1251_csv, write_managers_xlsx, write_utf8_bom_csv
from tests.seed import MOSCOW, Seeded

TABLES = (clients, contacts, channels, deals, tasks, interactions, client_sources)


def counts(ws: Workspace) -> dict[str, int]:
    with ws.read() as session:
        return {t.name: session.scalar(select(func.count()).select_from(t)) or 0 for t in TABLES}


def client(ws: Workspace, name: str) -> dict[str, object]:
    with ws.read() as session:
        row = session.execute(select(clients).where(clients.c.name == name)).one()
    return dict(row._mapping)


@pytest.fixture
def petrov_file(tmp_path: Path) -> Path:
    return write_managers_xlsx(tmp_path / "petrov.xlsx")


def run(ws: Workspace, files: list[Path], tmp_path: Path, **kw: object) -> object:
    return import_clients(ws, files, ImportOptions(errors_dir=tmp_path, **kw))  # type: ignore[arg-type]


def test_rows_become_clients_and_known_ones_are_enriched(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, petrov_file: Path, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    before = counts(ws)
    summary = import_clients(ws, [petrov_file], ImportOptions(errors_dir=tmp_path))
    # Rows 4 and 8 carry Ромашка's INN 7707083893: row 4 («Ромашка») enriches the seeded client;
    # row 8 names «Берёзка», plainly another company: held as a conflict, it enriches nothing.
    assert (summary.rows, summary.created, summary.enriched, summary.rejected) == (9, 6, 1, 1)
    assert [p.code for p in summary.problems if p.code.startswith("row.")][-2:] == [
        "row.inn_of_another_company",
        "row.owner_kept",
    ]
    assert counts(ws)["clients"] == before["clients"] + 6
    romashka = client(ws, "Ромашка")
    assert romashka["kpp"] == "770701001"
    assert romashka["version"] == 2
    with ws.read() as session:
        values = set(session.scalars(select(channels.c.value).where(channels.c.client_id == romashka["id"])))
        people = set(
            session.scalars(select(contacts.c.full_name).where(contacts.c.client_id == romashka["id"]))
        )
        sources = session.execute(
            select(client_sources.c.file, client_sources.c.sheet, client_sources.c.row)
            .where(client_sources.c.client_id == romashka["id"])
            .order_by(client_sources.c.row)
        ).all()
    assert {"+79151234567", "info@romashka.ru"} <= values and "+79160001122" not in values
    assert "Иванов Иван" in people
    assert [tuple(s) for s in sources] == [("petrov.xlsx", "Клиенты", 4)]
    with ws.read() as session:
        logged = session.execute(
            select(audit_entries.c.user_id, audit_entries.c.changes).where(
                audit_entries.c.entity == "import_batch",
                audit_entries.c.entity_id == summary.batch,
                audit_entries.c.action == "clients",
            )
        ).one()
    with ws.read() as session:
        shown = load_card(session, ws.viewer, int(str(romashka["id"]))).sources
    assert [(src.file, src.row, src.batch_id) for src in shown] == [("petrov.xlsx", 4, summary.batch)]
    assert logged.user_id == seeded.users["admin"]
    assert logged.changes["files"] == ["petrov.xlsx"] and logged.changes["created"] == 6


def test_owner_column_is_matched_to_users(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, petrov_file: Path, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    import_clients(ws, [petrov_file], ImportOptions(errors_dir=tmp_path))
    lutik = client(ws, "Лютик")
    assert lutik["owner_id"] == seeded.users["petrov"]
    assert lutik["region"] == "Липецк"  # the owner's region, since the row has none
    odu = client(ws, "Одуванчик")
    assert odu["owner_id"] == seeded.users["admin"]  # no owner in the row: the importing user


def test_next_action_becomes_a_deal_and_a_task_on_the_owners_desk(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, petrov_file: Path, tmp_path: Path, db_url: str
) -> None:
    ws = workspace_for("admin")
    import_clients(ws, [petrov_file], ImportOptions(errors_dir=tmp_path))
    lutik = client(ws, "Лютик")
    with ws.read() as session:
        deal = session.execute(select(deals).where(deals.c.client_id == lutik["id"])).one()
        task = session.execute(select(tasks).where(tasks.c.client_id == lutik["id"])).one()
    assert (deal.stage_id, deal.amount, deal.status) == (1, 120_000_050, "open")
    assert task.due_at == datetime(2026, 12, 5, 7, 0, tzinfo=UTC)  # 10:00 in Moscow
    on_the_day = open_workspace(
        db_url, "petrov", tz=MOSCOW, clock=fixed_clock(datetime(2026, 12, 5, 6, 0, tzinfo=UTC))
    )
    assert any(t.client == "Лютик" and t.title == "Planned contact" for t in load_desk(on_the_day).tasks)


def test_reimporting_the_same_file_changes_nothing(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, petrov_file: Path, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    import_clients(ws, [petrov_file], ImportOptions(errors_dir=tmp_path))
    after_first = counts(ws)
    again = import_clients(ws, [petrov_file], ImportOptions(errors_dir=tmp_path))
    assert (again.created, again.enriched, again.already_imported) == (0, 0, 8)
    assert counts(ws) == after_first


def test_a_run_killed_midway_is_finished_by_running_it_again(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, petrov_file: Path, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    reference = workspace_for("admin")
    import_clients(reference, [petrov_file], ImportOptions(errors_dir=tmp_path, dry_run=True))

    def crash(done: int) -> None:
        if done >= 4:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_clients(ws, [petrov_file], ImportOptions(errors_dir=tmp_path, chunk_rows=2), crash)
    partial = counts(ws)["clients"]
    resumed = import_clients(ws, [petrov_file], ImportOptions(errors_dir=tmp_path, chunk_rows=2))
    assert resumed.already_imported > 0
    with ws.read() as session:
        names = list(session.scalars(select(clients.c.name)))
    assert len(names) == len(set(names)) == 8 + 6
    assert partial < len(names)


def test_dry_run_writes_nothing(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, petrov_file: Path, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    before = counts(ws)
    summary = import_clients(ws, [petrov_file], ImportOptions(errors_dir=tmp_path, dry_run=True))
    assert (summary.created, summary.enriched, summary.batch, summary.errors_file) == (6, 1, None, None)
    assert counts(ws) == before
    assert list_batches(ws) == []


def test_rejected_rows_are_kept_with_their_reason(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, petrov_file: Path, tmp_path: Path
) -> None:
    summary = import_clients(workspace_for("admin"), [petrov_file], ImportOptions(errors_dir=tmp_path))
    assert summary.errors_file is not None
    sheet = load_workbook(summary.errors_file).active
    assert sheet is not None
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    header = rows[0]
    assert header[:4] == ("File", "Sheet", "Row", "Reason")
    record = dict(zip(header, rows[1], strict=True))
    assert (record["Row"], record["Reason"], record["Комментарий"]) == (
        12,
        "no name and no contact data",
        "позвонить позже",
    )


def test_undo_restores_the_base(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, petrov_file: Path, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    before = counts(ws)
    summary = import_clients(ws, [petrov_file], ImportOptions(errors_dir=tmp_path))
    assert summary.batch is not None
    report = undo_import(ws, summary.batch)
    assert (report.clients_removed, report.kept) == (6, [])
    assert counts(ws) == before
    assert client(ws, "Ромашка")["kpp"] is None
    assert list_batches(ws)[0].status == "undone"
    again = import_clients(ws, [petrov_file], ImportOptions(errors_dir=tmp_path))
    assert again.created == 6  # after an undo the file can be imported afresh


def test_undo_keeps_what_people_changed_since(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, petrov_file: Path, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    summary = import_clients(ws, [petrov_file], ImportOptions(errors_dir=tmp_path))
    assert summary.batch is not None
    with ws.write() as session:
        session.execute(update(clients).where(clients.c.name == "Лютик").values(city="Тула", version=2))
        session.execute(update(clients).where(clients.c.name == "Ромашка").values(kpp="770801001"))
    report = undo_import(ws, summary.batch)
    assert report.clients_removed == 5
    assert any("edited since" in str(line) for line in report.kept)
    assert any("kpp changed since" in str(line) for line in report.kept)
    assert client(ws, "Лютик")["city"] == "Тула"
    assert client(ws, "Ромашка")["kpp"] == "770801001"


def test_three_files_with_overlapping_clients_make_one_base(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, petrov_file: Path, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    files = [petrov_file, write_cp1251_csv(tmp_path / "1c.csv"), write_utf8_bom_csv(tmp_path / "web.csv")]
    summary = import_clients(ws, files, ImportOptions(errors_dir=tmp_path))
    with ws.read() as session:
        romashkas = session.scalar(select(func.count()).where(clients.c.inn == "7707083893"))
        lutiks = session.scalar(select(func.count()).where(clients.c.inn == "7736050003"))
        # "ИП Сидоров" in the 1C export has the INN of "ИП Иванов" in Petrov's workbook: not
        # one person, whatever the INN says; held for a person to look at (issue 19).
        persons = session.scalar(select(func.count()).where(clients.c.inn == "500100732259"))
    assert (romashkas, lutiks, persons) == (1, 1, 1)
    assert (summary.created, summary.enriched) == (6, 3)
    assert [str(p).split(": ")[0] for p in summary.problems if p.code == "row.inn_of_another_company"] == [
        "petrov.xlsx, sheet 'Клиенты', row 8",
        "1c.csv, sheet '1c', row 5",
    ]


def test_cli_json_summary(seeded_db: str, petrov_file: Path, tmp_path: Path) -> None:
    database = seeded_db
    result = crm(
        "--db",
        database,
        "import",
        "clients",
        str(petrov_file),
        "--json",
        user="admin",
        data_dir=tmp_path / "data",
        check=True,
    )
    out = json.loads(result.stdout)
    assert {k: out[k] for k in ("batch", "rows", "created", "enriched", "rejected")} == {
        "batch": 1,
        "rows": 9,
        "created": 6,
        "enriched": 1,
        "rejected": 1,
    }
    assert Path(out["errors_file"]).exists()
    listed = crm("--db", database, "import", "list", "--json", user="admin", check=True)
    assert json.loads(listed.stdout.splitlines()[0])["created"] == 6
    undone = crm("--db", database, "import", "undo", "1", "--json", user="admin", check=True)
    assert json.loads(undone.stdout)["clients_removed"] == 6
    again = crm("--db", database, "import", "undo", "1", user="admin")
    assert again.returncode == 2 and "already undone" in again.stderr
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    refused = crm("--db", database, "import", "clients", str(broken), user="admin")
    assert refused.returncode == 2 and "broken.xlsx" in refused.stderr


def test_undo_keeps_clients_that_got_contacts_or_owned_items_since(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, petrov_file: Path, tmp_path: Path
) -> None:
    from crm_tui.domain.clients.installed_base import InstalledDraft, add_installed
    from crm_tui.domain.contacts.moves import move_contact
    from crm_tui.domain.contacts.new_contact import NewContact, save_contact

    ws = workspace_for("admin")
    summary = import_clients(ws, [petrov_file], ImportOptions(errors_dir=tmp_path))
    assert summary.batch is not None
    with ws.read() as session:
        made = sorted(
            set(
                session.scalars(
                    select(client_sources.c.client_id).where(client_sources.c.batch_id == summary.batch)
                )
            )
            - {seeded.clients["romashka"]}
        )[:3]
        elkina = session.scalar(
            select(contacts.c.id).where(contacts.c.client_id == seeded.clients["romashka"])
        )
    assert len(made) == 3 and elkina is not None
    save_contact(ws, made[0], NewContact("Сидоров Пётр", phone="89165554433"))
    add_installed(ws, made[1], InstalledDraft("Котёл"))
    move_contact(ws, int(elkina), made[2])  # a long-standing contact moves into a new client
    report = undo_import(ws, summary.batch)
    assert report.clients_removed == 3 and len(report.kept) == 3
    with ws.read() as session:
        left = set(session.scalars(select(clients.c.id).where(clients.c.id.in_(made))))
        assert session.scalar(select(contacts.c.id).where(contacts.c.id == elkina)) == elkina  # not lost
    assert left == set(made)


def test_formula_cells_negative_amounts_dateless_deals_and_merged_rows_are_all_told(
    seeded_db: str, tmp_path: Path
) -> None:
    """A name cell `=HYPERLINK(...)` saved without its value made a client named by its phone
    and the row vanished; -5 was taken as an amount; «1,2 млн» with an unreadable date made no
    deal without a word; a row merged into an earlier row of the file was counted nowhere."""
    from openpyxl import Workbook

    from crm_tui.domain.values.formatting import money

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Наименование", "Телефон", "Сумма", "Следующий звонок"])
    sheet.append(['=HYPERLINK("http://evil","клик")', "+7 916 100-00-01", None, None])
    sheet.append(["ООО Минус", "+7 916 100-00-02", -5, None])
    sheet.append(["ООО Без даты", "+7 916 100-00-03", "1,2 млн", "когда-нибудь"])
    sheet.append(["ООО Дубль", "+7 916 100-00-04", None, None])
    sheet.append(["ООО Дубль", "+7 916 100-00-04", None, None])
    path = tmp_path / "clients.xlsx"
    workbook.save(path)
    result = crm("--db", seeded_db, "import", "clients", str(path), "--json", user="admin",
                 data_dir=tmp_path / "data", check=True)  # fmt: skip
    out = json.loads(result.stdout)
    assert (out["rows"], out["created"], out["rejected"], out["merged"]) == (5, 3, 1, 1)
    assert (
        out["rows"] == out["created"] + out["enriched"] + out["unchanged"] + out["rejected"] + out["merged"]
    )
    problems = "\n".join(out["problems"])
    assert (
        "row 2" in problems and "Наименование: the cell holds a formula, its value was not read" in problems
    )
    assert "an amount cannot be negative: '-5'" in problems
    amount = money(120_000_000)
    assert f"no deal made: the amount {amount} needs a readable date of the next contact" in problems
    sheet = load_workbook(out["errors_file"]).active
    assert sheet is not None
    rows = [tuple(r) for r in sheet.iter_rows(values_only=True)]
    kept = [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]
    assert any(r["Row"] == 2 and "formula" in str(r["Reason"]) for r in kept)
    with get_engine(seeded_db).connect() as conn:
        names = set(conn.scalars(select(clients.c.name)))
    assert "+79161000001" not in names and not any("916" in n for n in names)


def test_a_folder_given_for_a_file_is_called_a_folder(seeded_db: str, tmp_path: Path) -> None:
    """`crm import clients /some/folder` said «такого файла нет»."""
    folder = tmp_path / "выгрузки"
    folder.mkdir()
    russian = {"LANG": "ru_RU.UTF-8"}
    refused = crm("--db", seeded_db, "import", "clients", str(folder), user="admin", extra_env=russian)
    assert refused.returncode == 2 and refused.stderr.strip().endswith(f"{folder}: это папка, а не файл")
    missing = crm("--db", seeded_db, "import", "clients", str(tmp_path / "нет.xlsx"), user="admin",
                  extra_env=russian)  # fmt: skip
    assert missing.returncode == 2 and "такого файла нет" in missing.stderr
