"""Portrait fields in the client import (issue 21): a managers' column may feed a field of the
portrait, read as the field's kind; an existing client has its empty values filled and a
different one reported; the undo takes back what the batch filled; an unknown target in
``--map`` is one clear error, not a column silently ignored."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from crm_tui.domain.imports.batches import ImportOptions
from crm_tui.domain.imports.mapping import PortraitTarget
from crm_tui.domain.portrait.fields import portrait_targets
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.batches import undo_import
from crm_tui.importers.clients.service import import_clients
from crm_tui.importers.files.mapping import parse_map_option, suggest_mapping
from crm_tui.storage.models import clients, field_defs, field_values
from tests.cli_support import crm, error_line
from tests.importers.files import write_rows_xlsx
from tests.seed import Seeded, valid_inn

ROMASHKA_INN = valid_inn("770708389")
HEADCOUNT = {"Кол-во сотрудников": "portrait.headcount", "Сфера": "portrait.market_segment"}


def portrait_of(ws: Workspace, name: str) -> dict[str, object]:
    """The portrait values of the client called ``name``, by field key."""
    with ws.read() as session:
        rows = session.execute(
            select(field_defs.c.key, field_values.c.value)
            .join(field_values, field_values.c.field_id == field_defs.c.id)
            .join(clients, clients.c.id == field_values.c.client_id)
            .where(clients.c.name == name)
        ).all()
    return {str(key): value for key, value in rows}


def test_columns_mapped_to_the_portrait_fill_new_clients_with_typed_values(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    path = write_rows_xlsx(
        tmp_path / "petrov.xlsx",
        [
            ["Наименование", "Кол-во сотрудников", "Сфера"],
            ["Альфа", 120, "Retail"],
            ["Бета", "1 500", "wholesale"],
            ["Гамма", "много", "космос"],
        ],
    )
    summary = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path, explicit=HEADCOUNT))
    assert summary.created == 3
    assert portrait_of(ws, "Альфа") == {"headcount": 120, "market_segment": "retail"}
    assert portrait_of(ws, "Бета") == {"headcount": 1500, "market_segment": "wholesale"}
    assert portrait_of(ws, "Гамма") == {}
    problems = [str(p) for p in summary.problems]
    row4 = "petrov.xlsx, sheet 'Лист1', row 4"
    assert f"{row4}: Headcount: 'много' is not a number (column Кол-во сотрудников)" in problems
    assert any("'космос' is not one of retail, wholesale" in p for p in problems)
    assert summary.mappings["petrov.xlsx"]["Кол-во сотрудников"] == "portrait.headcount"


def test_a_count_below_zero_or_beyond_any_size_is_left_out_with_a_warning(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    """A headcount of -5 (a number cell or text) was imported as it stood, and «inf» as text
    ended the row's reading in an OverflowError: a portrait's number is a size."""
    ws = workspace_for("admin")
    path = write_rows_xlsx(
        tmp_path / "sizes.xlsx",
        [
            ["Наименование", "Кол-во сотрудников"],
            ["Альфа", -5],
            ["Бета", "-5"],
            ["Гамма", "inf"],
            ["Дельта", 10**16],
            ["Эпсилон", 0],
        ],
    )
    only_headcount = {"Кол-во сотрудников": "portrait.headcount"}
    summary = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path, explicit=only_headcount))
    assert summary.created == 5
    assert [portrait_of(ws, name) for name in ("Альфа", "Бета", "Гамма", "Дельта")] == [{}] * 4
    assert portrait_of(ws, "Эпсилон") == {"headcount": 0}
    problems = [str(p) for p in summary.problems]
    assert (
        "sizes.xlsx, sheet 'Лист1', row 2: Headcount: '-5' is below zero (column Кол-во сотрудников)"
        in problems
    )
    assert any("row 4: Headcount: 'inf' is not a number" in p for p in problems)
    assert any("row 5: Headcount: " in p and "is too large" in p for p in problems)


def test_an_existing_client_gets_empty_values_filled_a_different_one_is_a_conflict_undo_takes_them_back(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    first = write_rows_xlsx(
        tmp_path / "first.xlsx",
        [["Наименование", "ИНН", "Кол-во сотрудников"], ["Ромашка", ROMASHKA_INN, 40]],
    )
    only_headcount = {"Кол-во сотрудников": "portrait.headcount"}
    filled = import_clients(ws, [first], ImportOptions(errors_dir=tmp_path, explicit=only_headcount))
    assert filled.enriched == 1 and filled.created == 0
    assert portrait_of(ws, "Ромашка") == {"headcount": 40}

    second = write_rows_xlsx(
        tmp_path / "second.xlsx",
        [["Наименование", "ИНН", "Кол-во сотрудников", "Сфера"], ["Ромашка", ROMASHKA_INN, 45, "services"]],
    )
    other = import_clients(ws, [second], ImportOptions(errors_dir=tmp_path, explicit=HEADCOUNT))
    assert other.conflicts == 1
    assert any("portrait.headcount '45' differs from '40'" in str(p) for p in other.problems)
    assert portrait_of(ws, "Ромашка") == {"headcount": 40, "market_segment": "services"}

    assert other.batch is not None and filled.batch is not None
    undo_import(ws, other.batch)
    assert portrait_of(ws, "Ромашка") == {"headcount": 40}
    undo_import(ws, filled.batch)
    assert portrait_of(ws, "Ромашка") == {}


def test_a_value_changed_by_a_person_after_the_import_is_kept_by_the_undo(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    from crm_tui.domain.portrait.fields import set_values

    ws = workspace_for("admin")
    path = write_rows_xlsx(
        tmp_path / "first.xlsx",
        [["Наименование", "ИНН", "Кол-во сотрудников"], ["Ромашка", ROMASHKA_INN, 40]],
    )
    only_headcount = {"Кол-во сотрудников": "portrait.headcount"}
    summary = import_clients(ws, [path], ImportOptions(errors_dir=tmp_path, explicit=only_headcount))
    with ws.read() as session:
        version = session.scalar(select(clients.c.version).where(clients.c.id == seeded.clients["romashka"]))
    assert version is not None
    set_values(ws, seeded.clients["romashka"], version, {"headcount": "55"})
    assert summary.batch is not None
    report = undo_import(ws, summary.batch)
    assert portrait_of(ws, "Ромашка") == {"headcount": 55}
    assert any("portrait.headcount changed since the import, kept" in str(m) for m in report.kept)


def test_a_header_that_names_a_portrait_field_is_suggested_for_it(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    ws = workspace_for("admin")
    with ws.read() as session:
        targets = portrait_targets(session)
    columns = suggest_mapping(
        ["Компания", "Численность сотрудников", "Годовой оборот", "Headcount (2)"], portrait=targets
    )
    assert columns.as_dict() == {
        "Компания": "name",
        "Численность сотрудников": "portrait.headcount",
        "Годовой оборот": "portrait.annual_turnover",
    }
    assert suggest_mapping(["Компания", "Численность сотрудников"]).as_dict() == {"Компания": "name"}


def test_a_remembered_mapping_of_a_field_removed_since_is_dropped_but_a_typed_one_is_refused() -> None:
    targets = (PortraitTarget("headcount", "Headcount", "number"),)
    remembered = {"Штат": "portrait.staff", "Компания": "name"}
    assert suggest_mapping(["Компания", "Штат"], remembered, strict=False, portrait=targets).as_dict() == {
        "Компания": "name",
        "Штат": "portrait.headcount",
    }
    assert parse_map_option("Кол-во сотрудников=Portrait.Headcount") == (
        "Кол-во сотрудников",
        "portrait.headcount",
    )


def test_the_cli_maps_a_column_to_a_portrait_field_and_refuses_an_unknown_one(
    seeded_db: str, tmp_path: Path
) -> None:
    path = write_rows_xlsx(
        tmp_path / "petrov.xlsx", [["Наименование", "Кол-во сотрудников"], ["Альфа", 12], ["Бета", 30]]
    )
    unknown = crm("--db", seeded_db, "import", "clients", str(path), "--map",
                  "Кол-во сотрудников=portrait.staff", "--json", user="admin",
                  data_dir=tmp_path / "data")  # fmt: skip
    assert unknown.returncode == 2 and unknown.stdout == ""
    assert error_line(unknown) == (
        "crm: error: no portrait field 'staff' for column 'Кол-во сотрудников'; the portrait's fields are: "
        "portrait.headcount, portrait.annual_turnover, portrait.conflict_level, portrait.market_segment"
    )
    typo = crm("--db", seeded_db, "import", "clients", str(path), "--map", "Кол-во сотрудников=headcount",
               user="admin", data_dir=tmp_path / "data")  # fmt: skip
    assert typo.returncode == 2
    assert "valid fields: name, legal_form," in error_line(typo) and "portrait.<key>" in error_line(typo)

    done = crm("--db", seeded_db, "import", "clients", str(path), "--map",
               "Кол-во сотрудников=portrait.headcount", "--json", user="admin", data_dir=tmp_path / "data",
               check=True)  # fmt: skip
    out = json.loads(done.stdout)
    assert out["created"] == 2
    assert out["mapping"]["petrov.xlsx"] == {
        "Наименование": "name",
        "Кол-во сотрудников": "portrait.headcount",
    }


def test_an_empty_or_misspelt_portrait_key_is_refused_listing_the_fields_there_are(
    seeded_db: str, tmp_path: Path
) -> None:
    """``--map "Кол-во=portrait."`` was refused before the base was open, so the error listed no
    fields («the portrait's fields are: —»); it lists them, as an unknown target lists the
    targets."""
    path = write_rows_xlsx(tmp_path / "petrov.xlsx", [["Наименование", "Кол-во"], ["Альфа", 12]])
    fields = "portrait.headcount, portrait.annual_turnover, portrait.conflict_level, portrait.market_segment"
    for target, key in (("portrait.", ""), ("portrait.Кол во", "кол во"), ("portrait.1x", "1x")):
        refused = crm("--db", seeded_db, "import", "clients", str(path), "--map", f"Кол-во={target}",
                      user="admin", data_dir=tmp_path / "data")  # fmt: skip
        assert refused.returncode == 2 and refused.stdout == ""
        assert error_line(refused) == (
            f"crm: error: no portrait field '{key}' for column 'Кол-во'; the portrait's fields are: {fields}"
        )
