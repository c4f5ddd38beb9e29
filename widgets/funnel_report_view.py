"""The funnel's report view: reach and conversion per stage, lost reasons, the forecast."""

from __future__ import annotations

from rich.console import Group
from rich.table import Table
from rich.text import Text

from crm_tui.domain.reports.funnel import ForecastLine, FunnelReport, forecast_total
from crm_tui.domain.values.formatting import money_figures, share_percent, year_month
from crm_tui.domain.values.text import literal
from crm_tui.i18n import _, decimal


def report_view(report: FunnelReport, forecast: list[ForecastLine]) -> Group:
    """Figures never wrap (at 80 columns «94 584 825,72 ₽» broke after its rubles): the names
    take the lines instead."""
    title = literal(_("Funnel: {name}").format(name=report.pipeline), style="table.title")
    stages = Table(title=title, expand=True)
    for label, right in (
        (_("Stage"), False),
        (_("Now"), True),
        (_("Amount"), True),
        (_("Reached"), True),
        (_("To next"), True),
        (_("Median days"), True),
    ):
        stages.add_column(label, justify="right" if right else "left", no_wrap=right)
    for s, amount in zip(report.stages, money_figures([s.amount for s in report.stages]), strict=True):
        stages.add_row(
            literal(s.name),
            str(s.deals),
            amount,
            str(s.reached),
            share_percent(s.conversion, 0) if s.conversion is not None else "",
            decimal(s.median_days) if s.median_days is not None else "",
        )
    reasons = Table(title=_("Lost reasons"), expand=True)
    reasons.add_column(_("Reason"))
    reasons.add_column(_("Deals"), justify="right", no_wrap=True)
    reasons.add_column(_("Amount"), justify="right", no_wrap=True)
    losses = money_figures([amount for _reason, _n, amount in report.lost_reasons])
    for (reason, n, _amount), amount in zip(report.lost_reasons, losses, strict=True):
        reasons.add_row(literal(reason), str(n), amount)
    ahead = Table(title=_("Forecast: open deals weighted by stage probability"), expand=True)
    for label in (_("Close month"), _("Manager"), _("Deals"), _("Amount"), _("Weighted")):
        figure = label not in (_("Close month"), _("Manager"))
        ahead.add_column(label, justify="right" if figure else "left", no_wrap=figure)
    total = forecast_total(forecast)
    *amounts, amount_total = money_figures([*(line.amount for line in forecast), total.amount])
    *weighted, weighted_total = money_figures([*(line.weighted for line in forecast), total.weighted])
    for line, amount, chance in zip(forecast, amounts, weighted, strict=True):
        month = _("no date") if line.month == "none" else year_month(line.month)
        ahead.add_row(month, literal(line.manager), str(line.deals), amount, chance)
    ahead.add_row(
        _("Total"), "", str(total.deals), Text(amount_total, style="bold"), Text(weighted_total, style="bold")
    )
    return Group(stages, reasons, ahead)
