"""A won or lost deal keeps its figures: amount, lines, owner and close date are what it closed
with (issue 21's review: a manager set a won deal's amount to 1 kopeck and a head moved a win to
another's figures). Its title may still be corrected."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from crm_tui.domain.deals.edit import edit_deal
from crm_tui.domain.deals.lines import LineDraft, add_line, remove_line
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.workspace import Workspace
from tests.seed import Seeded

Open = Callable[[str], Workspace]


@pytest.mark.parametrize(
    ("deal", "typed", "field"),
    [
        ("d_won_romashka", {"amount": "1"}, "amount"),
        ("d_won_romashka", {"owner": "smirnov"}, "owner"),
        ("d_won_romashka", {"close": "25.12"}, "close"),
        ("d_lost_teplo", {"amount": "500 000"}, "amount"),
    ],
)
def test_a_closed_deals_figures_are_refused_in_one_line(
    seeded: Seeded, workspace_for: Open, deal: str, typed: dict[str, str], field: str
) -> None:
    head = workspace_for("smirnov")
    with pytest.raises(InvalidInput) as refused:
        edit_deal(head, seeded.deals[deal], 1, typed)
    assert refused.value.field == field
    assert refused.value.code == "deal.closed"
    assert "\n" not in str(refused.value) and f"deal {seeded.deals[deal]} is " in str(refused.value)


def test_a_closed_deals_lines_are_refused_and_its_title_may_change(
    seeded: Seeded, workspace_for: Open
) -> None:
    manager = workspace_for("ivanova")
    won = seeded.deals["d_won_romashka"]
    with pytest.raises(InvalidInput, match=f"deal {won} is won") as refused:
        add_line(manager, won, 1, LineDraft("Насос", "1", price="1 000"))
    assert refused.value.code == "deal.closed"
    with pytest.raises(InvalidInput, match=f"deal {won} is won"):
        remove_line(manager, won, 1, 1)
    assert edit_deal(manager, won, 1, {"title": "Поставка насосов (исправлено)"}) == 2
