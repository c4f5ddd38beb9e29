"""What a chunk writes besides the new clients' own rows, collected while the chunk is grouped
and matched, then written table by table (``executemany``, ids allocated up front so that later
rows can point to earlier ones).

The rows of the tables every imported row adds to (provenance, contacts, channels, deals,
tasks, notes) are tuples in the order of their table's ``*_KEYS``, not dicts: a dict per row and
table, built only to be taken apart again by the bulk insert, was about a tenth of the
importing process's work. A row's id (and a channel's contact, a task's deal, which are known
only once those are written) goes in front of it when it is written.
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
from crm_tui.importers.clients.row_keys import keys_of
from crm_tui.storage.bulk import insert_rows, insert_tuples, next_ids, next_ids_of
from crm_tui.storage.copies_behind import CopiesBehind
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

SOURCE_KEYS = ("client_id", "batch_id", "file", "file_sha256", "sheet", "row", "created_at")
CONTACT_KEYS = ("id", "client_id", "full_name", "position", "created_at")
CHANNEL_KEYS = ("id", "contact_id", "client_id", "kind", "value", "raw", "extension")
"""A collected channel has no id yet; one of a contact has no contact id yet either."""
DEAL_KEYS = (
    "id", "client_id", "owner_id", "pipeline_id", "stage_id", "title", "title_key", "amount",
    "next_action_at", "status", "stage_entered_at", "created_at", "updated_at", "version",
    "expected_close", "lost_reason", "closed_at",
)  # fmt: skip
DEAL_OWNER = DEAL_KEYS.index("owner_id") - 1
"""Where a collected deal (no id yet) holds its owner."""
TASK_KEYS = (
    "id", "deal_id", "title", "kind", "due_at", "assignee_id", "client_id", "status", "created_by_id",
    "created_at", "version", "result", "completed_at",
)  # fmt: skip
"""A collected task has no id and no deal id yet."""
NOTE_KEYS = (
    "id", "kind", "direction", "occurred_at", "summary", "client_id", "user_id", "created_at", "channel",
    "duration_s", "deal_id", "contact_id",
)  # fmt: skip


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
    contacts: list[tuple[Any, ...]] = field(default_factory=list)
    contact_logged: list[bool] = field(default_factory=list)
    contact_channels: list[list[tuple[Any, ...]]] = field(default_factory=list)
    channels: list[tuple[Any, ...]] = field(default_factory=list)
    """Channels of no contact: ``CHANNEL_KEYS`` but the id (the contact id ``None``)."""
    channel_logged: list[bool] = field(default_factory=list)
    deals: list[tuple[Any, ...]] = field(default_factory=list)
    tasks: list[tuple[Any, ...]] = field(default_factory=list)
    task_deal: list[int | None] = field(default_factory=list)
    notes: list[tuple[Any, ...]] = field(default_factory=list)
    changes: list[dict[str, Any]] = field(default_factory=list)
    created: dict[str, list[int]] = field(default_factory=dict)
    audit: list[dict[str, Any]] = field(default_factory=list)
    sources: list[tuple[Any, ...]] = field(default_factory=list)
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
        source = row.source
        self.sources.append(
            (client_id, c.batch_id, c.file_name, c.file_sha256, source.sheet, source.row, c.now)
        )

    def contact(self, client_id: int, row: ParsedRow, *, logged: bool) -> list[tuple[Any, ...]]:
        """A contact person; returns the list its channels go into (contact id set on write)."""
        assert row.contact_name is not None
        self.contacts.append((client_id, row.contact_name[:200], row.contact_position, self.ctx.now))
        self.contact_logged.append(logged)
        own: list[tuple[Any, ...]] = []
        self.contact_channels.append(own)
        return own

    def channel(
        self,
        into: list[tuple[Any, ...]] | None,
        client_id: int,
        kind: str,
        value: str,
        raw: str,
        ext: str | None,
        *,
        logged: bool,
    ) -> None:
        if into is not None:
            into.append((client_id, kind, value, raw[:500], ext))
            return
        self.channels.append((None, client_id, kind, value, raw[:500], ext))
        self.channel_logged.append(logged)

    def client_of_one_row(self, client_id: int, row: ParsedRow, owner_id: int | None, name: str) -> None:
        """What a new client of one row (nearly every row of a file) brings besides its own
        row: as ``loader._insert_new`` writes for a group of rows, without a group's bookkeeping."""
        self.source(client_id, row)
        keys = keys_of(row)
        into = self.contact(client_id, row, logged=False) if keys.contact_key else None
        found = channel_rows(row)
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

    def deal_owners(self) -> list[int | None]:
        """The owners of the deals collected."""
        return [deal[DEAL_OWNER] for deal in self.deals]

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
                    (
                        NOTE,
                        INTERNAL,
                        c.now,
                        row.note[:4000],
                        client_id,
                        c.user_id,
                        c.now,
                        None,
                        None,
                        None,
                        None,
                    )
                )
                made = True
            if row.next_action:
                due = datetime.combine(row.next_action, PLANNED_CONTACT_AT, tzinfo=c.tz)
                deal_index = None
                if not has_open_deal:
                    self.deals.append((
                        client_id, owner_id, c.pipeline_id, c.first_stage_id, name[:300],
                        title_key if title_key is not None else fold(name[:300]), row.deal_amount or 0,
                        due, OPEN_DEAL, c.now, c.now, c.now, 1, None, None, None,
                    ))  # fmt: skip
                    deal_index = len(self.deals) - 1
                    has_open_deal = True
                self.tasks.append(
                    (
                        planned_contact,
                        CALL,
                        due,
                        owner_id,
                        client_id,
                        OPEN_TASK,
                        c.user_id,
                        c.now,
                        1,
                        None,
                        None,
                    )
                )
                self.task_deal.append(deal_index)
                made = True
        return made

    def flush(self, session: Session, behind: CopiesBehind | None = None) -> None:
        """Every table's rows written, with ids allocated for them all at once (on PostgreSQL
        one statement: the chunk's ``COPY``s, which ``behind`` sends, wait for it only once)."""
        contact_rows = sum(len(own) for own in self.contact_channels)
        contact_ids, channel_ids, deal_ids, task_ids, note_ids = next_ids_of(
            session,
            [
                (contacts, len(self.contacts)),
                (channels, len(self.channels) + contact_rows),
                (deals, len(self.deals)),
                (tasks, len(self.tasks)),
                (interactions, len(self.notes)),
            ],
        )
        insert_with_ids(session, contacts, CONTACT_KEYS, contact_ids, self.contacts, behind)
        for contact_id, logged, own in zip(
            contact_ids, self.contact_logged, self.contact_channels, strict=True
        ):
            if logged:
                self.change("contact", contact_id)
            for row in own:
                self.channels.append((contact_id, *row))
                self.channel_logged.append(logged)
        insert_with_ids(session, channels, CHANNEL_KEYS, channel_ids, self.channels, behind)
        for channel_id, logged in zip(channel_ids, self.channel_logged, strict=True):
            if logged:
                self.change("channel", channel_id)
        insert_with_ids(session, deals, DEAL_KEYS, deal_ids, self.deals, behind)
        task_rows = [
            (None if deal_index is None else deal_ids[deal_index], *task)
            for task, deal_index in zip(self.tasks, self.task_deal, strict=True)
        ]
        insert_with_ids(session, tasks, TASK_KEYS, task_ids, task_rows, behind)
        insert_with_ids(session, interactions, NOTE_KEYS, note_ids, self.notes, behind)
        for entity, ids in (("deal", deal_ids), ("task", task_ids), ("interaction", note_ids)):
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
        ):
            insert_rows(session, table, rows, behind)
        insert_tuples(session, client_sources, SOURCE_KEYS, self.sources, behind)


