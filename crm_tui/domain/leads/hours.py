"""The team's working hours: who is working now (routing takes turns among them) and when a
request's answer is due (so many *working* minutes after it came in).

One setting, ``leads.working_hours``: the team's days and hours in its time zone, and, for a
colleague who works other hours (another city, a part-time manager), their own by user id. A
request at 23:40 on Friday is due 15 minutes after Monday's start, not at 23:55.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.orm import Session

from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.settings import get_setting, put_setting
from crm_tui.i18n import N_

HOURS_KEY = "leads.working_hours"
RESPONSE_KEY = "leads.response_minutes"
DEFAULT_RESPONSE_MINUTES = 15
DEFAULT_ZONE = "Europe/Moscow"


@dataclass(frozen=True)
class Hours:
    """Working days (0 = Monday) from ``start`` to ``end`` in ``tz``."""

    tz: ZoneInfo
    days: frozenset[int]
    start: time
    end: time

    def as_json(self) -> dict[str, Any]:
        return {
            "tz": self.tz.key,
            "days": sorted(self.days),
            "start": self.start.strftime("%H:%M"),
            "end": self.end.strftime("%H:%M"),
        }


TEAM_DEFAULT = Hours(ZoneInfo(DEFAULT_ZONE), frozenset(range(5)), time(9, 0), time(18, 0))


def _clock_time(text: object, fallback: time) -> time:
    if not isinstance(text, str):
        return fallback
    hour, _, minute = text.partition(":")
    try:
        return time(int(hour), int(minute or 0))
    except ValueError:
        return fallback


def _hours(stored: object, fallback: Hours) -> Hours:
    if not isinstance(stored, Mapping):
        return fallback
    try:
        tz = ZoneInfo(str(stored.get("tz", fallback.tz.key)))
    except (ZoneInfoNotFoundError, ValueError):
        tz = fallback.tz
    days = stored.get("days")
    chosen = (
        frozenset(d for d in days if isinstance(d, int) and 0 <= d <= 6) if isinstance(days, list) else None
    )
    return Hours(
        tz,
        fallback.days if chosen is None else chosen,
        _clock_time(stored.get("start"), fallback.start),
        _clock_time(stored.get("end"), fallback.end),
    )


@dataclass(frozen=True)
class TeamHours:
    team: Hours
    people: Mapping[int, Hours]

    def of(self, user_id: int | None) -> Hours:
        return self.people.get(user_id, self.team) if user_id is not None else self.team


def team_hours(session: Session) -> TeamHours:
    return hours_of(get_setting(session, HOURS_KEY, {}))


def hours_of(stored: object) -> TeamHours:
    """The team's hours from the stored setting (``HOURS_KEY``), however it was left."""
    stored = stored if isinstance(stored, Mapping) else {}
    team = _hours(stored.get("team"), TEAM_DEFAULT)
    people_stored = stored.get("people")
    people: dict[int, Hours] = {}
    if isinstance(people_stored, Mapping):
        for key, value in people_stored.items():
            if str(key).isdigit():
                people[int(key)] = _hours(value, team)
    return TeamHours(team, people)


def _typed_time(text: str) -> time | None:
    """``09:00`` or ``9`` as a time of day; empty: None; anything else is refused."""
    if not text.strip():
        return None
    hour, _, minute = text.strip().partition(":")
    if hour.isdigit() and (not minute or minute.isdigit()) and int(hour) < 24 and int(minute or 0) < 60:
        return time(int(hour), int(minute or 0))
    raise InvalidInput("leads.hours_time", N_("{text!r} is not a time of day like 09:00"), text=text)


