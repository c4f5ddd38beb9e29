"""What people did by hand in the demo: lines on open deals (what they sell), tasks a head set
for the region's managers (some done, with their result for the head to read), and a week of
meetings around the demo's "today", so the deal screen, the desk and the week view are not
empty. Rows are written as the rest of the demo is, in batches; nothing is audited."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.engine import Engine

from crm_tui.demo import phrases as p
from crm_tui.demo.plan import Book, UserPlan
from crm_tui.demo.writing import write
from crm_tui.storage.models import DealStatus, Role, TaskKind, TaskStatus, deal_lines, deals, tasks

Row = dict[str, Any]
LINED_SHARE = 0.4
"""The share of open deals that list what they sell."""
MAX_LINED = 20_000
MOSCOW = ZoneInfo("Europe/Moscow")
MEETING_HOURS = (10, 11, 12, 14, 15, 16, 17)
MEETING_TITLES = (
    p.TASKS[3][1],  # "Arrange a meeting" reads as a meeting to hold
    p.TASKS[0][1],
)


def _units(language: str) -> tuple[str, str]:
    return ("шт", "ч") if language == "ru" else ("pcs", "h")


def line_rows(rng: random.Random, engine: Engine, said: p.Phrases) -> list[Row]:
    """Lines splitting exactly the amount of some open deals, so the amount stays their sum."""
    with engine.connect() as conn:
        open_deals = conn.execute(
            select(deals.c.id, deals.c.amount)
            .where(deals.c.status == DealStatus.OPEN.value)
            .order_by(deals.c.id)
        ).all()
    piece, hour = _units(said.language)
    rows: list[Row] = []
    lined = 0
    for deal_id, amount in open_deals:
        if lined >= MAX_LINED or rng.random() > LINED_SHARE or amount < 100_00:
            continue
        lined += 1
        count = rng.randint(1, 3)
        left = amount
        for position in range(1, count + 1):
            service = rng.random() < 0.35
            product = said[rng.choice(p.SERVICES if service else p.PRODUCTS)]
            if position == count:
                quantity, price = 1, left
            else:
                quantity = rng.randint(1, 10)
                price = max(100, (left // (count - position + 1) // quantity) // 10_000 * 10_000)
            total = quantity * price
            left -= total
            rows.append(
                {
                    "deal_id": deal_id,
                    "position": position,
                    "product": product[:1].upper() + product[1:],
                    "quantity_milli": quantity * 1000,
                    "unit": hour if service else piece,
                    "price": price,
                    "vat_rate": None if rng.random() < 0.15 else 20,
                    "total": total,
                }
            )
    return rows


def _task(
    title: str,
    kind: str,
    due: datetime,
    assignee: int,
    setter: int,
    client: int,
    status: TaskStatus,
    result: str | None,
) -> Row:
    done = status is not TaskStatus.OPEN
    return {
        "title": title,
        "kind": kind,
        "due_at": due,
        "assignee_id": assignee,
        "client_id": client,
        "status": status.value,
        "result": result,
        "completed_at": due if done else None,
        "created_by_id": setter,
        "created_at": due - timedelta(days=2),
        "version": 1,
    }


def week_rows(
    rng: random.Random, book: Book, team: list[UserPlan], login_id: int, now: datetime, said: p.Phrases
) -> Iterator[Row]:
    """For every seller: meetings on the working days of the week around ``now`` (held ones done,
    with a result), and tasks their head (for a head, the admin) set them."""
    local = now.astimezone(MOSCOW)
    monday = local.date() - timedelta(days=local.weekday())
    heads = {u.region: u.id for u in team if u.role is Role.HEAD}
    admin = next((u.id for u in team if u.role is Role.ADMIN), login_id)
    for user in team:
        mine = book.by_owner.get(user.id)
        if not mine:
            continue
        setter = admin if user.role is Role.HEAD or user.id == login_id else heads.get(user.region, admin)
        meetings = 6 if user.id == login_id else rng.randint(2, 5)
        for _ in range(meetings):
            day = monday + timedelta(days=rng.randint(0, 4))
            due = datetime.combine(day, time(rng.choice(MEETING_HOURS)), tzinfo=MOSCOW)
            held = due < now
            result = said[rng.choice(p.TASK_RESULTS)] if held else None
            yield _task(
                said[rng.choice(MEETING_TITLES)], TaskKind.MEETING.value, due, user.id,
                user.id if rng.random() < 0.6 else setter, book.client_id(rng.choice(mine)),
                TaskStatus.DONE if held else TaskStatus.OPEN, result,
            )  # fmt: skip
        if setter == user.id:
            continue
        for n in range(3 if user.id == login_id else rng.randint(1, 3)):
            kind, title = rng.choice(p.TASKS)
            due = now + timedelta(hours=rng.choice((-30, -5, 3, 26, 50)) + n)
            done = due < now and rng.random() < 0.7
            result = said[rng.choice(p.TASK_RESULTS)] if done else None
            yield _task(
                said[title], kind, due, user.id, setter, book.client_id(rng.choice(mine)),
                TaskStatus.DONE if done else TaskStatus.OPEN, result,
            )  # fmt: skip


def write_hand_work(
    engine: Engine,
    rng: random.Random,
    book: Book,
    team: list[UserPlan],
    login_id: int,
    now: datetime,
    said: p.Phrases,
) -> int:
    """Write the lines, the colleagues' tasks and the week's meetings; returns the tasks written."""
    lines = line_rows(rng, engine, said)
    week = list(week_rows(rng, book, team, login_id, now, said))
    for start in range(0, len(lines), 5_000):
        write(engine, (deal_lines, lines[start : start + 5_000]))
    write(engine, (tasks, week))
    return len(week)
