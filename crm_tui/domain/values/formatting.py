"""How money, phones, dates and times read to a person, in the language in force; shared by the
screens, the CLI and the scheduler, so a date is written one way everywhere.

Numbers in tables stay short and the same in both languages ("05.12.2026", "05.12 15:30"); words
follow the language: "5 декабря 2026" (the month in the genitive, as Russians say a date) or
"5 December 2026", "сегодня 15:30" or "today 15:30", "пт" or "Fri". Month and weekday names come
from Babel's CLDR data, imported only when a name is asked for, so that `crm --help` does not
pay for it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from zoneinfo import ZoneInfo

from crm_tui.i18n import N_, _, current_locale, decimal

GROUP = "\u202f"
"""Between thousands of money: a narrow no-break space, as Russian typography has it, in both
languages (the amounts are rubles)."""
DECIMAL = {"ru": ",", "en": "."}
NUMERIC_DATE = "%d.%m.%Y"
NUMERIC_DAY = "%d.%m"
TIME = "%H:%M"
_NEAR_DAYS = {0: N_("today {time}"), -1: N_("yesterday {time}"), 1: N_("tomorrow {time}")}
"""``day_time``'s words for the days next to today, by their distance from it."""


def money(kopecks: int, *, with_kopecks: bool = False) -> str:
    """1234567890 -> '12 345 678 ₽'; with kopecks '12 345 678,90 ₽' (in English '12 345 678.90 ₽':
    the decimal mark is the language's, the groups stay as rubles are written)."""
    sign = "-" if kopecks < 0 else ""
    rubles, kop = divmod(abs(kopecks), 100)
    text = f"{rubles:,}".replace(",", GROUP)
    if with_kopecks:
        text += f"{DECIMAL.get(current_locale(), '.')}{kop:02d}"
    return f"{sign}{text} ₽"


def money_figure(kopecks: int) -> str:
    """A report's amount as it is: '1 459 978,50 ₽' when it has kopecks, '100 000 ₽' when it has
    none (a round target). A sum of invoices is never rounded away on screen: the JSON and the
    workbook hold the kopecks, and a head checks one against the other."""
    return money(kopecks, with_kopecks=kopecks % 100 != 0)


def money_figures(amounts: Sequence[int]) -> list[str]:
    """Amounts read together (a report's column, the bars of a chart): all with kopecks when any
    of them has some, so that none is rounded and the column's digits line up; whole rubles when
    none has."""
    exact = any(amount % 100 for amount in amounts)
    return [money(amount, with_kopecks=exact) for amount in amounts]


def fraction(value: float | None, places: int = 1) -> str:
    """A measure with a fraction (minutes, days) as the language writes it: '10,1' in Russian,
    '10.1' in English; '—' when there is none."""
    return "—" if value is None else decimal(value, places)


def percent(value: float | None, places: int = 1) -> str:
    """A share already in percent (20.0) as the language writes it: '20,0%' in Russian, '20.0%'
    in English; '—' when there is none."""
    return "—" if value is None else decimal(value, places) + "%"


def share_percent(value: float | None, places: int = 1) -> str:
    """A share of 0..1 (what every report's ``--json`` and workbook hold) as a person reads it:
    0.4 -> '40,0%' in Russian, '40.0%' in English; '—' when there is none."""
    return "—" if value is None else percent(value * 100, places)


def phone(e164: str, extension: str | None = None) -> str:
    """+79151234567 -> '+7 915 123-45-67'; other numbers are shown as stored. An extension
    follows as a person says it: '+7 495 111-22-33 доб. 12' ('ext. 12' in English)."""
    shown = e164
    if e164.startswith("+7") and len(e164) == 12 and e164[1:].isdigit():
        d = e164[2:]
        shown = f"+7 {d[:3]} {d[3:6]}-{d[6:8]}-{d[8:]}"
    if extension:
        shown += " " + _("ext. {number}").format(number=extension)
    return shown


def messenger(handle: str) -> str:
    """'telegram:5120093311' -> 'Telegram 5120093311': the network by its name, then the chat."""
    network, _colon, chat = handle.partition(":")
    return f"{network.capitalize()} {chat}" if chat else handle


