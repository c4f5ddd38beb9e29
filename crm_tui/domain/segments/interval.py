"""The average interval between purchases: what "loyal" is measured against.

Computed from the history (seed 000: the interval between a client's consecutive purchases,
averaged over the whole base: the sum of the gaps over the number of gaps, so a client with
twenty purchases weighs twenty times, as it should) or set by an admin (a water company sets
30 days).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, FromClause, func, select

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.settings import get_setting, put_setting
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

INTERVAL_KEY = "segments.interval_days"
DEFAULT_INTERVAL_DAYS = 30
"""Used when the base has purchases but no client has bought twice yet."""
MAX_INTERVAL_DAYS = 3650


@dataclass(frozen=True)
class BaseHistory:
    buyers: int
    gaps: int
    gap_days: int

    @property
    def average_days(self) -> int | None:
        if not self.gaps:
            return None
        return max(1, round(self.gap_days / self.gaps))


@dataclass(frozen=True)
class IntervalChoice:
    days: int | None
    """``None``: the base has no sales history, so only warm can be told."""
    source: str
    """``set`` by an admin, ``auto`` from the history, ``default`` (too little history) or ``none``."""
    history: BaseHistory


def _days_between(
    session: Unit, later: ColumnElement[Any], earlier: ColumnElement[Any]
) -> ColumnElement[Any]:
    if session.get_bind().dialect.name == "sqlite":
        return func.julianday(later) - func.julianday(earlier)
    return later - earlier


def base_interval(session: Unit, stats: FromClause) -> BaseHistory:
    """The history's gaps from per-client purchase statistics (``first_purchase``,
    ``last_purchase``, ``purchases``: distinct purchase days)."""
    s = stats.c
    buyers, gaps, days = session.execute(
        select(
            func.count().filter(s.purchases > 0),
            func.coalesce(func.sum(s.purchases - 1).filter(s.purchases > 1), 0),
            func.coalesce(
                func.sum(_days_between(session, s.last_purchase, s.first_purchase)).filter(s.purchases > 1), 0
            ),
        )
    ).one()
    return BaseHistory(int(buyers or 0), int(gaps), round(float(days)))


def interval_setting(session: Unit) -> int | None:
    value = get_setting(session, INTERVAL_KEY)
    return int(value) if isinstance(value, int | float) else None


def resolve_interval(session: Unit, history: BaseHistory) -> IntervalChoice:
    if not history.buyers:
        return IntervalChoice(None, "none", history)
    chosen = interval_setting(session)
    if chosen is not None:
        return IntervalChoice(chosen, "set", history)
    average = history.average_days
    if average is None:
        return IntervalChoice(DEFAULT_INTERVAL_DAYS, "default", history)
    return IntervalChoice(average, "auto", history)


def set_interval(ws: Workspace, days: int | None) -> None:
    """An admin fixes the interval (``None``: back to computing it from the history)."""
    require(ws.viewer, Capability.SET_PURCHASE_INTERVAL)
    if days is not None and not 1 <= days <= MAX_INTERVAL_DAYS:
        raise InvalidInput(
            "interval.range",
            N_("interval: {days} days is out of range (1..{most})"),
            days=days,
            most=MAX_INTERVAL_DAYS,
        )
    with ws.write() as session:
        put_setting(session, INTERVAL_KEY, days, at=ws.now(), user_id=ws.viewer.user_id)
