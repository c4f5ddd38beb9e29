"""The next step offered when a touch is logged (seed 002's navigator): every call ends with
what happens next and when, or the client falls out of sight."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from crm_tui.domain.errors import InvalidInput
from crm_tui.i18n import N_
from crm_tui.storage.models import TaskKind

WORKDAY_START = time(10, 0)
"""When a step given as a day alone is due: the morning, after the first coffee."""

_RELATIVE = re.compile(r"^\+\s*(\d{1,3})\s*(?:d|д|дн|дня|дней|days?)?$")
_DAY = re.compile(r"^(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?(?:\s+(\d{1,2})[:.](\d{2}))?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_WORDS = {"сегодня": 0, "today": 0, "завтра": 1, "tomorrow": 1, "послезавтра": 2}


@dataclass(frozen=True)
class NextStep:
    title: str
    due: datetime
    kind: TaskKind = TaskKind.CALL


def parse_due(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """When a next step is due, as managers type it: ``завтра``, ``+3``, ``25.11``,
    ``25.11 15:00``, ``25.11.2026``, ``15:00`` (today), or ISO. Never in the past."""
    raw = " ".join(text.strip().lower().split())
    local_now = now.astimezone(tz)
    moment: datetime | None = None
    if raw in _WORDS:
        moment = _on_day(local_now.date() + timedelta(days=_WORDS[raw]), local_now, tz)
    elif match := _RELATIVE.match(raw):
        moment = _on_day(local_now.date() + timedelta(days=int(match.group(1))), local_now, tz)
    elif match := _TIME.match(raw):
        moment = _clock(local_now.date(), match.group(1), match.group(2), tz, text)
    elif match := _DAY.match(raw):
        day_s, month_s, year_s, hour, minute = match.groups()
        year = int(year_s) + (2000 if year_s and len(year_s) == 2 else 0) if year_s else local_now.year
        try:
            day = date(year, int(month_s), int(day_s))
        except ValueError:
            raise InvalidInput("due.not_a_date", N_("{text!r} is not a date"), text=text) from None
        if not year_s and day < local_now.date():
            try:
                day = day.replace(year=year + 1)  # "05.01" typed in December is next January
            except ValueError:  # 29.02 typed after it passed: the next leap year is too far
                raise InvalidInput(
                    "due.leap_day", N_("{text!r}: give the year, 29 February is not every year"), text=text
                ) from None
        moment = _clock(day, hour, minute, tz, text) if hour else _on_day(day, local_now, tz)
    else:
        moment = _iso(text.strip(), local_now, tz)
    if moment < now - timedelta(minutes=1):
        raise InvalidInput(
            "due.past", N_("{text!r} is in the past: a next step is due from now on"), text=text
        )
    return moment


def next_step(title: str, when: str, now: datetime, tz: ZoneInfo) -> NextStep | None:
    """The step a person typed, or None when they left the title empty."""
    name = " ".join(title.split())
    if not name:
        if when.strip():
            raise InvalidInput(
                "next_step.title_missing",
                N_("say what the next step is, or leave its date empty too"),
                field="next_title",
            )
        return None
    try:
        due = parse_due(when.strip() or "завтра", now, tz)
    except InvalidInput as exc:
        raise exc.naming("next_when") from None
    return NextStep(name[:300], due)


def _on_day(day: date, local_now: datetime, tz: ZoneInfo) -> datetime:
    """A step given as a day alone is due in its morning; today, once the morning is gone, at
    the next full hour."""
    moment = _at(day, WORKDAY_START, tz)
    if day == local_now.date() and moment < local_now:
        moment = local_now.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    return moment


def _iso(text: str, local_now: datetime, tz: ZoneInfo) -> datetime:
    try:
        if len(text) == 10:
            return _on_day(date.fromisoformat(text), local_now, tz)
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            "due.unreadable", N_("when is {text!r}? write завтра, +3, 25.11, 25.11 15:00 or 15:00"), text=text
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _at(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


def _clock(day: date, hour: str, minute: str, tz: ZoneInfo, text: str) -> datetime:
    try:
        return _at(day, time(int(hour), int(minute)), tz)
    except ValueError:
        raise InvalidInput("due.not_a_time", N_("{text!r} is not a time of day"), text=text) from None
