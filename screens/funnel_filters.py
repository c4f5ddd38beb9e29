"""The funnel's filters: one manager's deals, a region's, another pipeline, a period.

Each filter is a dialog, then the board (and the report, when it is shown) read again with the
new ``KanbanFilter``; ``FunnelScreen`` reads them (``reload_board``, ``reload_report``).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from crm_tui.domain.access.users import UserInfo
from crm_tui.domain.clock import local_month_bounds
from crm_tui.domain.deals.kanban import KanbanColumn, KanbanFilter
from crm_tui.i18n import _
from crm_tui.screens.base import CrmScreen
from crm_tui.screens.dialogs.choice import ChoiceDialog
from crm_tui.screens.dialogs.segments import AssignDialog
from crm_tui.widgets.kanban_column import KanbanColumnView


@dataclass
class Board:
    columns: list[KanbanColumn]
    reasons: list[str]
    people: list[UserInfo]
    pipelines: list[tuple[int, str]]


class FunnelFilters(CrmScreen):
    """The funnel's filter keys; ``FunnelScreen`` binds them and shows the board."""

    flt: KanbanFilter | None
    board: Board | None
    views: dict[int, KanbanColumnView]
    reporting: bool

    def reload_board(self) -> None:
        """Read the board again with ``flt`` (the screen's worker)."""
        raise NotImplementedError

    def reload_report(self) -> None:
        """Read the report again with ``flt`` (the screen's worker)."""
        raise NotImplementedError

    def action_filter(self) -> None:
        if self.board is None or self.flt is None:
            return
        if self.flt.owner_id is not None:
            self.flt = replace(self.flt, owner_id=None)
            self.reload_board()
            return
        people = self.board.people
        by_login = {p.login: p.id for p in people}

        def chosen(login: str | None) -> None:
            if login and self.flt is not None:
                self.flt = replace(self.flt, owner_id=by_login[login])
                self.reload_board()

        self.app.push_screen(AssignDialog(0, people, title=_("Whose deals")), chosen)

    def _refilter(self, flt: KanbanFilter) -> None:
        self.flt = flt
        self.reload_board()
        if self.reporting:
            self.reload_report()

    def action_region(self) -> None:
        if self.board is None or self.flt is None:
            return
        if self.flt.region is not None:
            self._refilter(replace(self.flt, region=None))
            return
        regions = sorted({p.region for p in self.board.people if p.region})

        def chosen(region: str | None) -> None:
            if region and self.flt is not None:
                self._refilter(replace(self.flt, region=region))

        self.app.push_screen(ChoiceDialog(_("Deals of the managers of"), [(r, r) for r in regions]), chosen)

    def action_pipeline(self) -> None:
        if self.board is None or self.flt is None:
            return

        def chosen(pid: str | None) -> None:
            if pid and self.flt is not None:
                self.flt = KanbanFilter(int(pid))
                self.views = {}
                self._refilter(self.flt)

        choices = [(name, str(pid)) for pid, name in self.board.pipelines]
        self.app.push_screen(ChoiceDialog(_("Pipeline"), choices), chosen)

    def action_period(self) -> None:
        if self.flt is None:
            return
        now = self.ws.now()
        month_start, _month_end = local_month_bounds(now, self.ws.tz)
        local = now.astimezone(self.ws.tz)
        year_start = datetime.combine(date(local.year, 1, 1), time.min, tzinfo=self.ws.tz)
        periods = {
            "all": None,
            "month": month_start,
            "30": now - timedelta(days=30),
            "90": now - timedelta(days=90),
            "year": year_start,
        }
        labels = [
            (_("All time"), "all"),
            (_("Created this month"), "month"),
            (_("Created in the last 30 days"), "30"),
            (_("Created in the last 90 days"), "90"),
            (_("Created this year"), "year"),
        ]

        def chosen(key: str | None) -> None:
            if key and self.flt is not None:
                self._refilter(replace(self.flt, created_from=periods[key]))

        self.app.push_screen(ChoiceDialog(_("Period"), labels), chosen)
