"""Open deals grouped by stage: how many and for how much, with a total."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich import box
from rich.table import Table
from textual.widgets import Static

from crm_tui.domain.values.formatting import money_figures
from crm_tui.domain.values.text import literal
from crm_tui.i18n import _

if TYPE_CHECKING:
    from crm_tui.domain.desk import StageSummary


def rubles(amounts: Sequence[int]) -> list[str]:
    """The sums of a column as ``money_figures`` writes them (kopecks in every row when any has
    them), without the sign the heading carries."""
    return [text.removesuffix(" ₽") for text in money_figures(amounts)]


class StageSummaryTable(Static):
    """A read-only table of stages in pipeline order; money right-aligned so digits line up.

    The ruble sign is said once, in the heading: at 80 columns the desk gives this table 38, and
    two signs a row were the stage names' room («Новое…»)."""

    def show(self, stages: Sequence[StageSummary]) -> None:
        if not stages:
            self.update(_("No open deals."))
            return
        table = Table(box=box.SIMPLE_HEAD, expand=True, padding=(0, 1), show_edge=False, show_footer=True)
        count = sum(s.count for s in stages)
        amount = sum(s.amount for s in stages)
        table.add_column(
            _("Stage"), footer=_("Total"), ratio=1, min_width=8, no_wrap=True, overflow="ellipsis"
        )
        table.add_column(_("Deals"), footer=str(count), justify="right", no_wrap=True)
        *sums, total = rubles([*(s.amount for s in stages), amount])
        table.add_column(_("Amount, ₽"), footer=total, justify="right", no_wrap=True)
        for stage, sum_ in zip(stages, sums, strict=True):
            table.add_row(literal(stage.stage), str(stage.count), sum_)
        self.update(table)
