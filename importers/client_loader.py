"""Writing one chunk of parsed rows: new clients in bulk, existing ones enriched.

Each chunk is one short write transaction holding its clients, their channels, contacts,
provenance and the batch's change log together, so a run killed midway leaves whole chunks
only, and the provenance (unique per file hash, sheet and row) tells a re-run where to resume.
Inserts are Core ``executemany`` with ``RETURNING`` ids, never ``session.add`` per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update
from sqlmodel import Session

from crm_tui.domain.client_records import derived_keys
from crm_tui.domain.folding import fold
from crm_tui.i18n import _
from importers.client_matching import Identity, KeyIndex, load_existing
from importers.owners import OwnerResolver
from importers.rows import ParsedRow
from storage.models import (
    ChannelKind,
    ClientKind,
    ClientStatus,
    DealStatus,
    Direction,
    InteractionKind,
    TaskKind,
    TaskStatus,
    audit_entries,
    channels,
    client_sources,
    clients,
    contacts,
    deals,
    import_changes,
    interactions,
    tasks,
)

FILLABLE = ("legal_form", "inn", "kpp", "ogrn", "city", "region")
PLANNED_CONTACT_AT = time(10, 0)


@dataclass(frozen=True)
class LoadContext:
    batch_id: int
    user_id: int
    now: datetime
    tz: ZoneInfo
    file_name: str
    file_sha256: str
    pipeline_id: int
    first_stage_id: int
    owners: OwnerResolver


@dataclass
class ChunkResult:
    created: int = 0
    enriched: int = 0
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)


@dataclass
class _Group:
    """Rows that are one client: the first row's values win, later rows fill gaps."""

    rows: list[ParsedRow]

    def value(self, name: str) -> Any:
        for row in self.rows:
            v = getattr(row, name)
            if v not in (None, ""):
                return v
        return None


def _channel_rows(row: ParsedRow) -> list[tuple[str, str, str, str | None]]:
    found = [(ChannelKind.PHONE.value, p.e164, p.raw, p.extension) for p in row.phones]
    found += [(ChannelKind.EMAIL.value, e.value, e.raw, None) for e in row.emails]
    return found


def _due(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, PLANNED_CONTACT_AT, tzinfo=tz)


def _kind(row: ParsedRow) -> str:
    return ClientKind.PERSON.value if (row.inn and len(row.inn) == 12) else ClientKind.COMPANY.value


def write_chunk(session: Session, ctx: LoadContext, rows: list[ParsedRow]) -> ChunkResult:
    result = ChunkResult()
    index = KeyIndex()
    identities = [Identity.of_row(r) for r in rows]
    load_existing(session, identities, index)
    existing_ids = set(index.identities)
    new_groups: dict[int, _Group] = {}
    enrich: dict[int, list[ParsedRow]] = {}
    for row, identity in zip(rows, identities, strict=True):
        target = index.find(identity) if (identity.inn or identity.phones or identity.emails) else None
        if target is None:
            target = -(len(new_groups) + 1)
            new_groups[target] = _Group([row])
        elif target < 0:
            new_groups[target].rows.append(row)
        else:
            enrich.setdefault(target, []).append(row)
        index.add(target, identity)
    sources: list[dict[str, Any]] = []
    if new_groups:
        ids = _insert_new(session, ctx, list(new_groups.values()), sources)
        result.created = len(ids)
    for client_id in sorted(enrich):
        changed, conflicts = _enrich(session, ctx, client_id, enrich[client_id], sources)
        if changed:
            result.enriched += 1
        else:
            result.unchanged += 1
        result.conflicts.extend(conflicts)
    if sources:
        session.execute(insert(client_sources), sources)
    assert existing_ids >= set(enrich)
    return result


def _source(ctx: LoadContext, client_id: int, row: ParsedRow) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "batch_id": ctx.batch_id,
        "file": ctx.file_name,
        "file_sha256": ctx.file_sha256,
        "sheet": row.source.sheet,
        "row": row.source.row,
        "created_at": ctx.now,
    }


