"""A moment as people type it into a dialog or a command: ``завтра 10:00``, ``пт``, ``+2``,
``25.12``, ``25.12 15:30``, ``15:00``, ISO. The one reader of "when" for next steps, hand-set
tasks, reschedules and a deal's close date (``parse_day``); file dates are ``dates``' business.

Days are the user's (their time zone); a day given alone is due in its morning
(``WORKDAY_START``), today once the morning is gone at the next full hour. A weekday is the
next such day, never today: said on a Monday, «в понедельник» is next week's (today is
``сегодня``). That is a due time's or a close date's reading, which look ahead; a filter or a
payment looks back (``parse_day(..., back=True)``): a weekday or a day without a year is then
the nearest past or current one («пн» said on a Monday is today, «01.12» said in November is
last December's).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from crm_tui.domain.errors import InvalidInput
from crm_tui.i18n import N_

WORKDAY_START = time(10, 0)
"""When a step given as a day alone is due: the morning, after the first coffee."""

_RELATIVE = re.compile(r"^([+-])\s*(\d{1,3})\s*(?:d|д|дн|дня|дней|days?)?$")
_DAY = re.compile(r"^(\d{1,2})[./](\d{1,2})(?:[./](\d{2}|\d{4}))?$")
_TIME = re.compile(r"^(\d{1,2}):(\d{2})$")
_TAIL_TIME = re.compile(r"^(\d{1,2})[:.](\d{2})$")
_WORDS = {
    "сегодня": 0,
    "today": 0,
    "завтра": 1,
    "tomorrow": 1,
    "послезавтра": 2,
    "вчера": -1,
    "yesterday": -1,
    "позавчера": -2,
}
_WEEKDAYS = {
    word: number
    for number, words in enumerate(
        (
            "пн пон понедельник mon monday",
            "вт вто вторник tue tuesday",
            "ср сре среда wed wednesday",
            "чт чет четверг thu thursday",
            "пт пят пятница fri friday",
            "сб суб суббота sat saturday",
            "вс вос воскресенье sun sunday",
        )
    )
    for word in words.split()
}
HINT = N_("when is {text!r}? write завтра 10:00, пт, +2, 25.12, 25.12 15:00 or 15:00")


def _unreadable(text: str) -> InvalidInput:
    return InvalidInput("due.unreadable", HINT, text=text)


def _split_time(raw: str) -> tuple[str, tuple[str, str] | None]:
    """``"завтра 10:00"`` -> ``("завтра", ("10", "00"))``; a lone time stays as it is."""
    head, _space, tail = raw.rpartition(" ")
    if head and (match := _TAIL_TIME.match(tail)):
        return head.strip().rstrip(","), (match.group(1), match.group(2))
    return raw, None


def _day_of(raw: str, today: date, text: str, back: bool = False) -> date | None:
    """The day ``raw`` names (a word, ``+N``, a weekday, ``DD.MM[.YY]``), or None; a weekday or
    a day without a year is the next one, or with ``back`` the nearest past or current one."""
    if raw in _WORDS:
        return today + timedelta(days=_WORDS[raw])
    if match := _RELATIVE.match(raw):
        return today + timedelta(days=int(match.group(2)) * (1 if match.group(1) == "+" else -1))
    if raw.rstrip(".") in _WEEKDAYS:
        weekday = _WEEKDAYS[raw.rstrip(".")]
        if back:
            return today - timedelta(days=(today.weekday() - weekday) % 7)
        return today + timedelta(days=(weekday - today.weekday()) % 7 or 7)
    if match := _DAY.match(raw):
        day_s, month_s, year_s = match.groups()
        year = int(year_s) + (2000 if year_s and len(year_s) == 2 else 0) if year_s else today.year
        try:
            day = date(year, int(month_s), int(day_s))
        except ValueError:
            raise InvalidInput("due.not_a_date", N_("{text!r} is not a date"), text=text) from None
        if not year_s and (day > today if back else day < today):
            try:  # "05.01" typed in December is next January; looking back, "01.12" in November last December
                day = day.replace(year=year + (-1 if back else 1))
            except ValueError:  # 29.02 typed after it passed: the next leap year is too far
                raise InvalidInput(
                    "due.leap_day", N_("{text!r}: give the year, 29 February is not every year"), text=text
                ) from None
        return day
    return None


def parse_moment(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """The moment ``text`` names, read in ``tz``: ``завтра``, ``завтра 10:00``, ``пт``,
    ``пт 15:00``, ``+3``, ``25.11``, ``25.11 15:00``, ``25.11.2026``, ``15:00`` (today), ISO.
    May be in the past (a caller that needs the future says so: ``parse_due``)."""
    raw = " ".join(text.strip().lower().split())
    local_now = now.astimezone(tz)
    if match := _TIME.match(raw):
        return _clock(local_now.date(), match.group(1), match.group(2), tz, text)
    day_text, clock = _split_time(raw)
    day = _day_of(day_text, local_now.date(), text)
    if day is None:
        return _iso(text.strip(), local_now, tz)
    if clock is not None:
        return _clock(day, clock[0], clock[1], tz, text)
    return _on_day(day, local_now, tz)


def parse_due(text: str, now: datetime, tz: ZoneInfo) -> datetime:
    """When a task or a next step is due, as managers type it (``parse_moment``); never in the
    past."""
    moment = parse_moment(text, now, tz)
    if moment < now - timedelta(minutes=1):
        raise InvalidInput("due.past", N_("{text!r} is in the past: a due time is now or later"), text=text)
    return moment


def parse_day(
    text: str, now: datetime, tz: ZoneInfo, *, back: bool = False, not_before: date | None = None
) -> date:
    """A day as people type it (``пт``, ``+30``, ``25.12``, ``25.12.2026``, ISO): a deal's expected
    close date, looking ahead; with ``back`` a filter's or a payment's day, looking back (see the
    module's docstring). ``not_before`` (looking back: a period's start) is where a weekday or a
    day without a year that would fall before it is read from instead: ``--from пн --to вс`` on
    a Monday is this week, not today to yesterday."""
    raw = " ".join(text.strip().lower().split())
    local_today = now.astimezone(tz).date()
    day = _day_of(raw, local_today, text, back)
    floating = raw not in _WORDS and not _RELATIVE.match(raw)  # a weekday, a day without a year
    if day is not None and floating and back and not_before is not None and day < not_before:
        day = _day_of(raw, not_before - timedelta(days=1), text) or day
    if day is not None:
        return day
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        pass
    from crm_tui.domain.values.dates import normalise_date

    found = normalise_date(text.strip())
    if found.value is None:
        raise InvalidInput("date.invalid", N_("{text!r} is not a date"), text=text)
    return found.value


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
        raise _unreadable(text) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


def _at(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz)


def _clock(day: date, hour: str, minute: str, tz: ZoneInfo, text: str) -> datetime:
    try:
        return _at(day, time(int(hour), int(minute)), tz)
    except ValueError:
        raise InvalidInput("due.not_a_time", N_("{text!r} is not a time of day"), text=text) from None
