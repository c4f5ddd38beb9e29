"""Writing one chunk of parsed rows: new clients in bulk, existing ones enriched.

Each chunk is one short write transaction holding its clients, their channels, contacts,
provenance and the batch's change log together, so a run killed midway leaves whole chunks
only, and the provenance (unique per file hash, sheet and row) tells a re-run where to resume.
Every table is written once per chunk with Core ``executemany`` (``RETURNING`` ids where later
rows need them), and what enrichment must know of existing clients is read in four queries.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.audit.changes import versioned
from crm_tui.domain.clients.edit import field_label
from crm_tui.domain.clients.records import region_of_new_client
from crm_tui.domain.clients.search_keys import derived_keys
from crm_tui.domain.imports.rows import ParsedRow, RowKeys
from crm_tui.domain.privacy import suppressed
from crm_tui.domain.values.folding import fold
from crm_tui.i18n import N_, Message
from crm_tui.importers.clients.chunk_references import check_references
from crm_tui.importers.clients.chunk_writes import ChunkWrites, LoadContext, insert_tuples_with_ids
from crm_tui.importers.clients.matching import Identity, KeyIndex, load_existing, shared_keys
from crm_tui.importers.clients.portrait_fill import fill_portrait, portrait_now
from crm_tui.importers.clients.row_keys import row_keys
from crm_tui.storage.copies_behind import CopiesBehind, copies_behind
from crm_tui.storage.models import (
    ChannelKind,
    ClientKind,
    ClientStatus,
    DealStatus,
    channels,
    client_sources,
    clients,
    contacts,
    deals,
    suppressions,
)
from crm_tui.storage.search_index import DeferredSearchIndex

FILLABLE = ("legal_form", "inn", "kpp", "ogrn", "city", "region")
# Enum member access costs a descriptor call; a chunk reads these a hundred thousand times.
PHONE = ChannelKind.PHONE.value
EMAIL = ChannelKind.EMAIL.value
PERSON = ClientKind.PERSON.value
COMPANY = ClientKind.COMPANY.value


CLIENT_KEYS = (
    "id", "kind", "name", "legal_form", "inn", "kpp", "ogrn", "city", "region", "owner_id", "status",
    "name_key", "search_text", "created_at", "updated_at", "version",
)  # fmt: skip
"""A new client's row as ``_insert_new`` collects it (a tuple, the id put in front on writing)."""
_NAME, _OWNER = CLIENT_KEYS.index("name") - 1, CLIENT_KEYS.index("owner_id") - 1

HELD = "row.inn_of_another_company"
"""The code of a row not imported because its INN is a client's with plainly another name."""


@dataclass
class ChunkResult:
    created: int = 0
    enriched: int = 0
    unchanged: int = 0
    conflicts: list[Message] = field(default_factory=list)
    flagged: list[tuple[ParsedRow, Message]] = field(default_factory=list)
    """Rows a conflict names, with it: the error file keeps them for a person to look at."""
    held: int = 0
    """Rows not imported because their INN is another company's (``another_company_by_name``)."""
    merged: int = 0
    """Rows that are a client an earlier row of the same file made or enriched: their data went
    into that client, which is counted once (so rows = created + enriched + unchanged + merged
    + rejected + held + already imported)."""

    def conflict(self, row: ParsedRow, problem: Message) -> None:
        self.conflicts.append(problem)
        self.flagged.append((row, problem))


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


def _drop_erased_people(session: Session, rows: list[ParsedRow]) -> None:
    """People erased on request stay erased: their name, phones and e-mails are taken off the
    rows (the company itself is still imported)."""
    if session.scalar(select(suppressions.c.id).limit(1)) is None:
        return
    names = suppressed(session, "name", sorted({fold(r.contact_name) for r in rows if r.contact_name}))
    phones = suppressed(session, "phone", sorted({p.e164 for r in rows for p in r.phones}))
    emails = suppressed(session, "email", sorted({e.value for r in rows for e in r.emails}))
    if not (names or phones or emails):
        return
    for row in rows:
        touched = False
        if row.contact_name and fold(row.contact_name) in names:
            row.contact_name = row.contact_position = None
            touched = True
        if any(p.e164 in phones for p in row.phones):
            row.phones = tuple(p for p in row.phones if p.e164 not in phones)
            touched = True
        if any(e.value in emails for e in row.emails):
            row.emails = tuple(e for e in row.emails if e.value not in emails)
            touched = True
        if touched and (row.name or row.phones or row.emails or row.contact_name):
            row.keys = row_keys(row)


