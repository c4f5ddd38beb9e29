"""The client portrait: typed values, required fields and contacts, completeness and its KPI."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from sqlalchemy.engine import Engine

from crm_tui.domain.clients.card import load_card
from crm_tui.domain.errors import AccessDenied, InvalidInput, StaleEdit
from crm_tui.domain.portrait.answers import field_text, parse_field_text
from crm_tui.domain.portrait.completeness import completeness, completeness_report
from crm_tui.domain.portrait.fields import add_field, client_values, portrait_fields, remove_field, set_values
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import FieldKind
from tests.cli_support import crm, error_line
from tests.seed import Seeded

Open = Callable[[str], Workspace]


def test_values_are_typed_from_what_people_type() -> None:
    assert parse_field_text("Headcount", "number", [], " 1 200 ") == 1200
    assert parse_field_text("Turnover", "money", [], "1 200 000,50 руб.") == 120_000_050
    assert parse_field_text("Since", "date", [], "05.12.26") == "2026-12-05"
    assert parse_field_text("Segment", "choice", ["retail", "wholesale"], "Wholesale") == "wholesale"
    assert parse_field_text("Tags", "multi", ["a", "b", "c"], "a, c") == ["a", "c"]
    assert parse_field_text("VIP", "bool", [], "да") is True
    assert parse_field_text("Note", "text", [], "  ") is None
    with pytest.raises(InvalidInput, match="Segment: 'shop' is not one of retail, wholesale"):
        parse_field_text("Segment", "choice", ["retail", "wholesale"], "shop")
    with pytest.raises(InvalidInput, match="Headcount: 'many' is not a number"):
        parse_field_text("Headcount", "number", [], "many")
    assert field_text("money", 120_000_050) == "1\u202f200\u202f000 ₽"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("inf", "is not a number"),
        ("NaN", "is not a number"),
        ("-5", "is below zero"),
        ("1e20", "is too large"),
    ],
)
def test_a_number_field_is_a_size_never_infinite_nan_or_below_zero(text: str, said: str) -> None:
    """«inf» typed into the card's editor ended in an OverflowError, «NaN» was stored as nan,
    and a headcount of -5 was kept."""
    with pytest.raises(InvalidInput, match=f"^Headcount: '{text}' {said}$"):
        parse_field_text("Headcount", "number", [], text)


def test_money_and_dates_are_read_as_the_import_reads_them() -> None:
    assert parse_field_text("Turnover", "money", [], "12,5 тыс. ₽") == 1_250_000
    assert parse_field_text("Since", "date", [], "5 декабря 2026") == "2026-12-05"
    with pytest.raises(InvalidInput, match=r"^Since: '31\.02\.2026' is not a date$"):
        parse_field_text("Since", "date", [], "31.02.2026")
    with pytest.raises(InvalidInput, match=r"^Turnover: '1,200' is not clearly an amount of money"):
        parse_field_text("Turnover", "money", [], "1,200")  # 1 200 or 1.20? the person says


def test_completeness_counts_required_fields_and_contacts(seeded: Seeded, workspace_for: Open) -> None:
    ws = workspace_for("petrov")
    agro = seeded.clients["agro"]
    with ws.read() as session:
        before = completeness(session, agro)
    assert (before.filled, before.total, before.percent) == (3, 5, 60)  # phone, e-mail, director; no fields
    assert [m.label for m in before.missing] == ["Headcount", "Market segment"]
    with ws.read() as session:
        version = load_card(session, ws.viewer, agro).version
    set_values(ws, agro, version, {"headcount": "120", "market_segment": "Wholesale"})
    with ws.read() as session:
        after = completeness(session, agro)
        fields = {f.key: f.id for f in portrait_fields(session)}
        values = client_values(session, agro)
    assert (after.percent, after.good, after.missing) == (100, True, [])
    assert values[fields["headcount"]] == 120 and values[fields["market_segment"]] == "wholesale"
    with pytest.raises(StaleEdit, match="Headcount: 120"):
        set_values(ws, agro, version, {"headcount": "130"})
    with ws.read() as session:
        report = {line.login: (line.clients, line.good) for line in completeness_report(session, ws.viewer)}
    assert report == {"petrov": (2, 1)}


def test_admins_shape_the_portrait(engine: Engine, seeded: Seeded, workspace_for: Open) -> None:
    admin = workspace_for("admin")
    add_field(admin, "tender", "Takes part in tenders", FieldKind.BOOL, [], True)
    with admin.read() as session:
        assert completeness(session, seeded.clients["agro"]).total == 6
    with pytest.raises(InvalidInput, match="give its choices"):
        add_field(admin, "region_kind", "Kind", FieldKind.CHOICE, [], False)
    with pytest.raises(AccessDenied):
        add_field(workspace_for("smirnov"), "x", "X", FieldKind.TEXT, [], False)
    remove_field(admin, "tender")
    with admin.read() as session:
        assert completeness(session, seeded.clients["agro"]).total == 5


def test_fields_and_the_completeness_report_from_the_command_line(seeded_db: str) -> None:
    crm(
        "--db",
        seeded_db,
        "fields",
        "set",
        "8",
        "headcount=40",
        "market_segment=retail",
        user="petrov",
        check=True,
    )
    report = crm("--db", seeded_db, "report", "completeness", "--json", user="admin", check=True)
    lines = {json.loads(line)["manager"]: json.loads(line) for line in report.stdout.splitlines()}
    assert lines["petrov"]["good"] == 1 and lines["petrov"]["clients"] == 2
    listed = json.loads(crm("--db", seeded_db, "fields", "list", "--json", user="ivanova", check=True).stdout)
    assert [f["key"] for f in listed["fields"]][:2] == ["headcount", "annual_turnover"]
    bad = crm("--db", seeded_db, "fields", "set", "8", "headcount=много", user="petrov")
    assert bad.returncode == 2 and "Headcount: 'много' is not a number" in error_line(bad)


def test_fields_made_required_count_in_completeness(seeded_db: str) -> None:
    def petrov_good() -> int:
        report = crm("--db", seeded_db, "report", "completeness", "--json", user="admin", check=True)
        return next(int(json.loads(line)["good"]) for line in report.stdout.splitlines() if "petrov" in line)

    crm(
        "--db",
        seeded_db,
        "fields",
        "set",
        "8",
        "headcount=40",
        "market_segment=retail",
        user="petrov",
        check=True,
    )
    assert petrov_good() == 1
    for key in ("conflict_level", "annual_turnover"):
        done = crm("--db", seeded_db, "fields", "require", key, user="admin")
        assert done.returncode == 0, done.stderr
    listed = json.loads(crm("--db", seeded_db, "fields", "list", "--json", user="admin").stdout)
    assert {f["key"] for f in listed["fields"] if f["required"]} == {
        "headcount", "market_segment", "conflict_level", "annual_turnover"
    }  # fmt: skip
    assert petrov_good() == 0  # two more required items: 5 of 7 is under 80%
    refused = crm("--db", seeded_db, "fields", "require", "conflict_level", "--optional", user="ivanova")
    assert refused.returncode != 0 and "set by an admin" in error_line(refused)
    unknown = crm("--db", seeded_db, "fields", "require", "nope", user="admin")
    assert unknown.returncode != 0 and "no field 'nope'" in error_line(unknown)
