"""Rows that are clients already: what the clients lack is filled, what differs is reported.

An import enriches tens of thousands of clients: what it must know of them (their requisites,
channels, people, open deals, whether an earlier chunk of the same file counted them) is read
in a few queries per chunk, and the changes are written with the chunk's other rows.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session

from crm_tui.domain.audit.changes import versioned
from crm_tui.domain.clients.search_keys import derived_keys
from crm_tui.domain.field_labels import field_label
from crm_tui.domain.imports.rows import ParsedRow
from crm_tui.domain.values.folding import fold
from crm_tui.i18n import N_, Message
from crm_tui.importers.clients.chunk_result import ChunkResult
from crm_tui.importers.clients.chunk_writes import EMAIL, PHONE, ChunkWrites, channel_rows
from crm_tui.importers.clients.portrait_fill import fill_portrait, portrait_now
from crm_tui.importers.clients.row_keys import keys_of
from crm_tui.storage.models import DealStatus, channels, client_sources, clients, contacts, deals

FILLABLE = ("legal_form", "inn", "kpp", "ogrn", "city", "region")


def enrich_clients(
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
            contact_key = keys_of(row).contact_key
            if contact_key and contact_key not in people[client_id]:
                people[client_id].add(contact_key)
                into = writes.contact(client_id, row, logged=True)
                added = True
            for kind, value, raw, ext in channel_rows(row):
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