def _channel_rows(row: ParsedRow) -> list[tuple[str, str, str, str | None]]:
    found = [(PHONE, p.e164, p.raw, p.extension) for p in row.phones]
    found += [(EMAIL, e.value, e.raw, None) for e in row.emails]
    return found


def _keys(row: ParsedRow) -> RowKeys:
    return row.keys if row.keys is not None else row_keys(row)


def _kind(row: ParsedRow) -> str:
    return PERSON if (row.inn and len(row.inn) == 12) else COMPANY


def write_chunk(session: Session, ctx: LoadContext, rows: list[ParsedRow]) -> ChunkResult:
    result = ChunkResult()
    _drop_erased_people(session, rows)
    index = KeyIndex()
    identities = [Identity.of_row(r) for r in rows]
    load_existing(session, identities, index)
    inns, phones, emails = shared_keys(identities, index)
    new_groups: dict[int, _Group] = {}
    enrich: dict[int, list[ParsedRow]] = {}
    held: list[tuple[ParsedRow, int]] = []
    for row, identity in zip(rows, identities, strict=True):
        if not (
            (identity.inn and identity.inn in inns)
            or (phones and not phones.isdisjoint(identity.phones))
            or (emails and not emails.isdisjoint(identity.emails))
        ):
            new_groups[-(len(new_groups) + 1)] = _Group([row])  # a key of its own: a new client
            continue
        target = index.find(identity) if (identity.inn or identity.phones or identity.emails) else None
        if target is not None and identity.another_company_by_name(index.identities[target]):
            held.append((row, target))
            continue
        if target is None:
            target = -(len(new_groups) + 1)
            new_groups[target] = _Group([row])
        elif target < 0:
            new_groups[target].rows.append(row)
            result.merged += 1
        else:
            enrich.setdefault(target, []).append(row)
        index.add(target, identity)
    if held:
        _hold(session, held, new_groups, result)
    writes = ChunkWrites(ctx)
    # On PostgreSQL each table's COPY is sent from a thread of its own while the next table's
    # rows are built (``CopiesBehind``); the reads below wait for the writes before them.
    with copies_behind(session) as behind:
        if new_groups:
            result.created = _insert_new(session, writes, list(new_groups.values()), behind)
        if enrich:
            _enrich(session, writes, enrich, result)
        writes.flush(session, behind)
    check_references(
        session,
        ctx.file_name,
        user_ids=[ctx.user_id, *ctx.owners.handed_out(), *writes.deal_owners()],
        pipeline_id=ctx.pipeline_id if writes.deals else None,
        stage_id=ctx.first_stage_id if writes.deals else None,
        batch_id=ctx.batch_id,
        client_ids=enrich,
        field_ids=(p["field_id"] for p in writes.portrait),
    )
    return result


def _hold(
    session: Session, held: list[tuple[ParsedRow, int]], new: dict[int, _Group], result: ChunkResult
) -> None:
    """Rows whose INN is a client's whose name is plainly another company's: not imported,
    reported as conflicts (the summary, the error file) for a person to look at."""
    existing = sorted({target for _, target in held if target > 0})
    names = dict(
        session.execute(select(clients.c.id, clients.c.name).where(clients.c.id.in_(existing))).all()
    )
    for row, target in held:
        result.held += 1
        client = names.get(target) if target > 0 else new[target].value("name")
        result.conflict(
            row,
            Message(
                HELD,
                N_(
                    "{where}: INN {inn} is «{client}»'s, but the row names «{name}»: not imported, "
                    "for a person to look at (fix the INN or the name and import the file again)"
                ),
                where=row.source.where(),
                inn=row.inn,
                client=client or "",
                name=row.name or "",
            ),
        )


