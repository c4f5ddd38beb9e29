"""Deals opened, edited and sold line by line by hand: the client card's and the kanban's new
deal, the deal screen's edits, `crm deal add|edit|show|list|lines`."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from crm_tui.domain.deals.edit import DealQuery, edit_deal, list_deals
from crm_tui.domain.deals.lines import LineDraft, add_line, deal_line_rows, remove_line, vat_in
from crm_tui.domain.deals.moves import move_deal
from crm_tui.domain.deals.new_deal import DealDraft, add_deal, read_amount
from crm_tui.domain.errors import AccessDenied, InvalidInput, NotFound, StaleEdit
from crm_tui.domain.values.amounts import typed_amount
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import write_session
from crm_tui.storage.models import TaskStatus, audit_entries, deal_stage_changes, deals, stages, tasks
from tests.cli_support import crm
from tests.seed import Seeded

Open = Callable[[str], Workspace]


@pytest.mark.parametrize(
    ("typed", "kopecks"),
    [("1,2 млн", 120_000_000), ("350 000", 35_000_000), ("350к", 35_000_000), ("350 к", 35_000_000),
     ("1.5k", 150_000), ("2кк", 200_000_000), ("12 500,50 ₽", 1_250_050), ("350 тыс. руб.", 35_000_000)],
)  # fmt: skip
def test_amounts_read_as_managers_type_them(typed: str, kopecks: int) -> None:
    assert typed_amount(typed).value == kopecks
    assert read_amount(typed) == kopecks


@pytest.mark.parametrize("typed", ["10,005", "0,005", "1,200", "10.005", "1 000,125 ₽"])
def test_a_typed_amount_with_three_decimals_is_refused_not_read_as_thousands(typed: str) -> None:
    """In Russian notation the comma is the decimal mark: 10,005 is no amount of kopecks (it was
    read as 10 005 roubles)."""
    with pytest.raises(InvalidInput) as refused:
        read_amount(typed)
    assert refused.value.field == "amount" and typed in str(refused.value)


def test_a_new_deal_enters_its_stage_as_every_move_does(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    ws = workspace_for("ivanova")
    added = add_deal(
        ws, DealDraft("Ромашка", "Поставка  насосов", "1,2 млн", close="25.12", comment="звонок")
    )
    assert (added.client, added.stage, added.amount, added.version) == (
        "Ромашка",
        "New inquiry",
        120_000_000,
        1,
    )
    assert added.owner_id == seeded.users["ivanova"] and f"{added.expected_close:%d.%m.%Y}" == "25.12.2026"
    with write_session(engine) as session:
        history = session.execute(
            select(deal_stage_changes.c.from_stage_id, deal_stage_changes.c.comment).where(
                deal_stage_changes.c.deal_id == added.id
            )
        ).all()
        actions = session.scalars(
            select(audit_entries.c.action)
            .where(audit_entries.c.entity == "deal", audit_entries.c.entity_id == added.id)
            .order_by(audit_entries.c.id)
        ).all()
        playbook = session.execute(
            select(tasks.c.assignee_id, tasks.c.origin).where(
                tasks.c.deal_id == added.id, tasks.c.status == TaskStatus.OPEN.value
            )
        ).all()
        title = session.scalar(select(deals.c.title).where(deals.c.id == added.id))
    assert [tuple(h) for h in history] == [(None, "звонок")]
    assert list(actions) == ["create", "stage"]
    assert [p.assignee_id for p in playbook] == [seeded.users["ivanova"]]
    assert playbook[0].origin.startswith("playbook:")
    assert title == "Поставка насосов"
    # and it moves on from there like any deal
    qualification = _stage(engine, "qualification")
    assert move_deal(ws, added.id, qualification, added.version).from_stage == "New inquiry"


def _stage(engine: Engine, code: str) -> int:
    with write_session(engine) as session:
        found = session.scalar(select(stages.c.id).where(stages.c.code == code))
    assert found is not None
    return int(found)


@pytest.mark.parametrize(
    ("draft", "field", "line"),
    [
        (DealDraft("Ромашка", "  "), "title", "title: a deal needs a title"),
        (DealDraft("Ромашка", "Т", amount="много"), "amount", "amount: 'много' is not an amount of money"),
        (DealDraft("Ромашка", "Т", amount="-5"), "amount", "amount: an amount cannot be negative"),
        (
            DealDraft("Ромашка", "Т", close="когда-нибудь"),
            "close",
            "close date: 'когда-нибудь' is not a date",
        ),
        (DealDraft("Ромашка", "Т", close="01.01.1900"), "close", "close date: 01.01.1900 is over a year ago"),
        (
            DealDraft("Ромашка", "Т", close="31.12.9999"),
            "close",
            "close date: 31.12.9999 is more than 10 years",
        ),
        (
            DealDraft("Ромашка", "Т", amount="1 000 000 000 000"),
            "amount",
            "amount: '1 000 000 000 000' is too large",
        ),
        (DealDraft("Ромашка", "Т", stage="won"), "stage", "stage: a new deal starts in an open stage"),
        (DealDraft("Ромашка", "Т", stage="nowhere"), "stage", "stage: no stage «nowhere»"),
        (DealDraft("Ромашка", "Т", pipeline="Другая"), "pipeline", "pipeline: no pipeline 'Другая'"),
        (DealDraft("Нет такого", "Т"), "client", "client: no client matches 'Нет такого'"),
        (DealDraft("Ромашка", "Т", owner="nobody"), "owner", "owner: no active user 'nobody'"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    seeded: Seeded, workspace_for: Open, draft: DealDraft, field: str, line: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        add_deal(workspace_for("ivanova"), draft)
    assert refused.value.field == field and str(refused.value).startswith(line)


def test_several_matching_clients_are_named_not_guessed(seeded: Seeded, workspace_for: Open) -> None:
    add_deal(workspace_for("admin"), DealDraft("Ромашка", "Т", owner="ivanova"))
    with pytest.raises(InvalidInput, match="matches several clients") as refused:
        add_deal(workspace_for("ivanova"), DealDraft("ооо", "Т"))
    assert refused.value.field == "client"


def test_whose_deal_it_is_follows_the_scope(seeded: Seeded, workspace_for: Open) -> None:
    metall = str(seeded.clients["metall"])  # Петров's, in Липецк
    with pytest.raises(NotFound):  # a manager does not see another's client
        add_deal(workspace_for("ivanova"), DealDraft(metall, "Т"))
    with pytest.raises(AccessDenied, match="a deal may not be given to smirnov"):  # nor to colleagues
        add_deal(workspace_for("ivanova"), DealDraft("Ромашка", "Т", owner="smirnov"))
    head = workspace_for("smirnov")
    assert add_deal(head, DealDraft("Ромашка", "Т", owner="ivanova")).owner_id == seeded.users["ivanova"]
    with pytest.raises(AccessDenied, match="a deal may not be given to petrov"):  # a head: in the region
        add_deal(head, DealDraft("Ромашка", "Т", owner="petrov"))
    # an admin owns no clients: the deal is the client's owner's unless said otherwise
    assert add_deal(workspace_for("admin"), DealDraft(metall, "Т")).owner_id == seeded.users["petrov"]


def test_an_edit_on_an_old_copy_is_refused_and_the_amount_follows_the_lines(
    seeded: Seeded, workspace_for: Open
) -> None:
    ws = workspace_for("ivanova")
    deal = add_deal(ws, DealDraft("Ромашка", "Монтаж", "100 000"))
    version = edit_deal(
        ws, deal.id, deal.version, {"title": "Монтаж и наладка", "close": "+30", "amount": "150к"}
    )
    with pytest.raises(StaleEdit, match="was changed by someone else"):
        edit_deal(workspace_for("smirnov"), deal.id, deal.version, {"amount": "1"})
    version = add_line(ws, deal.id, version, LineDraft("Монтаж", "2", "ч", "3 500,50", "20%"))
    version = add_line(ws, deal.id, version, LineDraft("Кабель", "1,5", "м", "100", "без НДС"))
    with ws.read() as session:
        lines = deal_line_rows(session, deal.id)
        row, *_others = list_deals(
            session, ws.viewer, DealQuery(client_id=seeded.clients["romashka"], open_only=True)
        )
    assert [(x.number, x.product, x.quantity, x.total, x.vat_rate) for x in lines] == [
        (1, "Монтаж", "2", 700_100, 20),
        (2, "Кабель", "1.5", 15_000, None),  # the interface is in English here
    ]
    assert (row.title, row.amount, row.version) == ("Монтаж и наладка", 715_100, version)
    assert vat_in(700_100, 20) == 116_683  # 7 001,00 ₽ with 20% VAT holds 1 166,83 ₽ of it
    with pytest.raises(InvalidInput, match="the deal's amount is the sum of its lines") as refused:
        edit_deal(ws, deal.id, version, {"amount": "5"})
    assert refused.value.field == "amount"
    version = remove_line(ws, deal.id, version, 1)
    with ws.read() as session:
        assert [x.product for x in deal_line_rows(session, deal.id)] == ["Кабель"]
        assert (
            list_deals(session, ws.viewer, DealQuery(client_id=seeded.clients["romashka"]))[0].amount
            == 15_000
        )
    for draft, field in (
        (LineDraft("", "1", "", "1"), "product"),
        (LineDraft("X", "0", "", "1"), "quantity"),
        (LineDraft("X", "1", "", ""), "price"),
        (LineDraft("X", "1", "", "1", "18"), "vat"),
        (LineDraft("X", "1", "", "1", "НДС"), "vat"),  # neither a rate nor «без НДС»: was no VAT
        (LineDraft("X", "999999999", "", "999 999 999 999"), "price"),  # overflowed SQLite's integer
    ):
        with pytest.raises(InvalidInput) as bad:
            add_line(ws, deal.id, version, draft)
        assert bad.value.field == field
    with pytest.raises(NotFound, match=f"deal {deal.id} not found"):  # Петров does not see it
        add_line(workspace_for("petrov"), deal.id, version, LineDraft("X", "1", "", "1"))


def test_deals_through_crm(seeded_db: str) -> None:
    db = ("--db", seeded_db)
    added = crm(
        *db, "deal", "add", "Ромашка", "--title", "Насосы", "--amount", "1,2 млн", "--json", user="ivanova"
    )
    assert added.returncode == 0, added.stderr
    deal = json.loads(added.stdout)
    assert (deal["amount"], deal["stage"], deal["version"]) == (120_000_000, "New inquiry", 1)
    lines = crm(
        *db, "deal", "lines", str(deal["id"]), "--add", "Насос;2;шт;450 000;20", "--json", user="ivanova"
    )
    assert json.loads(lines.stdout)["amount"] == 90_000_000
    shown = json.loads(
        crm("--db", seeded_db, "deal", "show", str(deal["id"]), "--json", user="ivanova").stdout
    )
    assert shown["lines"][0]["product"] == "Насос" and shown["version"] == 2
    stale = crm("--db", seeded_db, "deal", "edit", str(deal["id"]), "--set", "title=Х", "--version", "1",
                user="ivanova")  # fmt: skip
    assert stale.returncode == 2 and "was changed by someone else" in stale.stderr
    listed = crm("--db", seeded_db, "deal", "list", "--open", "--client", str(deal["client_id"]), "--json",
                 user="ivanova")  # fmt: skip
    assert deal["id"] in [json.loads(line)["id"] for line in listed.stdout.splitlines()]
    bad = crm(
        "--db", seeded_db, "deal", "add", "Ромашка", "--title", "Т", "--amount", "много", user="ivanova"
    )
    assert bad.returncode == 2
    assert bad.stderr.strip() == "crm: error: --amount: 'много' is not an amount of money"


def test_lines_cannot_add_up_past_what_the_region_s_sums_hold(seeded_db: str) -> None:
    """A line of 999,999,999 × 999,999,999,999 ₽ ended in a traceback (SQLite integer overflow),
    and two deals of 90 lines of 10^15 ₽ each broke the region's kanban, desk and forecast."""
    db = ("--db", seeded_db)
    deal = json.loads(crm(*db, "deal", "add", "Ромашка", "--title", "Много", "--json", user="ivanova").stdout)
    huge = crm(
        *db, "deal", "lines", str(deal["id"]), "--add", "Т;999999999;шт;999 999 999;20", user="ivanova"
    )
    assert huge.returncode == 2 and huge.stderr.count("\n") == 1 and "Traceback" not in huge.stderr
    assert "price: the line comes to more than a trillion rubles" in huge.stderr
    many = [arg for n in range(3) for arg in ("--add", f"Л{n};1000;шт;400 000 000;20")]
    piled = crm(*db, "deal", "lines", str(deal["id"]), *many, user="ivanova")
    assert piled.returncode == 2 and "more than a trillion rubles" in piled.stderr
    forecast = crm(*db, "report", "forecast", "--json", user="ivanova")
    assert forecast.returncode == 0, forecast.stderr