def read_hours(start: str, end: str, days: str, zone: str, fallback: Hours) -> Hours:
    """Hours as an admin types them (``09:00``, ``18:00``, ``1-5`` or ``1,2,3``, an IANA zone);
    empty keeps ``fallback``'s. Days are 1 (Monday) to 7."""
    try:
        tz = ZoneInfo(zone.strip()) if zone.strip() else fallback.tz
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInput(
            "leads.hours_zone",
            N_("tz: unknown time zone {name!r}: use an IANA name like Europe/Moscow"),
            name=zone,
        ) from None
    chosen = set(fallback.days)
    if days.strip():
        chosen = set()
        for part in days.replace(" ", "").split(","):
            first, _, last = part.partition("-")
            if not first.isdigit() or (last and not last.isdigit()):
                raise InvalidInput(
                    "leads.hours_days", N_("days: {text!r} is not a list of days 1-7"), text=days
                )
            for day in range(int(first), int(last or first) + 1):
                if not 1 <= day <= 7:
                    raise InvalidInput(
                        "leads.hours_days", N_("days: {text!r} is not a list of days 1-7"), text=days
                    )
                chosen.add(day - 1)
    opening = _typed_time(start) or fallback.start
    closing = _typed_time(end) or fallback.end
    if closing <= opening:
        raise InvalidInput("leads.hours_order", N_("the working day must end after it starts"))
    return Hours(tz, frozenset(chosen), opening, closing)


def save_hours(
    session: Session, hours: Hours, *, user_id: int | None, at: datetime, person: int | None = None
) -> None:
    stored = get_setting(session, HOURS_KEY, {})
    stored = dict(stored) if isinstance(stored, Mapping) else {}
    if person is None:
        stored["team"] = hours.as_json()
    else:
        people = dict(stored.get("people") or {})
        people[str(person)] = hours.as_json()
        stored["people"] = people
    put_setting(session, HOURS_KEY, stored, at=at, user_id=user_id)


def is_working(hours: Hours, moment: datetime) -> bool:
    local = moment.astimezone(hours.tz)
    return local.weekday() in hours.days and hours.start <= local.time() < hours.end


def add_working_minutes(hours: Hours, moment: datetime, minutes: int) -> datetime:
    """``minutes`` of working time after ``moment``: time outside the working hours does not
    count. Without any working day the minutes are plain ones."""
    if not hours.days:
        return moment + timedelta(minutes=minutes)
    local = moment.astimezone(hours.tz)
    left = timedelta(minutes=max(0, minutes))
    for _ in range(400):
        day = local.date()
        opening = datetime.combine(day, hours.start, tzinfo=hours.tz)
        closing = datetime.combine(day, hours.end, tzinfo=hours.tz)
        if local.weekday() in hours.days and local < closing:
            local = max(local, opening)
            if local + left <= closing:
                return (local + left).astimezone(moment.tzinfo)
            left -= closing - local
        local = datetime.combine(day + timedelta(days=1), hours.start, tzinfo=hours.tz)
    return moment + timedelta(minutes=minutes)  # pragma: no cover - 400 days without work


def response_minutes(session: Session, per_source: int | None) -> int:
    """The source's own response time, else the team's (15 minutes unless set)."""
    if per_source is not None and per_source > 0:
        return per_source
    return minutes_of(get_setting(session, RESPONSE_KEY, DEFAULT_RESPONSE_MINUTES))


def minutes_of(stored: object) -> int:
    """The team's answer time from the stored setting (``RESPONSE_KEY``): 15 unless set."""
    return stored if isinstance(stored, int) and stored > 0 else DEFAULT_RESPONSE_MINUTES


@dataclass(frozen=True)
class HoursShown:
    team: Hours
    people: dict[str, Hours]
    response_minutes: int


def show_hours(session: Session) -> HoursShown:
    from sqlalchemy import select

    from crm_tui.storage.models import users

    hours = team_hours(session)
    logins = dict(session.execute(select(users.c.id, users.c.login)).all())
    people = {str(logins.get(uid, uid)): h for uid, h in hours.people.items()}
    return HoursShown(hours.team, people, response_minutes(session, None))


def set_hours(
    session: Session,
    *,
    start: str,
    end: str,
    days: str,
    zone: str,
    person: int | None,
    minutes: int | None,
    user_id: int | None,
    at: datetime,
) -> Hours:
    """The team's (or one person's) working hours from what an admin typed, and the default
    response time; the caller has checked the right (``Capability.CONFIGURE_LEADS``)."""
    current = team_hours(session)
    hours = read_hours(start, end, days, zone, current.of(person))
    save_hours(session, hours, user_id=user_id, at=at, person=person)
    if minutes is not None:
        if not 1 <= minutes <= 10_000:
            raise InvalidInput("leads.minutes", N_("minutes: from 1 to 10000"), field="minutes")
        put_setting(session, RESPONSE_KEY, minutes, at=at, user_id=user_id)
    return hours
