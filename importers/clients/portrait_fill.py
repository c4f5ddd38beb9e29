"""Portrait values from a client file: a new client gets them, an existing one has its empty
ones filled (each fill in the batch's change log, so the undo takes it back), and a value that
differs from the client's is a conflict, as a differing INN or city is."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.imports.mapping import PORTRAIT_PREFIX
from crm_tui.domain.imports.rows import ParsedRow
from crm_tui.i18n import N_, Message
from crm_tui.importers.clients.chunk_writes import ChunkWrites, LoadContext
from crm_tui.storage.models import field_values


def portrait_now(
    session: Session, ctx: LoadContext, targets: dict[int, list[ParsedRow]]
) -> dict[int, dict[str, Any]]:
    """The portrait values the chunk's existing clients have, by key, for the fields the file
    feeds (nothing is read when no column goes to the portrait)."""
    keys = {key for rows in targets.values() for row in rows for key, _ in row.portrait}
    if not keys:
        return {}
    by_id = {ctx.portrait_ids[key]: key for key in keys}
    v = field_values.c
    found: dict[int, dict[str, Any]] = {}
    for client_id, field_id, value in session.execute(
        select(v.client_id, v.field_id, v.value).where(
            v.client_id.in_(sorted(targets)), v.field_id.in_(sorted(by_id))
        )
    ):
        if value is not None:
            found.setdefault(client_id, {})[by_id[field_id]] = value
    return found


def fill_portrait(
    writes: ChunkWrites,
    conflict: Callable[[ParsedRow, Message], None],
    client_id: int,
    row: ParsedRow,
    have: dict[str, Any],
) -> bool:
    """Portrait values an existing client lacks are filled, as its empty requisites are; one it
    has with another value is a conflict for a person to look at. True when one was filled."""
    filled = False
    for key, value in row.portrait:
        old = have.get(key)
        if old is None:
            have[key] = value
            writes.portrait.append(
                {"client_id": client_id, "field_id": writes.ctx.portrait_ids[key], "value": value}
            )
            writes.change("client", client_id, "fill", PORTRAIT_PREFIX + key, None, stored_value(value))
            filled = True
        elif old != value:
            conflict(
                row,
                Message(
                    "row.value_differs",
                    N_("{where}: {field} {value!r} differs from {old!r} of client {client}"),
                    where=row.source.where(),
                    field=PORTRAIT_PREFIX + key,
                    value=stored_value(value),
                    old=stored_value(old),
                    client=client_id,
                ),
            )
    return filled


def stored_value(value: Any) -> str:
    """A portrait value as the batch's change log keeps it (what an undo compares)."""
    return json.dumps(value, ensure_ascii=False)