def test_several_add_options_add_every_line_in_order_as_one_change(seeded_db: str) -> None:
    """`--add A --add B` kept only B (the option was not a list)."""
    db = ("--db", seeded_db)
    deal = json.loads(crm(*db, "deal", "add", "Ромашка", "--title", "Два", "--json", user="ivanova").stdout)
    added = crm(*db, "deal", "lines", str(deal["id"]), "--add", "A;1;шт;10;20", "--add", "B;2;шт;20;20",
                "--json", user="ivanova")  # fmt: skip
    assert added.returncode == 0, added.stderr
    shown = json.loads(added.stdout)
    assert [x["product"] for x in shown["lines"]] == ["A", "B"]
    assert shown["amount"] == 5_000 and shown["version"] == deal["version"] + 1
    refused = crm(*db, "deal", "lines", str(deal["id"]), "--add", "C;1;шт;1;20", "--add", "D;много;шт;1;20",
                  user="ivanova")  # fmt: skip
    assert refused.returncode == 2
    after = json.loads(crm(*db, "deal", "show", str(deal["id"]), "--json", user="ivanova").stdout)
    assert [x["product"] for x in after["lines"]] == ["A", "B"]


def test_several_remove_options_remove_every_line_named_as_listed(seeded_db: str) -> None:
    """`--remove 3 --remove 4` removed only line 4 (the option was not a list); the numbers are
    the lines as listed before the command, and a number without a line refuses them all."""
    db = ("--db", seeded_db)
    deal = json.loads(
        crm(*db, "deal", "add", "Ромашка", "--title", "Четыре", "--json", user="ivanova").stdout
    )
    four = [arg for name in "ABCD" for arg in ("--add", f"{name};1;шт;10;20")]
    assert crm(*db, "deal", "lines", str(deal["id"]), *four, user="ivanova").returncode == 0
    refused = crm(*db, "deal", "lines", str(deal["id"]), "--remove", "2", "--remove", "9", user="ivanova")
    assert refused.returncode == 2 and "no line 9" in refused.stderr
    removed = crm(*db, "deal", "lines", str(deal["id"]), "--remove", "3", "--remove", "4", "--json",
                  user="ivanova")  # fmt: skip
    assert removed.returncode == 0, removed.stderr
    shown = json.loads(removed.stdout)
    assert [x["product"] for x in shown["lines"]] == ["A", "B"]
    assert shown["amount"] == 2_000


