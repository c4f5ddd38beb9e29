"""How money, phones and times read to a person; shared by screens and the CLI."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def money(kopecks: int, *, with_kopecks: bool = False) -> str:
    """1234567890 -> '12 345 678 ₽' (narrow no-break spaces as Russian typography has them)."""
    sign = "-" if kopecks < 0 else ""
    rubles, kop = divmod(abs(kopecks), 100)
    text = f"{rubles:,}".replace(",", "\u202f")
    if with_kopecks:
        text += f",{kop:02d}"
    return f"{sign}{text} ₽"


def phone(e164: str) -> str:
    """+79151234567 -> '+7 915 123-45-67'; other numbers are shown as stored."""
    if e164.startswith("+7") and len(e164) == 12 and e164[1:].isdigit():
        d = e164[2:]
        return f"+7 {d[:3]} {d[3:6]}-{d[6:8]}-{d[8:]}"
    return e164


def local_time(moment: datetime, tz: ZoneInfo, fmt: str = "%d.%m.%Y %H:%M") -> str:
    return moment.astimezone(tz).strftime(fmt)