def _insert_new(
    session: Session, ctx: LoadContext, groups: list[_Group], sources: list[dict[str, Any]]
) -> list[int]:
    client_rows = []
    for group in groups:
        first = group.rows[0]
        owner_id = ctx.owners.resolve(group.value("owner"))
        all_channels = [c for r in group.rows for c in _channel_rows(r)]
        phones = [c[1] for c in all_channels if c[0] == ChannelKind.PHONE.value]
        emails = [c[1] for c in all_channels if c[0] == ChannelKind.EMAIL.value]
        name = group.value("name") or group.value("contact_name") or (phones + emails)[0]
        name_key, text = derived_keys(
            name, group.value("legal_form"), group.value("inn"), group.value("city"), phones, emails
        )
        client_rows.append(
            {
                "kind": _kind(first),
                "name": name,
                "legal_form": group.value("legal_form"),
                "inn": group.value("inn"),
                "kpp": group.value("kpp"),
                "ogrn": group.value("ogrn"),
                "city": group.value("city"),
                "region": group.value("region") or ctx.owners.regions.get(owner_id),
                "owner_id": owner_id,
                "status": ClientStatus.LEAD.value,
                "name_key": name_key,
                "search_text": text,
                "created_at": ctx.now,
                "updated_at": ctx.now,
                "version": 1,
            }
        )
    ids = list(
        session.execute(
            insert(clients).returning(clients.c.id, sort_by_parameter_order=True), client_rows
        ).scalars()
    )
    contact_rows: list[dict[str, Any]] = []
    contact_owner: list[tuple[int, ParsedRow]] = []
    loose_channels: list[dict[str, Any]] = []
    for client_id, group in zip(ids, groups, strict=True):
        seen_people: set[str] = set()
        seen_channels: set[tuple[str, str]] = set()
        for row in group.rows:
            sources.append(_source(ctx, client_id, row))
            person = row.contact_name
            if person and fold(person) not in seen_people:
                seen_people.add(fold(person))
                contact_rows.append(
                    {
                        "client_id": client_id,
                        "full_name": person,
                        "position": row.contact_position,
                        "created_at": ctx.now,
                    }
                )
                contact_owner.append((client_id, row))
                continue
            for kind, value, raw, ext in _channel_rows(row):
                if (kind, value) not in seen_channels:
                    seen_channels.add((kind, value))
                    loose_channels.append(
                        {
                            "client_id": client_id,
                            "contact_id": None,
                            "kind": kind,
                            "value": value,
                            "raw": raw[:500],
                            "extension": ext,
                        }
                    )
    if contact_rows:
        contact_ids = list(
            session.execute(
                insert(contacts).returning(contacts.c.id, sort_by_parameter_order=True), contact_rows
            ).scalars()
        )
        for contact_id, (client_id, row) in zip(contact_ids, contact_owner, strict=True):
            for kind, value, raw, ext in _channel_rows(row):
                loose_channels.append(
                    {
                        "client_id": client_id,
                        "contact_id": contact_id,
                        "kind": kind,
                        "value": value,
                        "raw": raw[:500],
                        "extension": ext,
                    }
                )
    if loose_channels:
        session.execute(insert(channels), loose_channels)
    session.execute(
        insert(import_changes),
        [{"batch_id": ctx.batch_id, "entity": "client", "entity_id": i, "action": "create"} for i in ids],
    )
    session.execute(
        insert(audit_entries),
        [
            {
                "at": ctx.now,
                "user_id": ctx.user_id,
                "entity": "client",
                "entity_id": i,
                "action": "import",
                "changes": {"batch": ctx.batch_id, "name": values["name"]},
            }
            for i, values in zip(ids, client_rows, strict=True)
        ],
    )
    for client_id, group, values in zip(ids, groups, client_rows, strict=True):
        _follow_ups(
            session, ctx, client_id, values["owner_id"], values["name"], group.rows, has_open_deal=False
        )
    return ids


def _follow_ups(
    session: Session,
    ctx: LoadContext,
    client_id: int,
    owner_id: int | None,
    name: str,
    rows: list[ParsedRow],
    *,
    has_open_deal: bool,
) -> int:
    """Notes become timeline entries; a next-action date becomes a deal and a planned contact."""
    made = 0
    for row in rows:
        if row.note:
            new_id = session.execute(
                insert(interactions).returning(interactions.c.id),
                {
                    "kind": InteractionKind.NOTE.value,
                    "direction": Direction.INTERNAL.value,
                    "occurred_at": ctx.now,
                    "summary": row.note[:4000],
                    "client_id": client_id,
                    "user_id": ctx.user_id,
                    "created_at": ctx.now,
                },
            ).scalar_one()
            _log(session, ctx, "interaction", new_id)
            made += 1
        if row.next_action:
            due = _due(row.next_action, ctx.tz)
            deal_id = None
            if not has_open_deal:
                deal_id = session.execute(
                    insert(deals).returning(deals.c.id),
                    {
                        "client_id": client_id,
                        "owner_id": owner_id,
                        "pipeline_id": ctx.pipeline_id,
                        "stage_id": ctx.first_stage_id,
                        "title": name[:300],
                        "amount": row.deal_amount or 0,
                        "next_action_at": due,
                        "status": DealStatus.OPEN.value,
                        "stage_entered_at": ctx.now,
                        "created_at": ctx.now,
                        "updated_at": ctx.now,
                        "version": 1,
                    },
                ).scalar_one()
                _log(session, ctx, "deal", deal_id)
                has_open_deal = True
            task_id = session.execute(
                insert(tasks).returning(tasks.c.id),
                {
                    "title": _("Planned contact"),
                    "kind": TaskKind.CALL.value,
                    "due_at": due,
                    "assignee_id": owner_id,
                    "client_id": client_id,
                    "deal_id": deal_id,
                    "status": TaskStatus.OPEN.value,
                    "created_by_id": ctx.user_id,
                    "created_at": ctx.now,
                    "version": 1,
                },
            ).scalar_one()
            _log(session, ctx, "task", task_id)
            made += 1
    return made


