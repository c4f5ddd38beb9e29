"""Merging duplicate clients into one, and taking a merge back exactly.

Everything of the merged clients moves to the survivor: every row of every table that points
at a client (contacts, channels, deals, tasks, interactions, provenance, and tables added
later, found through the schema's foreign keys). A channel the survivor already has is dropped
as a repeat. The merge row keeps the clients as they were, the ids of everything moved and
the dropped channels, so ``undo_merge`` can restore both records exactly, unless someone has
changed the survivor since (then it refuses rather than lose that work).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import Column, Date, Table, delete, insert, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.visibility import clients_within
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.audit.changes import change, stale
from crm_tui.domain.clients.search_keys import derived_keys
from crm_tui.domain.errors import InvalidInput, not_found
from crm_tui.domain.field_labels import field_label
from crm_tui.i18n import N_
from crm_tui.storage.models import (
    ChannelKind,
    channels,
    clients,
    field_values,
    merges,
    metadata,
    not_duplicates,
)
from crm_tui.storage.types import UTCDateTime

MERGEABLE = ("name", "kind", "legal_form", "inn", "kpp", "ogrn", "city", "region", "owner_id", "status")
"""Fields a person may take from any of the merged records."""


def _empty(value: object) -> bool:
    return value is None or value == ""


def empty_take(
    name: str, source: int, taken: object, lost: Sequence[tuple[int, object]]
) -> InvalidInput | None:
    """The refusal of taking client ``source``'s empty value ``taken`` of field ``name`` over
    ``lost`` (``(client id, value)`` of the other merged records), or None when nothing filled
    would be lost.

    A merge never trades a filled value for a blank one: a person who asks for it is told,
    rather than losing the INN, KPP or OGRN (or the city) of the record merged away. One rule
    for the merge itself and for the review screen's take key, which asks before the merge."""
    if not _empty(taken):
        return None
    filled = [(client, value) for client, value in lost if not _empty(value)]
    if not filled:
        return None
    client, value = filled[0]
    return InvalidInput(
        "merge.take_empty",
        N_("client {source} has no {field}; taking it would lose {value} of client {client}"),
        source=source,
        field=field_label(name),
        client=client,
        value=value,
    )


@dataclass(frozen=True)
class MergeResult:
    merge_id: int
    survivor_id: int
    merged_ids: tuple[int, ...]
    moved: dict[str, int] = field(default_factory=dict)
    kept_values: dict[str, list[Any]] = field(default_factory=dict)


def _client_links() -> list[tuple[Table, Column[Any]]]:
    """Every (table, column) that references ``clients.id``, however many tables exist."""
    links = []
    for table in metadata.sorted_tables:
        if table is clients:
            continue
        for fk in table.foreign_keys:
            if fk.column.table is clients and isinstance(fk.parent, Column):
                links.append((table, fk.parent))
    return links


def _jsonable(row: Mapping[str, Any]) -> dict[str, Any]:
    out = {}
    for key, value in row.items():
        out[key] = value.isoformat() if isinstance(value, datetime | date) else value
    return out


