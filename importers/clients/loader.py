"""Writing one chunk of parsed rows: new clients in bulk, existing ones enriched.

Each chunk is one short write transaction holding its clients, their channels, contacts,
provenance and the batch's change log together, so a run killed midway leaves whole chunks
only, and the provenance (unique per file hash, sheet and row) tells a re-run where to resume.
Every table is written once per chunk with Core ``executemany`` (``RETURNING`` ids where later
rows need them), and what enrichment must know of existing clients is read in four queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.clients.records import region_of_new_client
from crm_tui.domain.clients.search_keys import derived_keys
from crm_tui.domain.imports.rows import ParsedRow
from crm_tui.domain.privacy import suppressed
from crm_tui.domain.values.folding import fold
from crm_tui.i18n import N_, Message
from crm_tui.importers.clients.chunk_references import check_references
from crm_tui.importers.clients.chunk_result import ChunkResult
from crm_tui.importers.clients.chunk_writes import (
    EMAIL,
    PHONE,
    ChunkWrites,
    LoadContext,
    channel_rows,
    insert_tuples_with_ids,
)
from crm_tui.importers.clients.enrich import enrich_clients
from crm_tui.importers.clients.matching import Identity, KeyIndex, load_existing, shared_keys
from crm_tui.importers.clients.row_keys import keys_of, row_keys
from crm_tui.storage.copies_behind import CopiesBehind, copies_behind
from crm_tui.storage.models import (
    ClientKind,
    ClientStatus,
    clients,
    suppressions,
)
from crm_tui.storage.search_index import DeferredSearchIndex

# Enum member access costs a descriptor call; a chunk reads these a hundred thousand times.
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
            enrich_clients(session, writes, enrich, result)
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
            keys = keys_of(row)
            owner_id = ctx.owners.resolve(row.owner)
            region = region_of_new_client(row.region, ctx.owners.regions.get(owner_id))
            client_rows.append((
                _kind(row), keys.name[:300], row.legal_form, row.inn, row.kpp, row.ogrn, row.city, region,
                owner_id, lead, keys.name_key[:300], keys.search_text[:2000], now, now, 1,
            ))  # fmt: skip
            continue
        owner_id = ctx.owners.resolve(group.value("owner"))
        region = region_of_new_client(group.value("region"), ctx.owners.regions.get(owner_id))
        all_channels = [c for r in group.rows for c in channel_rows(r)]
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
            contact_key = keys_of(row).contact_key
            if contact_key and contact_key not in seen_people:
                seen_people.add(contact_key)
                into = writes.contact(client_id, row, logged=False)
            for kind, value, raw, ext in channel_rows(row):
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