def _log(
    session: Session,
    ctx: LoadContext,
    entity: str,
    entity_id: int,
    action: str = "create",
    field_name: str | None = None,
    before: str | None = None,
    after: str | None = None,
) -> None:
    session.execute(
        insert(import_changes),
        {
            "batch_id": ctx.batch_id,
            "entity": entity,
            "entity_id": entity_id,
            "action": action,
            "field": field_name,
            "before": before,
            "after": after,
        },
    )


def _enrich(
    session: Session, ctx: LoadContext, client_id: int, rows: list[ParsedRow], sources: list[dict[str, Any]]
) -> tuple[bool, list[str]]:
    c = clients.c
    current = (
        session.execute(
            select(c.name, c.legal_form, c.inn, c.kpp, c.ogrn, c.city, c.region, c.owner_id, c.version).where(
                c.id == client_id
            )
        )
        .one()
        ._asdict()
    )
    have = {
        (k, v)
        for k, v in session.execute(
            select(channels.c.kind, channels.c.value).where(channels.c.client_id == client_id)
        )
    }
    people = {
        fold(n)
        for n in session.scalars(select(contacts.c.full_name).where(contacts.c.client_id == client_id))
    }
    has_open_deal = (
        session.scalar(
            select(deals.c.id)
            .where(deals.c.client_id == client_id, deals.c.status == DealStatus.OPEN.value)
            .limit(1)
        )
        is not None
    )
    fills: dict[str, str] = {}
    conflicts: list[str] = []
    changed = False
    for row in rows:
        sources.append(_source(ctx, client_id, row))
        for name in FILLABLE:
            value = getattr(row, name)
            if value in (None, ""):
                continue
            old = fills.get(name, current[name])
            if old in (None, ""):
                fills[name] = value
                _log(session, ctx, "client", client_id, "fill", name, None, value)
            elif fold(str(old)) != fold(str(value)):
                conflicts.append(f"{row.source}: {name} {value!r} differs from {old!r} of client {client_id}")
                _log(session, ctx, "client", client_id, "conflict", name, str(old), str(value))
        contact_id = None
        if row.contact_name and fold(row.contact_name) not in people:
            people.add(fold(row.contact_name))
            contact_id = session.execute(
                insert(contacts).returning(contacts.c.id),
                {
                    "client_id": client_id,
                    "full_name": row.contact_name,
                    "position": row.contact_position,
                    "created_at": ctx.now,
                },
            ).scalar_one()
            _log(session, ctx, "contact", contact_id)
            changed = True
        for kind, value, raw, ext in _channel_rows(row):
            if (kind, value) in have:
                continue
            have.add((kind, value))
            channel_id = session.execute(
                insert(channels).returning(channels.c.id),
                {
                    "client_id": client_id,
                    "contact_id": contact_id,
                    "kind": kind,
                    "value": value,
                    "raw": raw[:500],
                    "extension": ext,
                },
            ).scalar_one()
            _log(session, ctx, "channel", channel_id)
            changed = True
    made = _follow_ups(
        session, ctx, client_id, current["owner_id"], current["name"], rows, has_open_deal=has_open_deal
    )
    if fills or changed:
        merged = {**current, **fills}
        phones = sorted(v for k, v in have if k == ChannelKind.PHONE.value)
        emails = sorted(v for k, v in have if k == ChannelKind.EMAIL.value)
        _, text = derived_keys(
            merged["name"], merged["legal_form"], merged["inn"], merged["city"], phones, emails
        )
        session.execute(
            update(clients)
            .where(c.id == client_id)
            .values(**fills, search_text=text, updated_at=ctx.now, version=c.version + 1)
        )
        session.execute(
            insert(audit_entries),
            {
                "at": ctx.now,
                "user_id": ctx.user_id,
                "entity": "client",
                "entity_id": client_id,
                "action": "import_enrich",
                "changes": {"batch": ctx.batch_id, "filled": fills},
            },
        )
    return bool(fills or changed or made), conflicts