def _restored(table: Table, row: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in row.items():
        column_type = table.c[key].type
        if value is not None and isinstance(column_type, UTCDateTime):
            out[key] = datetime.fromisoformat(value)
        elif value is not None and isinstance(column_type, Date):
            out[key] = date.fromisoformat(value)
        else:
            out[key] = value
    return out


def _visible_rows(session: Session, viewer: Viewer, ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    found = {
        row.id: dict(row._mapping)
        for row in session.execute(
            select(clients).where(clients.c.id.in_(ids), clients_within(viewer, Capability.MERGE_CLIENTS))
        )
    }
    for client_id in ids:
        if client_id not in found:
            raise not_found("client", client_id)
    return found


def merge_clients(
    session: Session,
    viewer: Viewer,
    now: datetime,
    survivor_id: int,
    other_ids: Sequence[int],
    *,
    take: Mapping[str, int] | None = None,
    score: int | None = None,
    reasons: Sequence[str] = (),
) -> MergeResult:
    """Merge ``other_ids`` into ``survivor_id``. ``take`` says, per field, whose value to keep
    (a client id among the merged); otherwise the survivor's value, or the first non-empty one."""
    require(viewer, Capability.MERGE_CLIENTS)
    others = sorted(set(other_ids) - {survivor_id})
    if not others:
        raise InvalidInput("merge.nothing", N_("name at least one client to merge into the survivor"))
    rows = _visible_rows(session, viewer, [survivor_id, *others])
    take = dict(take or {})
    for name, source in take.items():
        if name not in MERGEABLE:
            raise InvalidInput(
                "merge.field_unknown",
                N_("field {field!r} cannot be chosen; choose from {fields}"),
                field=name,
                fields=", ".join(MERGEABLE),
            )
        if source not in rows:
            raise InvalidInput(
                "merge.source_unknown",
                N_("field {field}: client {client} is not one of the merged clients"),
                field=name,
                client=source,
            )
        refused = empty_take(
            name, source, rows[source][name], [(i, rows[i][name]) for i in rows if i != source]
        )
        if refused is not None:
            raise refused
    survivor = rows[survivor_id]
    values: dict[str, Any] = {}
    kept: dict[str, list[Any]] = {}
    for name in MERGEABLE:
        candidates = [rows[i][name] for i in [survivor_id, *others]]
        if name in take:
            chosen = rows[take[name]][name]
        else:
            chosen = next((v for v in candidates if v not in (None, "")), survivor[name])
        values[name] = chosen
        distinct = [v for v in dict.fromkeys(candidates) if v not in (None, "")]
        if len(distinct) > 1:
            kept[name] = distinct
    snapshot: dict[str, Any] = {
        "clients": {str(i): _jsonable(rows[i]) for i in [survivor_id, *others]},
        "moved": {},
        "dropped_channels": [],
    }
    have = {
        (kind, value)
        for kind, value in session.execute(
            select(channels.c.kind, channels.c.value).where(channels.c.client_id == survivor_id)
        )
    }
    repeats = []
    for row in session.execute(
        select(channels).where(channels.c.client_id.in_(others)).order_by(channels.c.id)
    ):
        key = (row.kind, row.value)
        if key in have:
            repeats.append(dict(row._mapping))
        else:
            have.add(key)
    if repeats:
        snapshot["dropped_channels"] = [_jsonable(r) for r in repeats]
        session.execute(delete(channels).where(channels.c.id.in_([r["id"] for r in repeats])))
    # One value per client and portrait field: the survivor's (or the first record's) stays.
    filled = set(
        session.scalars(select(field_values.c.field_id).where(field_values.c.client_id == survivor_id))
    )
    dropped_values = []
    for row in session.execute(
        select(field_values).where(field_values.c.client_id.in_(others)).order_by(field_values.c.id)
    ):
        if row.field_id in filled:
            dropped_values.append(dict(row._mapping))
        else:
            filled.add(row.field_id)
    if dropped_values:
        snapshot["dropped_values"] = [_jsonable(r) for r in dropped_values]
        session.execute(delete(field_values).where(field_values.c.id.in_([r["id"] for r in dropped_values])))
    moved_counts: dict[str, int] = {}
    for table, column in _client_links():
        label = f"{table.name}.{column.name}"
        per_client: dict[str, list[int]] = {}
        for row_id, owner in session.execute(select(table.c.id, column).where(column.in_(others))):
            per_client.setdefault(str(owner), []).append(row_id)
        if per_client:
            snapshot["moved"][label] = per_client
            session.execute(update(table).where(column.in_(others)).values({column.name: survivor_id}))
            moved_counts[table.name] = moved_counts.get(table.name, 0) + sum(
                len(v) for v in per_client.values()
            )
    phones = sorted(v for k, v in have if k == ChannelKind.PHONE.value)
    emails = sorted(v for k, v in have if k == ChannelKind.EMAIL.value)
    name_key, text = derived_keys(
        values["name"], values["legal_form"], values["inn"], values["city"], phones, emails
    )
    for other in others:  # a merged record somebody saved meanwhile is not deleted unseen
        gone = session.connection().execute(
            delete(clients).where(clients.c.id == other, clients.c.version == rows[other]["version"])
        )
        if gone.rowcount != 1:
            raise stale("client", other)
    merge_id = session.execute(
        insert(merges)
        .values(
            survivor_id=survivor_id,
            merged_ids=others,
            user_id=viewer.user_id,
            at=now,
            score=score,
            reasons=list(reasons),
            snapshot=snapshot,
            survivor_version=survivor["version"] + 1,
        )
        .returning(merges.c.id)
    ).scalar_one()
    change(
        session,
        clients,
        survivor_id,
        {**values, "name_key": name_key[:300], "search_text": text[:2000]},
        at=now,
        user_id=viewer.user_id,
        seen=survivor["version"],
        action="merge",
        changes={"merge": merge_id, "merged": others, "kept_values": kept, "reasons": list(reasons)},
    )
    for other in others:
        audit.record(
            session, at=now, user_id=viewer.user_id, entity="client", entity_id=other, action="merged_into",
            changes={"merge": merge_id, "survivor": survivor_id},
        )  # fmt: skip
    return MergeResult(merge_id, survivor_id, tuple(others), moved_counts, kept)


@dataclass(frozen=True)
class UndoResult:
    merge_id: int
    survivor_id: int
    restored_ids: tuple[int, ...]


def undo_merge(session: Session, viewer: Viewer, now: datetime, merge_id: int) -> UndoResult:
    """Put the merged clients back as they were, with everything that was theirs.

    Undo is refused unless the survivor is still at the version the merge gave it; afterwards
    every row holds what it held before the merge. Only the survivor's version is not written
    back: it moves on past the merge's, since a card read while the clients were merged must not
    match the version of a later save (an old number would come round again)."""
    require(viewer, Capability.MERGE_CLIENTS)
    row = session.execute(select(merges).where(merges.c.id == merge_id)).first()
    if row is None:
        raise not_found("merge", merge_id)
    if row.undone_at is not None:
        raise InvalidInput("merge.undone", N_("merge {id} was already undone"), id=merge_id)
    survivor_id = row.survivor_id
    _visible_rows(session, viewer, [survivor_id])
    current = session.scalar(select(clients.c.version).where(clients.c.id == survivor_id))
    if current != row.survivor_version:
        raise InvalidInput(
            "merge.changed_since",
            N_(
                "merge {id}: client {client} was changed after the merge (version {before} -> {now}); "
                "undo would lose that change"
            ),
            id=merge_id,
            client=survivor_id,
            before=row.survivor_version,
            now=current,
        )
    snapshot = row.snapshot
    saved = {int(k): _restored(clients, v) for k, v in snapshot["clients"].items()}
    others = [i for i in saved if i != survivor_id]
    session.execute(insert(clients), [saved[i] for i in others])
    links = {f"{t.name}.{c.name}": (t, c) for t, c in _client_links()}
    for label, per_client in snapshot["moved"].items():
        table, column = links[label]
        for owner, ids in per_client.items():
            session.execute(update(table).where(table.c.id.in_(ids)).values({column.name: int(owner)}))
    if snapshot["dropped_channels"]:
        session.execute(insert(channels), [_restored(channels, r) for r in snapshot["dropped_channels"]])
    if snapshot.get("dropped_values"):
        session.execute(
            insert(field_values), [_restored(field_values, r) for r in snapshot["dropped_values"]]
        )
    before = {k: v for k, v in saved[survivor_id].items() if k != "id"}
    before["version"] = row.survivor_version + 1
    session.execute(update(clients).where(clients.c.id == survivor_id).values(before))
    session.execute(update(merges).where(merges.c.id == merge_id).values(undone_at=now))
    audit.record(
        session,
        at=now,
        user_id=viewer.user_id,
        entity="client",
        entity_id=survivor_id,
        action="merge_undone",
        changes={"merge": merge_id, "restored": others},
    )
    return UndoResult(merge_id, survivor_id, tuple(others))


def last_merge(session: Session, viewer: Viewer) -> int | None:
    """The newest merge of ``viewer`` that can still be undone (the review screen's undo key)."""
    return session.scalar(
        select(merges.c.id)
        .where(merges.c.user_id == viewer.user_id, merges.c.undone_at.is_(None))
        .order_by(merges.c.id.desc())
        .limit(1)
    )


def mark_not_duplicate(session: Session, viewer: Viewer, now: datetime, a: int, b: int) -> bool:
    """Remember that ``a`` and ``b`` are two companies; False if it was already remembered."""
    require(viewer, Capability.MERGE_CLIENTS)
    if a == b:
        raise InvalidInput(
            "duplicate.same_client",
            N_("a client is always a duplicate of itself; name two different clients"),
        )
    _visible_rows(session, viewer, [a, b])
    left, right = min(a, b), max(a, b)
    exists = session.scalar(
        select(not_duplicates.c.id).where(
            not_duplicates.c.left_id == left, not_duplicates.c.right_id == right
        )
    )
    if exists is not None:
        return False
    session.execute(
        insert(not_duplicates).values(left_id=left, right_id=right, user_id=viewer.user_id, at=now)
    )
    audit.record(
        session, at=now, user_id=viewer.user_id, entity="client", entity_id=left, action="not_duplicate",
        changes={"other": right},
    )  # fmt: skip
    return True