def channel_rows(row: ParsedRow) -> list[tuple[str, str, str, str | None]]:
    """A row's phones and e-mails as ``(kind, value, as written, extension)``."""
    found = [(PHONE, p.e164, p.raw, p.extension) for p in row.phones]
    found += [(EMAIL, e.value, e.raw, None) for e in row.emails]
    return found


def insert_tuples_with_ids(
    session: Session,
    table: Table,
    keys: tuple[str, ...],
    rows: list[tuple[Any, ...]],
    behind: CopiesBehind | None = None,
) -> list[int]:
    """``rows`` (``keys`` but the first, the id) written with new ids; the ids."""
    if not rows:
        return []
    ids = next_ids(session, table, len(rows))
    insert_with_ids(session, table, keys, ids, rows, behind)
    return ids


def insert_with_ids(
    session: Session,
    table: Table,
    keys: tuple[str, ...],
    ids: list[int],
    rows: list[tuple[Any, ...]],
    behind: CopiesBehind | None = None,
) -> None:
    """``rows`` (``keys`` but the first, the id) written with ``ids``, allocated for them."""
    with_ids = [(row_id, *row) for row_id, row in zip(ids, rows, strict=True)]
    insert_tuples(session, table, keys, with_ids, behind)


def runs(ids: list[int]) -> list[tuple[int, int]]:
    """``[1, 2, 3, 7, 8]`` -> ``[(1, 3), (7, 8)]``."""
    runs: list[tuple[int, int]] = []
    for value in sorted(ids):
        if runs and runs[-1][1] == value - 1:
            runs[-1] = (runs[-1][0], value)
        else:
            runs.append((value, value))
    return runs
