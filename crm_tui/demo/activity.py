"""Deals, interactions and tasks as rows, drawn in batches so a million of them never sit in memory.

Times follow the client's life: nothing happens to a client before it was created, deals close
after they open, touches fall in Moscow office hours on weekdays (mostly), and the days around
``now`` are full so the desk has something to show on the day the demo is built.
"""

from __future__ import annotations

import math
import random
from bisect import bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate
from typing import Any

from crm_tui.demo import phrases as p
from crm_tui.demo import vocabulary as v
from crm_tui.demo.phrases import Phrases
from crm_tui.demo.plan import LOST, OPEN_STAGES, WON, Book, UserPlan
from crm_tui.domain.values.folding import fold
from crm_tui.storage.models import DealStatus, Direction, TaskStatus

Row = dict[str, Any]
DAY = timedelta(days=1)
OFFICE_OPENS_UTC = 6 * 3600  # 09:00 in Moscow; the office day is ten hours
HISTORY = timedelta(days=183)  # interactions and tasks reach back about six months
LATE = timedelta(minutes=20)  # an overdue task is at least this late
AMOUNT_RANGE = (15_000, 6_000_000)  # rubles, drawn log-uniformly: many small deals, a few big ones


@dataclass(frozen=True)
class Frame:
    """What every generator shares: the moment the base is built for and the pipeline."""

    now: datetime
    month_start: datetime
    pipeline_id: int
    stage_ids: tuple[int, ...]  # by position: new .. awaiting_payment, won, lost