def test_quantities_keep_their_zeros_in_json_and_in_russian(seeded_db: str) -> None:
    """10, 20, 100 were shown as 1, 2, 1 (trailing zeros stripped from whole numbers)."""
    db = ("--db", seeded_db)
    added_deal = crm(*db, "deal", "add", "Ромашка", "--title", "Крепёж", "--json", user="ivanova")
    deal = json.loads(added_deal.stdout)
    for line in ("Болт;10;шт;100;20", "Гайка;20;шт;10;20", "Шайба;100;шт;1;20", "Смазка;2,5;кг;300;20"):
        added = crm(*db, "deal", "lines", str(deal["id"]), "--add", line, "--json", user="ivanova")
        assert added.returncode == 0, added.stderr
    shown = json.loads(crm(*db, "deal", "show", str(deal["id"]), "--json", user="ivanova").stdout)
    assert [x["quantity"] for x in shown["lines"]] == ["10", "20", "100", "2.5"]
    russian = crm(*db, "deal", "show", str(deal["id"]), user="ivanova", extra_env={"LANG": "ru_RU.UTF-8"})
    assert "Болт × 10 шт" in russian.stdout and "Шайба × 100 шт" in russian.stdout
    assert "Смазка × 2,5 кг" in russian.stdout


def test_a_documents_quantities_keep_their_zeros_with_a_decimal_comma(
    seeded: Seeded, workspace_for: Open
) -> None:
    from crm_tui.domain.documents.context import deal_context
    from tests.documents.support import fill_requisites

    ws = workspace_for("ivanova")
    deal = add_deal(ws, DealDraft("Ромашка", "Крепёж", "1"))
    version = add_line(ws, deal.id, deal.version, LineDraft("Болт", "10", "шт", "100", "20"))
    add_line(ws, deal.id, version, LineDraft("Смазка", "2.5", "кг", "300", "20"))
    fill_requisites(workspace_for("admin"), seeded.clients["romashka"])
    with ws.read() as session:
        lines = deal_context(session, deal.id, "", date(2026, 12, 5)).lines
    assert [x.quantity for x in lines] == ["10", "2,5"]


