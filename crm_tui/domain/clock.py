"""Time as the domain sees it: an injectable clock, UTC inside, the user's zone at the edges."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def fixed_clock(moment: datetime) -> Clock:
    """A clock that never moves, for tests and snapshots."""
    if moment.tzinfo is None:
        raise ValueError("a fixed clock needs an aware datetime")
    frozen = moment.astimezone(UTC)
    return lambda: frozen


def local_day_bounds(moment: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """UTC start and end of the user's calendar day containing ``moment``."""
    day = moment.astimezone(tz).date()
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)


def local_month_bounds(moment: datetime, tz: ZoneInfo) -> tuple[datetime, datetime]:
    local = moment.astimezone(tz).date()
    first = date(local.year, local.month, 1)
    following = date(local.year + local.month // 12, local.month % 12 + 1, 1)
    start = datetime.combine(first, time.min, tzinfo=tz)
    end = datetime.combine(following, time.min, tzinfo=tz)
    return start.astimezone(UTC), end.astimezone(UTC)
