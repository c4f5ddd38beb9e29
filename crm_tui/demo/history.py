"""The demo's sales history and client portraits: what makes segments and completeness read as a
real team's do.

**Sales.** Every client that won a deal is a customer of the trade system: each won deal is a
sale, and between them the customer reorders at its own rhythm (every few weeks to a few
months). Some customers still buy (their last sale is recent: loyal, seed 000), others stopped
a while ago (lost); clients who never bought are lost too, and open proposals and invoices make
clients warm. The segments are then recomputed by the app's own rules
(``domain.segments.recompute``), so the demo shows what the rules make of such a history.

**Portraits.** Managers differ: some describe nearly every client (headcount, market segment,
turnover, how conflict-prone), others hardly any, so the completeness report has people above
80% and people far below it, as seed 000 expects a head of sales to find.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from crm_tui.demo import phrases as p
from crm_tui.demo.activity import Sales
from crm_tui.demo.phrases import Phrases
from crm_tui.demo.plan import Book, UserPlan
from crm_tui.demo.writing import write_batches
from crm_tui.domain.base_language import base_language
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.deals.funnel_setup import active_lost_reasons
from crm_tui.domain.portrait.fields import portrait_fields
from crm_tui.domain.segments.recompute import recompute_segments
from crm_tui.domain.workspace import open_workspace
from crm_tui.storage.database import read_session
from crm_tui.storage.models import ClientKind, DocumentKind, FieldKind, field_values, sales_documents

Row = dict[str, Any]
BATCH = 5_000
HISTORY_DAYS = 540
"""How far back the trade system's journal goes (a year and a half)."""
STILL_BUYING = 0.6
"""Share of customers who still buy; the others stopped some time ago."""
RHYTHM_DAYS = (50.0, 0.45, 14.0, 150.0)
"""A customer's usual days between purchases: log-normal (median, sigma), clipped to a range."""
DILIGENCE = (0.98, 0.95, 0.9, 0.75, 0.55, 0.4, 0.25, 0.12)
"""How likely each seller is to have filled a client's portrait field: a few thorough ones,
a few who hardly ever do; dealt out to the sellers at random."""
UNOWNED_DILIGENCE = 0.1


def _rhythm(rng: random.Random) -> float:
    median, sigma, low, high = RHYTHM_DAYS
    return min(high, max(low, rng.lognormvariate(math.log(median), sigma)))