def _insert_new(session: Session, writes: ChunkWrites, groups: list[_Group], behind: CopiesBehind) -> int:
    ctx = writes.ctx
    now = ctx.now
    client_rows: list[tuple[Any, ...]] = []
    lead = ClientStatus.LEAD.value
    for group in groups:
        if len(group.rows) == 1:
            row = group.rows[0]
            keys = _keys(row)
            owner_id = ctx.owners.resolve(row.owner)
            region = region_of_new_client(row.region, ctx.owners.regions.get(owner_id))
            client_rows.append((
                _kind(row), keys.name[:300], row.legal_form, row.inn, row.kpp, row.ogrn, row.city, region,
                owner_id, lead, keys.name_key[:300], keys.search_text[:2000], now, now, 1,
            ))  # fmt: skip
            continue
        owner_id = ctx.owners.resolve(group.value("owner"))
        region = region_of_new_client(group.value("region"), ctx.owners.regions.get(owner_id))
        all_channels = [c for r in group.rows for c in _channel_rows(r)]
        phones = [c[1] for c in all_channels if c[0] == PHONE]
        emails = [c[1] for c in all_channels if c[0] == EMAIL]
        name = group.value("name") or group.value("contact_name") or (phones + emails)[0]
        name_key, text = derived_keys(
            name, group.value("legal_form"), group.value("inn"), group.value("city"), phones, emails
        )
        client_rows.append((
            _kind(group.rows[0]), name[:300], group.value("legal_form"), group.value("inn"),
            group.value("kpp"), group.value("ogrn"), group.value("city"), region,
            owner_id, lead, name_key[:300], text[:2000], now, now, 1,
        ))  # fmt: skip
    deferred = DeferredSearchIndex(session.connection())
    deferred.pause()
    ids = insert_tuples_with_ids(session, clients, CLIENT_KEYS, client_rows, behind)
    deferred.index(ids[0], ids[-1])
    deferred.resume()
    # No audit row per created client: its provenance row names the batch, and the batch's
    # own audit entry says who imported what; a hundred thousand copies would add nothing.
    writes.created.setdefault("client", []).extend(ids)
    for client_id, group, values in zip(ids, groups, client_rows, strict=True):
        if len(group.rows) == 1:
            writes.client_of_one_row(client_id, group.rows[0], values[_OWNER], values[_NAME])
            continue
        seen_people: set[str] = set()
        seen_channels: set[tuple[str, str]] = set()
        for row in group.rows:
            writes.source(client_id, row)
            into = None
            contact_key = _keys(row).contact_key
            if contact_key and contact_key not in seen_people:
                seen_people.add(contact_key)
                into = writes.contact(client_id, row, logged=False)
            for kind, value, raw, ext in _channel_rows(row):
                if (kind, value) not in seen_channels:
                    seen_channels.add((kind, value))
                    writes.channel(into, client_id, kind, value, raw, ext, logged=False)
        writes.follow_ups(client_id, values[_OWNER], values[_NAME], group.rows, has_open_deal=False)
        portrait: dict[str, Any] = {}
        for row in group.rows:
            for key, value in row.portrait:
                portrait.setdefault(key, value)
        writes.portrait.extend(
            {"client_id": client_id, "field_id": ctx.portrait_ids[key], "value": value}
            for key, value in portrait.items()
        )
    return len(ids)


