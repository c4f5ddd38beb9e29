"""A deal line's VAT rate and quantity as typed (issue 21's review): a line with no rate typed
was «без НДС» whatever the company's VAT mode, so its invoice said «НДС не облагается» for a
company that charges 20%; a quantity of ``2,5555`` was rounded to thousandths without a word,
and ``1e3``, ``inf``, ``nan`` were read as quantities."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from crm_tui.domain.deals.lines import LineDraft, add_line, add_lines, deal_line_rows, read_quantity
from crm_tui.domain.deals.new_deal import DealDraft, add_deal
from crm_tui.domain.documents.company import set_company
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.workspace import Workspace
from tests.cli_support import crm
from tests.seed import Seeded

Open = Callable[[str], Workspace]


def test_a_line_without_a_rate_takes_the_company_s_vat_mode(seeded: Seeded, workspace_for: Open) -> None:
    ws = workspace_for("ivanova")
    deal = add_deal(ws, DealDraft("Ромашка", "Котлы"))
    version = add_line(
        ws, deal.id, deal.version, LineDraft("Без ставки", "1", "шт", "100")
    )  # no VAT mode set
    set_company(workspace_for("admin"), {"vat": "20"})
    added = add_lines(
        ws,
        deal.id,
        version,
        [
            LineDraft("Котёл", "1", "шт", "100"),
            LineDraft("Монтаж", "1", "ч", "50", "без НДС"),
            LineDraft("Доставка", "1", "", "10", "10"),
        ],
    )
    assert added.vat_rates == [20, None, 10]  # what the confirmation says
    with ws.read() as session:
        rates = [(x.product, x.vat_rate) for x in deal_line_rows(session, deal.id)]
    # the line saved before the mode was set keeps what it was saved with
    assert rates == [("Без ставки", None), ("Котёл", 20), ("Монтаж", None), ("Доставка", 10)]


def test_the_cli_says_the_rate_each_line_got(seeded_db: str) -> None:
    db = ("--db", seeded_db)
    assert crm(*db, "company", "set", "--set", "vat=20", user="admin").returncode == 0
    deal = json.loads(crm(*db, "deal", "add", "Ромашка", "--title", "Котлы", "--json", user="ivanova").stdout)
    adds = ("--add", "Котёл;1;шт;100", "--add", "Монтаж;1;ч;50;без НДС")
    done = crm(*db, "deal", "lines", str(deal["id"]), *adds, user="ivanova")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == ["added «Котёл»: VAT 20% (the company's mode)", "added «Монтаж»: not subject to VAT"]
    shown = json.loads(crm(*db, "deal", "show", str(deal["id"]), "--json", user="ivanova").stdout)
    assert [x["vat_rate"] for x in shown["lines"]] == [20, None]


@pytest.mark.parametrize(("typed", "milli"), [("2", 2000), ("1,5", 1500), ("0.25", 250), ("2,555", 2555),
                                              ("1 000", 1_000_000), (",5", 500), ("", 1000)])  # fmt: skip
def test_quantities_as_people_write_them(typed: str, milli: int) -> None:
    assert read_quantity(typed) == milli


@pytest.mark.parametrize(
    ("typed", "said"),
    [("2,5555", "quantity: '2,5555' has more than 3 decimals"),
     ("0,0001", "quantity: '0,0001' has more than 3 decimals"),
     ("1e3", "quantity: '1e3' is not a quantity"), ("1E3", "quantity: '1E3' is not a quantity"),
     ("inf", "quantity: 'inf' is not a quantity"), ("Infinity", "quantity: 'Infinity' is not a quantity"),
     ("nan", "quantity: 'nan' is not a quantity"), ("-1", "quantity: '-1' is not a quantity"),
     ("²", "quantity: '²' is not a quantity"), ("0", "quantity: '0' is not a quantity")],
)  # fmt: skip
def test_a_quantity_that_is_not_written_out_in_thousandths_is_refused(typed: str, said: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        read_quantity(typed)
    assert refused.value.field == "quantity" and str(refused.value) == said


def test_the_refusal_in_russian_quotes_the_value(seeded_db: str) -> None:
    db = ("--db", seeded_db)
    deal = json.loads(crm(*db, "deal", "add", "Ромашка", "--title", "Т", "--json", user="ivanova").stdout)
    refused = crm(*db, "deal", "lines", str(deal["id"]), "--add", "Болт;2,5555;шт;10", user="ivanova",
                  extra_env={"CRM_LOCALE": "ru"})  # fmt: skip
    assert refused.returncode == 2 and refused.stderr.count("\n") == 1
    assert "количество: в «2,5555» больше 3 знаков после запятой" in refused.stderr
