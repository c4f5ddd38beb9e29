"""What a chunk writes besides the new clients' own rows, collected while the chunk is grouped
and matched, then written table by table (``executemany``, ids allocated up front so that later
rows can point to earlier ones).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table
from sqlalchemy.orm import Session

from crm_tui.domain.imports.rows import ParsedRow
from crm_tui.domain.values.folding import fold
from crm_tui.i18n import _
from crm_tui.importers.clients.owners import OwnerResolver
from crm_tui.importers.clients.row_keys import row_keys
from crm_tui.storage.bulk import insert_rows, next_ids
from crm_tui.storage.models import (
    ChannelKind,
    DealStatus,
    Direction,
    InteractionKind,
    TaskKind,
    TaskStatus,
    audit_entries,
    channels,
    client_sources,
    contacts,
    deals,
    field_values,
    import_changes,
    interactions,
    tasks,
)

PLANNED_CONTACT_AT = time(10, 0)
# Enum member access costs a descriptor call; a chunk reads these a hundred thousand times.
NOTE = InteractionKind.NOTE.value
INTERNAL = Direction.INTERNAL.value
OPEN_DEAL = DealStatus.OPEN.value
OPEN_TASK = TaskStatus.OPEN.value
CALL = TaskKind.CALL.value
PHONE = ChannelKind.PHONE.value
EMAIL = ChannelKind.EMAIL.value


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
    portrait_ids: Mapping[str, int] = field(default_factory=dict)
    """The id of each portrait field by key, for the columns mapped to the portrait."""


@dataclass
class ChunkWrites:
    """Everything a chunk writes besides new clients, collected and then written per table."""

    ctx: LoadContext
    contacts: list[dict[str, Any]] = field(default_factory=list)
    contact_logged: list[bool] = field(default_factory=list)
    contact_channels: list[list[dict[str, Any]]] = field(default_factory=list)
    channels: list[dict[str, Any]] = field(default_factory=list)
    channel_logged: list[bool] = field(default_factory=list)
    deals: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    task_deal: list[int | None] = field(default_factory=list)
    notes: list[dict[str, Any]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    created: dict[str, list[int]] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)
    sources: list[dict[str, Any]] = field(default_factory=list)
    portrait: list[dict[str, Any]] = field(default_factory=list)
    planned_contact: str = field(default_factory=lambda: _("Planned contact"))

    def change(
        self,
        entity: str,
        entity_id: int,
        action: str = "create",
        name: str | None = None,
        before: str | None = None,
        after: str | None = None,
    ) -> None:
        if action == "create":
            self.created.setdefault(entity, []).append(entity_id)
            return
        self.changes.append(
            {
                "batch_id": self.ctx.batch_id,
                "entity": entity,
                "entity_id": entity_id,
                "last_entity_id": None,
                "action": action,
                "field": name,
                "before": before,
                "after": after,
            }
        )

    def source(self, client_id: int, row: ParsedRow) -> None:
        c = self.ctx
        self.sources.append(
            {
                "client_id": client_id,
                "batch_id": c.batch_id,
                "file": c.file_name,
                "file_sha256": c.file_sha256,
                "sheet": row.source.sheet,
                "row": row.source.row,
                "created_at": c.now,
            }
        )

    def contact(self, client_id: int, row: ParsedRow, *, logged: bool) -> list[dict[str, Any]]:
        """A contact person; returns the list its channels go into (contact id set on write)."""
        assert row.contact_name is not None
        self.contacts.append(
            {
                "client_id": client_id,
                "full_name": row.contact_name[:200],
                "position": row.contact_position,
                "created_at": self.ctx.now,
            }
        )
        self.contact_logged.append(logged)
        own: list[dict[str, Any]] = []
        self.contact_channels.append(own)
        return own

    def channel(
        self,
        into: list[dict[str, Any]] | None,
        client_id: int,
        kind: str,
        value: str,
        raw: str,
        ext: str | None,
        *,
        logged: bool,
    ) -> None:
        row = {
            "client_id": client_id,
            "contact_id": None,
            "kind": kind,
            "value": value,
            "raw": raw[:500],
            "extension": ext,
        }
        (into if into is not None else self.channels).append(row)
        if into is None:
            self.channel_logged.append(logged)

    def client_of_one_row(self, client_id: int, row: ParsedRow, owner_id: int | None, name: str) -> None:
        """What a new client of one row (nearly every row of a file) brings besides its own
        row: as ``loader._insert_new`` writes for a group of rows, without a group's bookkeeping."""
        self.source(client_id, row)
        keys = row.keys if row.keys is not None else row_keys(row)
        into = self.contact(client_id, row, logged=False) if keys.contact_key else None
        found = [(PHONE, p.e164, p.raw, p.extension) for p in row.phones]
        found += [(EMAIL, e.value, e.raw, None) for e in row.emails]
        seen: set[tuple[str, str]] = set()
        for kind, value, raw, ext in found:
            # the same number twice (with two extensions) is one channel
            if len(found) == 1 or (kind, value) not in seen:
                seen.add((kind, value))
                self.channel(into, client_id, kind, value, raw, ext, logged=False)
        if row.note or row.next_action:
            # The deal's title is the name cut to 300 characters: a name that fits is folded already.
            title_key = keys.name_key if name == keys.name else None
            self.follow_ups(client_id, owner_id, name, (row,), has_open_deal=False, title_key=title_key)
        if row.portrait:
            portrait: dict[str, Any] = {}
            for key, value in row.portrait:
                portrait.setdefault(key, value)
            self.portrait.extend(
                {"client_id": client_id, "field_id": self.ctx.portrait_ids[key], "value": value}
                for key, value in portrait.items()
            )

    def follow_ups(
        self,
        client_id: int,
        owner_id: int | None,
        name: str,
        rows: Sequence[ParsedRow],
        *,
        has_open_deal: bool,
        title_key: str | None = None,
    ) -> bool:
        """Notes become timeline entries; a next-action date becomes a deal and a planned contact.
        ``title_key`` is ``fold(name[:300])`` when the caller has it (a row's folded name)."""
        c = self.ctx
        made = False
        planned_contact = self.planned_contact
        for row in rows:
            if row.note:
                self.notes.append(
                    {
                        "kind": NOTE,
                        "direction": INTERNAL,
                        "occurred_at": c.now,
                        "summary": row.note[:4000],
                        "client_id": client_id,
                        "user_id": c.user_id,
                        "created_at": c.now,
                        "channel": None,
                        "duration_s": None,
                        "deal_id": None,
                        "contact_id": None,
                    }
                )
                made = True
            if row.next_action:
                due = datetime.combine(row.next_action, PLANNED_CONTACT_AT, tzinfo=c.tz)
                deal_index = None
                if not has_open_deal:
                    self.deals.append(
                        {
                            "client_id": client_id,
                            "owner_id": owner_id,
                            "pipeline_id": c.pipeline_id,
                            "stage_id": c.first_stage_id,
                            "title": name[:300],
                            "title_key": title_key if title_key is not None else fold(name[:300]),
                            "amount": row.deal_amount or 0,
                            "next_action_at": due,
                            "status": OPEN_DEAL,
                            "stage_entered_at": c.now,
                            "created_at": c.now,
                            "updated_at": c.now,
                            "version": 1,
                            "expected_close": None,
                            "lost_reason": None,
                            "closed_at": None,
                        }
                    )
                    deal_index = len(self.deals) - 1
                    has_open_deal = True
                self.tasks.append(
                    {
                        "title": planned_contact,
                        "kind": CALL,
                        "due_at": due,
                        "assignee_id": owner_id,
                        "client_id": client_id,
                        "deal_id": None,
                        "status": OPEN_TASK,
                        "created_by_id": c.user_id,
                        "created_at": c.now,
                        "version": 1,
                        "result": None,
                        "completed_at": None,
                    }
                )
                self.task_deal.append(deal_index)
                made = True
        return made

    def flush(self, session: Session) -> None:
        contact_ids = insert_with_ids(session, contacts, self.contacts)
        for contact_id, logged, own in zip(
            contact_ids, self.contact_logged, self.contact_channels, strict=True
        ):
            if logged:
                self.change("contact", contact_id)
            for row in own:
                row["contact_id"] = contact_id
                self.channels.append(row)
                self.channel_logged.append(logged)
        for channel_id, logged in zip(
            insert_with_ids(session, channels, self.channels), self.channel_logged, strict=True
        ):
            if logged:
                self.change("channel", channel_id)
        deal_ids = insert_with_ids(session, deals, self.deals)
        for task, deal_index in zip(self.tasks, self.task_deal, strict=True):
            if deal_index is not None:
                task["deal_id"] = deal_ids[deal_index]
        for entity, ids in (
            ("deal", deal_ids),
            ("task", insert_with_ids(session, tasks, self.tasks)),
            ("interaction", insert_with_ids(session, interactions, self.notes)),
        ):
            self.created.setdefault(entity, []).extend(ids)
        for entity, created in self.created.items():
            for first, last in runs(created):
                self.changes.append(
                    {
                        "batch_id": self.ctx.batch_id,
                        "entity": entity,
                        "entity_id": first,
                        "last_entity_id": last,
                        "action": "create",
                        "field": None,
                        "before": None,
                        "after": None,
                    }
                )
        for table, rows in (
            (field_values, self.portrait),
            (import_changes, self.changes),
            (audit_entries, self.audit),
            (client_sources, self.sources),
        ):
            insert_rows(session, table, rows)


def insert_with_ids(session: Session, table: Table, rows: list[dict[str, Any]]) -> list[int]:
    if not rows:
        return []
    ids = next_ids(session, table, len(rows))
    for row_id, row in zip(ids, rows, strict=True):
        row["id"] = row_id
    insert_rows(session, table, rows)
    return ids


def runs(ids: list[int]) -> list[tuple[int, int]]:
    """``[1, 2, 3, 7, 8]`` -> ``[(1, 3), (7, 8)]``."""
    runs: list[tuple[int, int]] = []
    for value in sorted(ids):
        if runs and runs[-1][1] == value - 1:
            runs[-1] = (runs[-1][0], value)
        else:
            runs.append((value, value))
    return runs