def test_deals_made_on_the_kanban_lead_their_columns_once(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    """``kanban(first=...)``: a deal just made leads its column's page (the column is oldest
    first, a page at a time), once; a deal no longer open, or not the viewer's to see, does not."""
    from crm_tui.domain.deals.kanban import CARDS_PER_COLUMN, KanbanFilter, kanban

    ws = workspace_for("ivanova")
    client = str(seeded.clients["romashka"])
    older = [add_deal(ws, DealDraft(client, f"Ранняя {n}", "1000")) for n in range(CARDS_PER_COLUMN + 2)]
    made = add_deal(ws, DealDraft(client, "Насосы", "350к"))
    flt = KanbanFilter(made.pipeline_id)

    def column_titles(first: list[int]) -> list[str]:
        with ws.read() as session:
            board = kanban(session, ws.viewer, flt, ws.now(), first=first)
        column = next(c for c in board if c.stage_id == made.stage_id)
        return [card.title for card in column.cards]

    assert "Насосы" not in column_titles([])  # at the end of the column, past its first page
    titles = column_titles([made.id, older[0].id])
    assert titles[:2] == ["Насосы", "Ранняя 0"] and titles.count("Ранняя 0") == 1
    with write_session(engine) as session:
        won = session.scalar(
            select(stages.c.id).where(stages.c.pipeline_id == made.pipeline_id, stages.c.code == "won")
        )
    assert won is not None
    move_deal(ws, made.id, won, made.version)
    assert "Насосы" not in column_titles([made.id])
    other = workspace_for("petrov")
    with other.read() as session:
        theirs = kanban(session, other.viewer, flt, other.now(), first=[older[1].id])
    assert "Ранняя 1" not in [card.title for c in theirs for card in c.cards]


def test_a_deal_just_made_reads_as_the_board_shows_it(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    """``board_card``: the card the kanban puts into its column after a save, without reading the
    board, is the one a read of the board shows leading that column; none for a board whose
    filter hides the deal, a deal no longer open, or one the viewer may not see."""
    from dataclasses import replace

    from crm_tui.domain.deals.kanban import KanbanFilter, board_card, kanban

    ws = workspace_for("ivanova")
    made = add_deal(ws, DealDraft(str(seeded.clients["romashka"]), "Насосы", "350к"))
    flt = KanbanFilter(made.pipeline_id)
    with ws.read() as session:
        found = board_card(session, ws.viewer, flt, made.id, ws.now())
        board = kanban(session, ws.viewer, flt, ws.now(), first=[made.id])
        elsewhere = board_card(
            session, ws.viewer, replace(flt, owner_id=made.owner_id + 1000), made.id, ws.now()
        )
    column = next(c for c in board if c.stage_id == made.stage_id)
    assert found == (made.stage_id, column.cards[0])
    assert elsewhere is None
    other = workspace_for("petrov")
    with other.read() as session:
        assert board_card(session, other.viewer, flt, made.id, other.now()) is None
    with write_session(engine) as session:
        won = session.scalar(
            select(stages.c.id).where(stages.c.pipeline_id == made.pipeline_id, stages.c.code == "won")
        )
    assert won is not None
    move_deal(ws, made.id, won, made.version)
    with ws.read() as session:
        assert board_card(session, ws.viewer, flt, made.id, ws.now()) is None


def test_a_new_deal_is_offered_every_pipeline_with_its_open_stages(
    engine: Engine, seeded: Seeded, workspace_for: Open
) -> None:
    """What the new-deal dialog's pickers hold: the default pipeline first, each with its open
    stages in order (a deal never starts in Won or Lost)."""
    from crm_tui.domain.deals.pipeline_admin import add_pipeline
    from crm_tui.domain.deals.pipelines import default_pipeline_id, open_stages, stages_of

    service = add_pipeline(workspace_for("admin"), "Монтаж")
    ws = workspace_for("ivanova")
    with ws.read() as session:
        offered = open_stages(session)
        default = default_pipeline_id(session)
        every = stages_of(session, default or 0)
    assert [p.id for p in offered] == [default, service]
    assert [s.id for s in offered[0].stages] == [s.id for s in every if not (s.is_won or s.is_lost)]
    assert [s.name for s in offered[1].stages] == ["New"]