def _enrich(
    session: Session, writes: ChunkWrites, targets: dict[int, list[ParsedRow]], result: ChunkResult
) -> None:
    """Fill what existing clients lack. One ``executemany`` per chunk, the audit rows written with
    the chunk's other rows, rather than ``audit.changes.change`` client by client: an import
    enriches tens of thousands of clients; ``versioned`` still says what each change moves."""
    ctx = writes.ctx
    ids = sorted(targets)
    c = clients.c
    current = {
        row.id: row._asdict()
        for row in session.execute(
            select(c.id, c.name, c.legal_form, c.inn, c.kpp, c.ogrn, c.city, c.region, c.owner_id).where(
                c.id.in_(ids)
            )
        )
    }
    have: dict[int, set[tuple[str, str]]] = {i: set() for i in ids}
    for client_id, kind, value in session.execute(
        select(channels.c.client_id, channels.c.kind, channels.c.value).where(channels.c.client_id.in_(ids))
    ):
        have[client_id].add((kind, value))
    people: dict[int, set[str]] = {i: set() for i in ids}
    for client_id, name in session.execute(
        select(contacts.c.client_id, contacts.c.full_name).where(contacts.c.client_id.in_(ids))
    ):
        people[client_id].add(fold(name))
    # A client an earlier chunk of this file created or enriched is counted once, as it would
    # be had both rows fallen in one chunk: chunk boundaries must not change the summary.
    counted = set(session.scalars(
        select(client_sources.c.client_id).where(
            client_sources.c.client_id.in_(ids),
            client_sources.c.batch_id == ctx.batch_id,
            client_sources.c.file_sha256 == ctx.file_sha256,
        )
    ))  # fmt: skip
    with_open_deal = set(session.scalars(
        select(deals.c.client_id).where(deals.c.client_id.in_(ids), deals.c.status == DealStatus.OPEN.value)
    ))  # fmt: skip
    portrait = portrait_now(session, ctx, targets)
    updates: list[dict[str, Any]] = []
    for client_id in ids:
        now_values = current[client_id]
        fills: dict[str, str] = {}
        added = False
        for row in targets[client_id]:
            if row.portrait:
                values = portrait.setdefault(client_id, {})
                added |= fill_portrait(writes, result.conflict, client_id, row, values)
            writes.source(client_id, row)
            holder = now_values["owner_id"]
            if row.owner and holder is not None and ctx.owners.resolve(row.owner) != holder:
                region = ctx.owners.regions.get(holder)
                owner = ctx.owners.names.get(holder, holder)
                result.conflict(
                    row,
                    Message(
                        "row.owner_kept",
                        N_(
                            "{where}: «{name}» (client {client}) already belongs to {owner}, {region}; "
                            "the row enriched it, the owner was kept"
                        )
                        if region
                        else N_(
                            "{where}: «{name}» (client {client}) already belongs to {owner}; "
                            "the row enriched it, the owner was kept"
                        ),
                        where=row.source.where(),
                        name=now_values["name"],
                        client=client_id,
                        owner=owner,
                        region=region,
                    ),
                )
            for name in FILLABLE:
                value = getattr(row, name)
                if value in (None, ""):
                    continue
                old = fills.get(name, now_values[name])
                if old in (None, ""):
                    fills[name] = value
                    writes.change("client", client_id, "fill", name, None, value)
                elif fold(str(old)) != fold(str(value)):
                    result.conflict(
                        row,
                        Message(
                            "row.value_differs",
                            N_("{where}: {field} {value!r} differs from {old!r} of client {client}"),
                            where=row.source.where(),
                            field=field_label(name),
                            value=value,
                            old=old,
                            client=client_id,
                        ),
                    )
                    writes.change("client", client_id, "conflict", name, str(old), str(value))
            into = None
            contact_key = _keys(row).contact_key
            if contact_key and contact_key not in people[client_id]:
                people[client_id].add(contact_key)
                into = writes.contact(client_id, row, logged=True)
                added = True
            for kind, value, raw, ext in _channel_rows(row):
                if (kind, value) not in have[client_id]:
                    have[client_id].add((kind, value))
                    writes.channel(into, client_id, kind, value, raw, ext, logged=True)
                    added = True
        made = writes.follow_ups(
            client_id,
            now_values["owner_id"],
            now_values["name"],
            targets[client_id],
            has_open_deal=client_id in with_open_deal,
        )
        if fills or added:
            merged = {**now_values, **fills}
            phones = sorted(v for k, v in have[client_id] if k == PHONE)
            emails = sorted(v for k, v in have[client_id] if k == EMAIL)
            _, text = derived_keys(
                merged["name"], merged["legal_form"], merged["inn"], merged["city"], phones, emails
            )
            updates.append({"cid": client_id, **{f: merged[f] for f in FILLABLE}, "search_text": text[:2000]})
            writes.audit.append(
                {
                    "at": ctx.now,
                    "user_id": ctx.user_id,
                    "entity": "client",
                    "entity_id": client_id,
                    "action": "import_enrich",
                    "changes": {"batch": ctx.batch_id, "filled": fills},
                }
            )
        rows_here = len(targets[client_id])
        if client_id not in counted:
            if fills or added or made:
                result.enriched += 1
            else:
                result.unchanged += 1
            result.merged += rows_here - 1
        else:
            result.merged += rows_here
    if updates:
        session.connection().execute(
            update(clients)
            .where(clients.c.id == bindparam("cid"))
            .values(versioned(clients, {f: bindparam(f) for f in (*FILLABLE, "search_text")}, ctx.now)),
            updates,
        )
