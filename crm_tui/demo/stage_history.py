"""The demo's stage history: each deal's way from the first stage to where it is, so that time
in stage (the funnel's medians, `crm report stages`) has stays to count.

Written after the deals, from their rows read back in id order, with a stream of its own: the
other streams draw what they always drew, so a seed builds the same clients, deals and touches
as before the history was added.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from crm_tui.demo.writing import Row, write_batches
from crm_tui.domain.deals.pipelines import StageInfo
from crm_tui.storage.models import DealStatus, deal_stage_changes, deals

READ_BATCH = 5000


def _stay_tenths(start: datetime, end: datetime) -> int:
    return max(0, int((end - start).total_seconds() / 8640))


def _rows(
    engine: Engine, rng: random.Random, stage_list: list[StageInfo], after_id: int, batch: int
) -> Iterator[list[Row]]:
    open_stages = [s for s in stage_list if not s.is_won and not s.is_lost]
    position = {s.id: s.position for s in stage_list}
    d = deals.c
    rows: list[Row] = []
    last = after_id
    while True:
        with engine.connect() as conn:
            found = conn.execute(
                select(
                    d.id,
                    d.owner_id,
                    d.stage_id,
                    d.status,
                    d.furthest_position,
                    d.created_at,
                    d.stage_entered_at,
                    d.closed_at,
                )
                .where(d.id > last)
                .order_by(d.id)
                .limit(READ_BATCH)
            ).all()
        if not found:
            break
        for deal in found:
            last = deal.id
            if deal.status == DealStatus.OPEN.value:
                reached = position[deal.stage_id]
            elif deal.status == DealStatus.WON.value:
                reached = open_stages[-1].position
            else:
                reached = deal.furthest_position
            path = [s.id for s in open_stages if s.position <= reached] or [open_stages[0].id]
            if deal.status != DealStatus.OPEN.value:
                path.append(deal.stage_id)
            end = deal.closed_at or deal.stage_entered_at
            moves = len(path) - 1
            if moves == 0:
                continue
            cuts = sorted(rng.random() for _ in range(moves - 1))
            span = end - deal.created_at
            moments = [deal.created_at + span * c for c in cuts] + [end]
            entered = deal.created_at
            for n in range(moves):
                at = moments[n]
                rows.append(
                    {
                        "deal_id": deal.id,
                        "at": at,
                        "user_id": deal.owner_id,
                        "owner_id": deal.owner_id,
                        "from_stage_id": path[n],
                        "to_stage_id": path[n + 1],
                        "stay_tenths": _stay_tenths(entered, at),
                    }
                )
                entered = at
            if len(rows) >= batch:
                yield rows
                rows = []
    if rows:
        yield rows


def write_stage_history(
    engine: Engine, rng: random.Random, stage_list: list[StageInfo], after_id: int, batch: int
) -> int:
    """The history rows of the deals with ids above ``after_id``; how many were written."""
    return write_batches(engine, deal_stage_changes, _rows(engine, rng, stage_list, after_id, batch))
