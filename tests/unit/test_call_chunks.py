"""A file's calls logged in bulk (``call_chunks``) leave the base exactly as logging them one by
one (``log_call``) does: the same requests, touches, callback and answer tasks, owners, answer
deadlines and first answers, the same audit, and nothing stored twice when the file is read again.

The mixed file has clients' calls (answered, missed twice: one callback task), strangers' first
and later calls (missed, answered by us, our calls out to them before and after their first
call), a number on the junk list (whose request a manager's answer puts in work, so that its next
call is a touch) and one on the drop list, a number seen twice in a chunk under two spellings,
one call twice in the file, a hidden number, an internal call and a start event. Requests are
routed by a rule to a pool in turns, so the order they are made in shows.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.extensions import set_extension
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.interactions.call_events import CallEvent, CallResult, party
from crm_tui.domain.interactions.calls import CallsLogged, log_call, log_calls
from crm_tui.domain.leads.routing import add_route
from crm_tui.domain.leads.setup import add_exclusion, add_source
from crm_tui.domain.workspace import Workspace, open_workspace
from crm_tui.storage.database import dispose_engines
from crm_tui.storage.models import Direction, audit_entries, interactions, lead_addresses, leads, tasks
from crm_tui.storage.tables.base import metadata
from tests.seed import FROZEN_NOW, MOSCOW, seed_team

ANSWERED, MISSED, BUSY = CallResult.ANSWERED, CallResult.MISSED, CallResult.BUSY
IN, OUT, INTERNAL = Direction.INBOUND, Direction.OUTBOUND, Direction.INTERNAL
ROMASHKA, OTHER_CLIENTS = "+74951112233", ("84957654321", "89031234567")
A, B, C = "+79165550101", "+79165550102", "+79165550103"
JUNK, DROP = "+79000000000", "+79000000001"


def _call(
    n: int, number: str, *, result: CallResult = ANSWERED, direction: Direction = IN,
    extension: str | None = "101", final: bool = True, call_id: str | None = None,
) -> CallEvent:  # fmt: skip
    return CallEvent(
        source="asterisk", call_id=call_id or f"1733.{n}", direction=direction,
        started_at=FROZEN_NOW - timedelta(hours=5) + timedelta(minutes=3 * n), other=party(number),
        line="+74990000000", extension=extension, talk_s=61 * n % 400 if result is ANSWERED else 0,
        result=result, recording=f"https://pbx.example/rec/{n}.mp3" if result is ANSWERED else None,
        final=final,
    )  # fmt: skip


EVENTS = [
    _call(1, ROMASHKA),
    _call(2, ROMASHKA, result=MISSED, extension=None),
    _call(3, A, direction=OUT, extension="102"),  # out to a stranger before their first call
    _call(4, A, result=MISSED, extension=None),  # their first call: a request, routed
    _call(5, ROMASHKA, result=MISSED, extension=None),  # the callback task is open already
    _call(6, A, extension="102"),  # answered by us: the request's first answer
    _call(7, B, extension="101"),  # a first call answered: a request answered at once
    _call(8, "8 (916) 555-01-02", result=BUSY, extension=None),  # B again, spelt otherwise
    _call(9, A, extension="101"),  # a second answer: the first stays
    _call(10, OTHER_CLIENTS[0], direction=OUT, extension="102"),
    _call(11, JUNK, result=MISSED, extension=None),  # junk: a closed request
    _call(12, JUNK, result=MISSED, extension=None),  # junk again: another one
    _call(13, JUNK, extension="101"),  # junk answered by us: in work, so open
    _call(14, JUNK, result=MISSED, extension=None),  # a touch of it
    _call(15, DROP, result=MISSED, extension=None),  # dropped: nothing kept
    _call(16, DROP, extension="101"),
    _call(17, "anonymous", result=MISSED),
    _call(18, "102", direction=INTERNAL),
    _call(19, C, final=False),  # a start event: its end logs the call
    _call(19, C, extension="109"),  # an extension nobody has
    _call(20, C, direction=OUT, extension="101"),  # our call back: on C's request
    _call(21, OTHER_CLIENTS[1], result=MISSED, extension=None),
    _call(7, B, extension="101"),  # the same call twice in the file
    _call(22, A, result=MISSED, extension=None),
    _call(23, B, direction=OUT, extension="102"),
    _call(24, OTHER_CLIENTS[1], result=MISSED, extension=None),
    _call(25, "+79165550104", direction=OUT, extension="101"),  # out to nobody known
]


def _setup(ws: Workspace) -> None:
    set_extension(ws, "ivanova", "101")
    set_extension(ws, "petrov", "102")
    add_source(ws, "Городской номер", line="+74990000000", minutes=20)
    add_route(ws, ["ivanova", "petrov"], channel="call")
    add_exclusion(ws, JUNK, action="junk")
    add_exclusion(ws, DROP, action="drop")


def _plain(value: Any) -> Any:
    """A value as both engines give it back: moments in UTC."""
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    return value


def _state(session: Session) -> dict[str, Any]:
    """What the calls left, without the row ids the two paths give out in another order: a call
    by its identity at the PBX, a task by its origin, an audit row by what it is about."""
    touches = dict(session.execute(select(interactions.c.id, interactions.c.external_id)).all())
    origins = {row.id: row.origin for row in session.execute(select(tasks.c.id, tasks.c.origin))}

    def rows(table: Any, *skip: str) -> list[tuple[Any, ...]]:
        columns = [c for c in table.c if c.name not in skip]
        return sorted(
            (tuple((c.name, _plain(v)) for c, v in zip(columns, row, strict=True))
             for row in session.execute(select(*columns))),
            key=repr,
        )  # fmt: skip

    audit = sorted(
        (
            (r.entity, touches.get(r.entity_id) if r.entity == "interaction" else
             origins.get(r.entity_id) if r.entity == "task" else r.entity_id,
             r.action, r.user_id, _plain(r.at), repr(sorted((r.changes or {}).items())))
            for r in session.execute(select(audit_entries))
        ),
        key=repr,
    )  # fmt: skip
    counts = {t.name: session.scalar(select(func.count()).select_from(t)) for t in metadata.sorted_tables}
    return {
        "calls": rows(interactions, "id"),
        "requests": rows(leads),
        "addresses": rows(lead_addresses, "id"),
        "tasks": rows(tasks, "id"),
        "audit": audit,
        "counts": counts,
    }


def _one_by_one(ws: Workspace, events: list[CallEvent]) -> CallsLogged:
    logged = CallsLogged()
    for event in events:
        outcome, called, lead_id = log_call(ws, event)
        logged.outcomes[outcome] += 1
        logged.callbacks += called
        logged.leads += [lead_id] if lead_id is not None else []
    return logged


def _base(url: str) -> Workspace:
    ws = open_workspace(url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    _setup(ws)
    return ws


@pytest.mark.parametrize("chunk", [500, 4])
def test_a_file_logged_in_bulk_leaves_what_one_by_one_leaves(
    chunk: int,
    workspace_for: Callable[[str], Workspace],
    prepared: Callable[[str], Any],
    tmp_path: Path,
) -> None:
    bulk = workspace_for("admin")
    _setup(bulk)
    reference_url = str(tmp_path / "one-by-one.db")
    seed_team(prepared(reference_url))
    one = _base(reference_url)

    first, expected_first = log_calls(bulk, EVENTS, chunk=chunk), _one_by_one(one, EVENTS)
    again, expected_again = log_calls(bulk, EVENTS, chunk=chunk), _one_by_one(one, EVENTS)

    assert first == expected_first and again == expected_again
    assert first.outcomes == Counter(
        {"client": 6, "new request": 6, "dropped": 2, "request": 7, "unknown outbound": 2, "again": 1,
         "anonymous": 1, "internal": 1, "started": 1}
    )  # fmt: skip
    assert again.outcomes["again"] == 20 and again.leads == [] and again.callbacks == 0
    # A file read again logs nothing new: our call out to a stranger before their first call
    # stays unmatched, as it was, not a touch of the request made after it.
    assert again.outcomes == Counter(
        {"again": 20, "dropped": 2, "unknown outbound": 2, "anonymous": 1, "internal": 1, "started": 1}
    ), again.outcomes
    with bulk.read() as session:
        logged = _state(session)
    with one.read() as session:
        wanted = _state(session)
    dispose_engines()
    for part, rows in wanted.items():
        assert logged[part] == rows, part
