"""The desk's KPI tiles: which tiles "My sales" shows and what each says of the desk's figures.

The desk (``screens/desk.py``) composes them in its top row, fits their captions on Resize and
fills them when its data arrives. Like the desk, this module imports no database layer (the
figures' types only for the type checker): the desk is drawn while the base opens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from crm_tui.domain.values.formatting import money_figure
from crm_tui.i18n import _, counted
from crm_tui.widgets.kpi_tile import KpiTile

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from crm_tui.domain.desk import Desk, Kpi


def kpi_tiles() -> list[KpiTile]:
    """The tiles, empty, in the order they stand (the narrow desk hides two: app.tcss)."""
    return [
        KpiTile(_("Plan vs fact"), id="kpi-plan", bar=True, trend=True),
        KpiTile(_("Won this month"), id="kpi-won"),
        KpiTile(_("Awaiting payment"), id="kpi-awaiting"),
        KpiTile(_("Overdue tasks"), id="kpi-overdue"),
        KpiTile(_("Open requests"), id="kpi-requests"),
        KpiTile(_("Portrait 80%+"), id="kpi-portrait", bar=True),
    ]


def show_tiles(screen: DOMNode, desk: Desk) -> None:
    """Every tile of ``screen`` (the desk) with ``desk``'s figures."""
    _show_kpi(screen, desk.kpi, desk.won_by_week)
    _show_requests(screen, desk)


def _show_kpi(screen: DOMNode, kpi: Kpi, weeks: list[int]) -> None:
    plan = screen.query_one("#kpi-plan", KpiTile)
    share = kpi.plan_share
    trend = weeks if any(weeks) else None  # own wins, week by week (none yet: the bar, the caption)
    if share is None:
        plan.show(money_figure(kpi.fact), _("no monthly target set"), trend=trend)
    else:
        caption = _("{percent}% of {plan}").format(percent=round(share * 100), plan=money_figure(kpi.plan))
        plan.show(
            money_figure(kpi.fact),
            caption,
            share=share,
            tone="good" if share >= 1 else "neutral",
            trend=trend,
            short_caption=_("{percent}% of the plan").format(percent=round(share * 100)),
        )
    won = counted(kpi.won_count, "deal won for {amount}", "deals won for {amount}")
    screen.query_one("#kpi-won", KpiTile).show(str(kpi.won_count), won.format(amount=money_figure(kpi.fact)))
    waiting = kpi.awaiting_payment_count
    screen.query_one("#kpi-awaiting", KpiTile).show(
        money_figure(kpi.awaiting_payment),
        counted(waiting, "{count} deal waiting for money", "{count} deals waiting for money"),
        tone="warn" if waiting else "neutral",
    )
    overdue = kpi.overdue_tasks
    late = counted(overdue, "task past its due time", "tasks past their due time")
    screen.query_one("#kpi-overdue", KpiTile).show(
        str(overdue), late if overdue else _("nothing overdue"), tone="bad" if overdue else "good"
    )
    described = kpi.described_share
    screen.query_one("#kpi-portrait", KpiTile).show(
        f"{round((described or 0) * 100)}%",
        _("{good} of {count} clients described").format(good=kpi.well_described, count=kpi.clients),
        share=described,
        tone="good" if (described or 0) >= 0.8 else "warn",
    )


def _show_requests(screen: DOMNode, desk: Desk) -> None:
    late = desk.late_requests
    caption = (
        counted(late, "{count} past its answer time", "{count} past their answer time")
        if late
        else _("all answered in time")
    )
    screen.query_one("#kpi-requests", KpiTile).show(
        str(desk.requests), caption, tone="bad" if late else ("warn" if desk.requests else "good")
    )