def local_time(moment: datetime, tz: ZoneInfo, fmt: str = f"{NUMERIC_DATE} {TIME}") -> str:
    """``moment`` in the user's time zone, in a numeric ``fmt`` (no month or weekday names: those
    are the language's, see ``long_date`` and ``weekday``)."""
    return moment.astimezone(tz).strftime(fmt)


def _babel(day: date, pattern: str) -> str:
    from babel.dates import format_date  # CLDR data: loaded when a name is first wanted

    return format_date(day, pattern, locale=current_locale())


def long_date(day: date) -> str:
    """'5 декабря 2026' (month in the genitive) or '5 December 2026'."""
    return _babel(day, "d MMMM y")


def weekday(day: date, *, short: bool = True) -> str:
    """'пт' or 'Fri'; with ``short=False`` 'пятница' or 'Friday'."""
    return _babel(day, "EEE" if short else "EEEE")


def month_of_year(year: int, month: int) -> str:
    """'декабрь 2026' (the month named on its own, in the nominative) or 'December 2026'."""
    return _babel(date(year, month, 1), "LLLL y")


def year_month(text: str) -> str:
    """A report's month key '2026-12' as ``month_of_year`` writes it; other text as it is."""
    year, dash, month = text.partition("-")
    if dash and year.isdigit() and month.isdigit() and 1 <= int(month) <= 12:
        return month_of_year(int(year), int(month))
    return text


def relative_day(day: date, today: date) -> str:
    """'сегодня', 'вчера', 'завтра' (today, yesterday, tomorrow), else ``long_date``."""
    words = {0: _("today"), -1: _("yesterday"), 1: _("tomorrow")}
    return words.get((day - today).days) or long_date(day)


def day_time(moment: datetime, now: datetime, tz: ZoneInfo) -> str:
    """When something happens, as a person on the desk reads it, in the user's time zone:
    'сегодня 15:30', 'вчера 09:10', 'завтра 09:00'; another day '05.12 15:30', another year
    '05.12.2025 15:30'."""
    local, today = moment.astimezone(tz), now.astimezone(tz).date()
    clock = local.strftime(TIME)
    near = _NEAR_DAYS.get((local.date() - today).days)
    if near is not None:
        return _(near).format(time=clock)
    day = local.strftime(NUMERIC_DAY if local.year == today.year else NUMERIC_DATE)
    return f"{day} {clock}"


def day_time_width() -> int:
    """Cells for a column of ``day_time`` this year in the language in force ('yesterday 16:30'
    is wider than 'вчера 16:30' and '05.12 15:30')."""
    clock = "00:00"
    return max(len(f"00.00 {clock}"), *(len(_(near).format(time=clock)) for near in _NEAR_DAYS.values()))


def document_amount(kopecks: int) -> str:
    """An amount as a Russian document writes it, whatever the interface's language:
    '1 200 000,50' (groups by a no-break space, a decimal comma, always the kopecks)."""
    sign = "-" if kopecks < 0 else ""
    rubles, kop = divmod(abs(kopecks), 100)
    return f"{sign}{rubles:,}".replace(",", "\u00a0") + f",{kop:02d}"


def plain_quantity(milli: int) -> str:
    """A quantity kept in thousandths as a plain number: '10', '2.5', '0.125' (a point, no groups:
    what ``--json`` and the audit trail carry)."""
    whole, rest = divmod(abs(milli), 1000)
    text = f"{'-' if milli < 0 else ''}{whole}"
    return text + (f".{rest:03d}".rstrip("0") if rest else "")


def quantity(milli: int) -> str:
    """A quantity as the language in force writes it: '10', '2,5' in Russian, '2.5' in English."""
    return plain_quantity(milli).replace(".", DECIMAL.get(current_locale(), "."))


def document_quantity(milli: int) -> str:
    """A quantity as a Russian document writes it whatever the interface's language: '10', '2,5'."""
    return plain_quantity(milli).replace(".", ",")


def document_date(day: date) -> str:
    """A date as a Russian document writes it: '5 декабря 2026 г.' (the documents are Russian
    whatever the interface's language: they go to Russian counterparties and banks)."""
    from babel.dates import format_date

    return format_date(day, "d MMMM y", locale="ru") + " г."