def month_start(now: datetime) -> datetime:
    return now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _office_ts(rand: Callable[[], float], ts: float, not_after: float) -> float:
    """``ts``'s day at a random minute of a Moscow working day; weekends mostly move to Friday."""
    day = ts - ts % 86_400
    weekday = (int(day // 86_400) + 3) % 7  # 1 January 1970 was a Thursday
    if weekday >= 5 and rand() < 0.85:
        day -= (weekday - 4) * 86_400
    at = day + OFFICE_OPENS_UTC + 60 * int(rand() * 600)
    if at > not_after:
        at = not_after - 60 * (1 + int(rand() * 90))
    return at


def office_hours(rng: random.Random, moment: datetime, not_after: datetime) -> datetime:
    at = _office_ts(rng.random, moment.timestamp(), not_after.timestamp())
    return datetime.fromtimestamp(at, UTC)


def _amount(rng: random.Random) -> int:
    low, high = AMOUNT_RANGE
    rubles = round(math.exp(rng.uniform(math.log(low), math.log(high))), -2)
    kopecks = rng.choice((0, 0, 0, 0, 0, 50, 90, rng.randint(1, 99)))
    return int(rubles) * 100 + kopecks


def _title(rng: random.Random, city: str, said: Phrases) -> str:
    pick = rng.random()
    if pick < 0.45:
        return said[p.SUPPLY].format(product=said[rng.choice(p.PRODUCTS)])
    if pick < 0.6:
        return said[p.SUPPLY_IN_QUARTER].format(
            product=said[rng.choice(p.PRODUCTS)], quarter=rng.randint(1, 4)
        )
    if pick < 0.7:
        return said[p.TENDER].format(product=said[rng.choice(p.PRODUCTS)])
    if pick < 0.85:
        return said[rng.choice(p.SERVICES)]
    return f"{said[rng.choice(p.SERVICES)]}, {city}"


@dataclass
class Sales:
    """Won amounts per owner, so monthly targets match what each person really sells; and every
    won deal (client index, when, amount), which the sales history starts from."""

    last_months: dict[int, int] = field(default_factory=dict)  # over HISTORY
    this_month: dict[int, int] = field(default_factory=dict)
    won: list[tuple[int, datetime, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Words:
    """What deals, touches and tasks are written with: the demo's phrases and the base's lost
    reasons, in the base's language."""

    said: Phrases
    lost_reasons: Sequence[str]
    reason_weights: Sequence[float]


REASON_WEIGHTS = (30, 25, 14, 15, 6, 10)
"""How often deals are lost for each shipped reason (price, a competitor, no budget, no response,
not our client, postponed): price and competitors first, as a head of sales sees it."""


def words_for(said: Phrases, lost_reasons: Sequence[str]) -> Words:
    weights = REASON_WEIGHTS if len(lost_reasons) == len(REASON_WEIGHTS) else (1,) * len(lost_reasons)
    return Words(said, tuple(lost_reasons), tuple(float(w) for w in weights))


def deal_rows(
    rng: random.Random, book: Book, frame: Frame, base_id: int, sales: Sales, batch: int, words: Words
) -> Iterator[list[Row]]:
    """Rows for ``book.deals`` in order, tallying won amounts into ``sales``."""
    now = frame.now
    rows: list[Row] = []
    for k, (index, outcome, fresh) in enumerate(book.deals):
        client_created = book.created[index]
        window = min(now - client_created, 365 * DAY)
        amount = _amount(rng)
        closed: datetime | None = None
        next_action: datetime | None = None
        if outcome < OPEN_STAGES:
            reach = min(window, (10 if fresh else 120) * DAY)
            created = now - timedelta(seconds=rng.uniform(3600, max(reach.total_seconds(), 7200)))
            created = max(created, client_created)
            entered = created if outcome == 0 else created + (now - created) * rng.uniform(0.2, 1.0)
            expected = (now + timedelta(days=rng.randint(3, 75))).date()
            if rng.random() < 0.75:
                next_action = now + timedelta(hours=rng.uniform(-72, 14 * 24))
            status = DealStatus.OPEN
        else:
            if fresh:
                closed = frame.month_start + (now - frame.month_start) * rng.uniform(0.05, 0.95)
            else:
                closed = now - window * rng.random()
            created = max(closed - timedelta(days=rng.uniform(2, 75)), client_created)
            entered = closed
            expected = closed.date()
            status = DealStatus.WON if outcome == WON else DealStatus.LOST
        owner = book.owner[index]
        if outcome == WON and closed is not None:
            sales.won.append((index, closed, amount))
        if outcome == WON and owner is not None and closed is not None:
            if now - closed < HISTORY:
                sales.last_months[owner] = sales.last_months.get(owner, 0) + amount
            if closed >= frame.month_start:
                sales.this_month[owner] = sales.this_month.get(owner, 0) + amount
        title = _title(rng, book.city[index].name, words.said)
        rows.append(
            {
                "id": base_id + 1 + k,
                "client_id": book.client_id(index),
                "owner_id": owner,
                "pipeline_id": frame.pipeline_id,
                "stage_id": frame.stage_ids[outcome],
                "title": title,
                "title_key": fold(title),
                "amount": amount,
                "expected_close": expected,
                "next_action_at": next_action,
                "status": status.value,
                "lost_reason": rng.choices(words.lost_reasons, words.reason_weights)[0]
                if outcome == LOST and words.lost_reasons
                else None,
                # how far it got: a lost deal was lost from one of the open stages
                "furthest_position": k % WON if outcome == LOST else outcome,
                "stage_entered_at": entered,
                "closed_at": closed,
                "created_at": created,
                "updated_at": closed or entered,
                "version": 1,
            }
        )
        if len(rows) >= batch:
            yield rows
            rows = []
    if rows:
        yield rows


KINDS = ("call", "email", "message", "meeting", "note")
KIND_WEIGHTS = (40, 25, 15, 8, 12)
_KIND_CUM = tuple(accumulate(KIND_WEIGHTS))
_CHANNELS: dict[str, tuple[str | None, ...]] = {
    "call": ("phone",),
    "email": ("email",),
    "message": v.MESSENGERS,
    "meeting": (None,),
    "note": (None,),
}
_SUMMARIES = {
    **{(kind, Direction.INBOUND.value): texts for kind, texts in p.INBOUND.items()},
    **{(kind, Direction.OUTBOUND.value): texts for kind, texts in p.OUTBOUND.items()},
    ("note", Direction.INTERNAL.value): p.NOTES,
}
_MEETING_LENGTHS = (1800, 2700, 3600, 5400)
MISSED_BELOW = 105


def _pick_client(rng: random.Random, book: Book) -> int:
    if book.engaged and rng.random() < 0.7:
        return book.engaged[int(len(book.engaged) * rng.random() ** 1.6)]
    return rng.randrange(len(book.owner))


def interaction_rows(
    rng: random.Random, book: Book, frame: Frame, login_id: int, total: int, batch: int, said: Phrases
) -> Iterator[list[Row]]:
    """``total`` touches over the last six months, the login's newest inbound ones first.

    This is the million-row loop of the large base, so it works on epoch seconds and draws
    with ``random()`` directly rather than through ``choice``/``choices``.
    """
    rand = rng.random
    now_ts = frame.now.timestamp()
    history = HISTORY.total_seconds()
    born = [c.timestamp() for c in book.created]
    owners, contacts, deals_of, base = book.owner, book.contacts, book.deals_of, book.base_id + 1
    engaged, kinds_total = book.engaged, _KIND_CUM[-1]

    def row(index: int, at: float, kind: str, direction: str) -> Row:
        summaries = _SUMMARIES[kind, direction]
        channels = _CHANNELS[kind]
        if kind == "call":
            lasted = 15 + int(rand() * 885)
            missed = direction == Direction.INBOUND.value and lasted < MISSED_BELOW
            duration: int | None = (
                None if missed else lasted
            )  # about one inbound call in ten nobody took: the calls report's missed
        elif kind == "meeting":
            duration = _MEETING_LENGTHS[int(rand() * 4)]
        else:
            duration = None
        deals = deals_of.get(index)
        people = contacts[index]
        moment = datetime.fromtimestamp(at, UTC)
        return {
            "kind": kind,
            "direction": direction,
            "channel": channels[int(rand() * len(channels))],
            "occurred_at": moment,
            "duration_s": duration,
            "summary": said[summaries[int(rand() * len(summaries))]],
            "client_id": base + index,
            "deal_id": deals[int(rand() * len(deals))] if deals and rand() < 0.6 else None,
            "contact_id": people[int(rand() * len(people))] if people and kind != "note" else None,
            "user_id": owners[index],
            "created_at": moment,
        }

    rows: list[Row] = []
    mine = book.by_owner.get(login_id, [])
    showcase = min(total, 8 if mine else 0)
    for n in range(showcase):
        index = mine[(n * 7) % len(mine)]
        at = _office_ts(rand, now_ts - 60 * (5 + int(rand() * 36 * 60)), now_ts)
        rows.append(row(index, at, ("call", "email", "message", "call")[n % 4], Direction.INBOUND.value))
    for _ in range(total - showcase):
        if engaged and rand() < 0.7:
            index = engaged[int(len(engaged) * rand() ** 1.6)]
        else:
            index = int(len(owners) * rand())
        start = born[index]
        at = max(_office_ts(rand, now_ts - min(now_ts - start, history) * rand(), now_ts), start)
        kind = KINDS[bisect_right(_KIND_CUM, rand() * kinds_total)]
        if kind == "note":
            direction = Direction.INTERNAL.value
        elif owners[index] is None or rand() < (0.15 if kind == "meeting" else 0.4):
            direction = Direction.INBOUND.value
        else:
            direction = Direction.OUTBOUND.value
        rows.append(row(index, at, kind, direction))
        if len(rows) >= batch:
            yield rows
            rows = []
    if rows:
        yield rows


def _task(
    rng: random.Random,
    book: Book,
    index: int,
    assignee: int,
    due: datetime,
    status: TaskStatus,
    now: datetime,
    said: Phrases,
) -> Row:
    kind, title = rng.choice(p.TASKS)
    open_deals = book.open_deals_of.get(index)
    created = min(due, now) - timedelta(hours=rng.uniform(1, 7 * 24))
    completed: datetime | None = None
    result: str | None = None
    if status is TaskStatus.DONE:
        completed = min(now, max(created, due + timedelta(hours=rng.uniform(-48, 24))))
        result = said[rng.choice(p.TASK_RESULTS)]
    elif status is TaskStatus.CANCELLED:
        result = said[p.CANCELLED]
    return {
        "title": said[title],
        "kind": kind,
        "due_at": due,
        "assignee_id": assignee,
        "client_id": book.client_id(index),
        "deal_id": rng.choice(open_deals) if open_deals and rng.random() < 0.6 else None,
        "status": status.value,
        "result": result,
        "completed_at": completed,
        "created_by_id": assignee,
        "created_at": created,
        "version": 1,
    }


def task_rows(
    rng: random.Random,
    book: Book,
    frame: Frame,
    team: list[UserPlan],
    login_id: int,
    total: int,
    batch: int,
    said: Phrases,
) -> Iterator[list[Row]]:
    """Every seller gets tasks overdue and due today; the rest is history and plans."""
    now = frame.now
    rows: list[Row] = []
    sellers = [u.id for u in team if book.by_owner.get(u.id)]
    for user_id in sellers:
        mine = book.by_owner[user_id]
        overdue, today = (4, 5) if user_id == login_id else (rng.randint(2, 4), rng.randint(2, 4))
        for _ in range(overdue):
            due = office_hours(
                rng, now - timedelta(hours=rng.uniform(1, 24 * 6)), now - timedelta(minutes=20)
            )
            rows.append(_task(rng, book, rng.choice(mine), user_id, due, TaskStatus.OPEN, now, said))
        for n in range(today):
            # The first ones within the hour: "today" must hold in any time zone the demo opens in.
            due = now + timedelta(minutes=rng.randint(5, 50) if n < 2 else rng.randint(50, 240))
            rows.append(_task(rng, book, rng.choice(mine), user_id, due, TaskStatus.OPEN, now, said))
    rows = rows[:total]
    for _ in range(total - len(rows)):
        index = _pick_client(rng, book)
        assignee = book.owner[index]
        while assignee is None:
            index = _pick_client(rng, book)
            assignee = book.owner[index]
        pick = rng.random()
        if pick < 0.62:
            status, due = TaskStatus.DONE, office_hours(rng, now - HISTORY * rng.random(), now)
        elif pick < 0.67:
            status, due = TaskStatus.CANCELLED, office_hours(rng, now - HISTORY * rng.random(), now)
        elif pick < 0.97:
            due = office_hours(rng, now + timedelta(days=rng.uniform(1, 30)), now + 40 * DAY)
            status, due = TaskStatus.OPEN, due if due > now + DAY else due + 3 * DAY
        else:
            due = office_hours(
                rng, now - timedelta(hours=rng.uniform(1, 24 * 10)), now - timedelta(minutes=20)
            )
            status = TaskStatus.OPEN
        rows.append(_task(rng, book, index, assignee, due, status, now, said))
        if len(rows) >= batch:
            yield rows
            rows = []
    if rows:
        yield rows