def _purchases(rng: random.Random, book: Book, sales: Sales, now: datetime) -> list[tuple[date, int, int]]:
    """``(day, client index, kopecks)`` of every purchase, oldest first."""
    won: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    for index, closed, amount in sales.won:
        won[index].append((closed, amount))
    start = now - timedelta(days=HISTORY_DAYS)
    found: list[tuple[date, int, int]] = []
    for index in sorted(won):
        deals = won[index]
        rhythm = _rhythm(rng)
        typical = sorted(a for _, a in deals)[len(deals) // 2]
        latest = max(closed for closed, _ in deals)
        if rng.random() < STILL_BUYING:
            last = now - timedelta(days=rng.uniform(0, 1.2 * rhythm))
        else:
            last = now - timedelta(days=rng.uniform(1.6 * rhythm, 4 * rhythm))
        last = max(last, latest)
        first = max(start, book.created[index])
        days = {closed.date(): amount for closed, amount in deals}
        moment = last
        while moment > first:
            day = moment.date()
            if day not in days:
                reorder = typical * rng.lognormvariate(math.log(0.35), 0.6)
                days[day] = max(
                    500_000, int(round(reorder, -4))
                )  # whole hundreds of roubles, 5 000 ₽ or more
            moment -= timedelta(days=rhythm * rng.uniform(0.6, 1.4))
        found += [(day, index, amount) for day, amount in days.items() if start.date() <= day <= now.date()]
    found.sort()
    return found


def document_rows(
    rng: random.Random, book: Book, sales: Sales, now: datetime, said: Phrases, batch: int
) -> Iterator[list[Row]]:
    """The trade system's sales («Реализации») of every purchase, numbered per year as 1C does."""
    prefix, source = said[p.DOCUMENT_PREFIX], said[p.HISTORY_FILE]
    numbers: dict[int, int] = defaultdict(int)
    rows: list[Row] = []
    for line, (day, index, amount) in enumerate(_purchases(rng, book, sales, now), start=1):
        numbers[day.year] += 1
        name, inn = book.names[index]
        rows.append(
            {
                "kind": DocumentKind.SALE.value,
                "number": f"{prefix}00-{numbers[day.year]:06d}",
                "doc_year": day.year,
                "doc_date": day,
                "client_id": book.client_id(index),
                "client_name": name,
                "inn": inn,
                "amount": amount,
                "paid": None,
                "file": source,
                "row": line,
                "updated_at": now,
            }
        )
        if len(rows) >= batch:
            yield rows
            rows = []
    if rows:
        yield rows


@dataclass(frozen=True)
class PortraitField:
    id: int
    key: str
    kind: str
    choices: tuple[str, ...]
    required: bool


def _value(rng: random.Random, field: PortraitField, person: bool) -> object | None:
    """A plausible value of ``field`` for one client (None: a field the demo leaves alone)."""
    if field.key == "headcount" or (field.kind == FieldKind.NUMBER and field.key != "annual_turnover"):
        return 1 if person else int(min(3000, max(3, rng.lognormvariate(math.log(40), 1.1))))
    if field.kind == FieldKind.MONEY:
        rubles = rng.lognormvariate(math.log(60_000_000), 1.3)
        return int(round(rubles, -5)) * 100
    if field.kind == FieldKind.CHOICE and field.choices:
        weights = (6, 3, 1) if field.key == "conflict_level" and len(field.choices) == 3 else None
        return rng.choices(field.choices, weights)[0]
    if field.kind == FieldKind.MULTI and field.choices:
        return sorted(rng.sample(field.choices, rng.randint(1, min(2, len(field.choices)))))
    if field.kind == FieldKind.BOOL:
        return rng.random() < 0.5
    return None


def portrait_rows(
    rng: random.Random,
    book: Book,
    team: Sequence[UserPlan],
    fields: Sequence[PortraitField],
    batch: int,
) -> Iterator[list[Row]]:
    """Portrait values of every client, as thoroughly as its owner fills them in."""
    sellers = [u.id for u in team if u.weight > 0]
    dealt = [DILIGENCE[n % len(DILIGENCE)] for n in range(len(sellers))]
    rng.shuffle(dealt)
    diligence = dict(zip(sellers, dealt, strict=True))
    rows: list[Row] = []
    for index, owner in enumerate(book.owner):
        care = diligence.get(owner, UNOWNED_DILIGENCE) if owner is not None else UNOWNED_DILIGENCE
        person = book.kinds[index] == ClientKind.PERSON.value
        for field in fields:
            if rng.random() >= (care if field.required else care * 0.6):
                continue
            value = _value(rng, field, person)
            if value is not None:
                rows.append({"client_id": book.client_id(index), "field_id": field.id, "value": value})
        if len(rows) >= batch:
            yield rows
            rows = []
    if rows:
        yield rows


@dataclass(frozen=True)
class BaseWords:
    """What the base is written in: its language's demo phrases, its lost reasons and its
    portrait's fields (all in the base's language: the demo adds no words of another)."""

    said: Phrases
    lost_reasons: list[str]
    fields: list[PortraitField]


def base_words(engine: Engine) -> BaseWords:
    with read_session(engine) as session:
        said = Phrases(base_language(session))
        reasons = active_lost_reasons(session)
        fields = [
            PortraitField(f.id, f.key, f.kind, tuple(f.choices), f.required) for f in portrait_fields(session)
        ]
    return BaseWords(said, reasons, fields)


def write_history(
    engine: Engine,
    book: Book,
    team: Sequence[UserPlan],
    sales: Sales,
    base: BaseWords,
    now: datetime,
    sales_rng: random.Random,
    portrait_rng: random.Random,
) -> None:
    write_batches(engine, sales_documents, document_rows(sales_rng, book, sales, now, base.said, BATCH))
    write_batches(engine, field_values, portrait_rows(portrait_rng, book, team, base.fields, BATCH))


def recompute(engine: Engine, login: str, now: datetime) -> None:
    """The segments as the app's rules make them of the history, recomputed as ``login`` (the
    head of sales the demo makes of whoever builds it) at ``now``."""
    ws = open_workspace(engine.url.render_as_string(hide_password=False), login, clock=fixed_clock(now))
    recompute_segments(ws)
