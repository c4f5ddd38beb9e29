"""The funnel's report view at the width of an 80-column terminal, in Russian."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from rich.console import Console

from crm_tui import i18n
from crm_tui.domain.reports.funnel import ForecastLine, FunnelReport, StageLine
from crm_tui.domain.values.formatting import money_figures
from crm_tui.widgets.funnel_report_view import report_view


@pytest.fixture
def russian() -> Iterator[None]:
    before = i18n.current_locale()
    i18n.set_locale("ru")
    yield
    i18n.set_locale(before)


def test_sums_stay_on_one_line_at_80_columns(russian: None) -> None:
    """At 80x24 every sum broke after its rubles («94 584» over «825,72 ₽»)."""
    names = ["Первичный интерес", "Квалификация потребности", "Коммерческое предложение"]
    stages = [
        StageLine(n, name, False, False, 1_234, 9_458_482_572 + n, 5_000, 0.42, 12.5)
        for n, name in enumerate(names)
    ]
    report = FunnelReport("Воронка продаж", stages, [("Дорого, выбрали конкурента", 321, 7_991_411_851)])
    forecast = [ForecastLine("2026-12", "Ефремов Григорий Андреевич", 45, 12_345_678_901, 6_172_839_450)]
    console = Console(width=78, record=True, color_system=None)
    console.print(report_view(report, forecast))
    text = console.export_text()
    for kopecks in (*(s.amount for s in stages), 7_991_411_851, 12_345_678_901, 6_172_839_450):
        shown = money_figures([kopecks])[0]
        assert shown in text, shown


def test_the_forecast_s_total_row_sums_the_amount_too() -> None:
    """The total row had the deals and the weighted sum, and an empty amount."""
    report = FunnelReport("Sales", [], [])
    forecast = [
        ForecastLine("2026-12", "Ivanova", 2, 150_000_00, 75_000_00),
        ForecastLine("none", "Petrov", 1, 40_000_50, 4_000_05),
    ]
    console = Console(width=100, record=True, color_system=None)
    console.print(report_view(report, forecast))
    total = next(line for line in console.export_text().splitlines() if "Total" in line)
    amount, weighted = money_figures([190_000_50, 79_000_05])
    assert amount in total and weighted in total and " 3 " in total, total
