"""The client's timeline: everything that happened to a client, newest first, a page at a time.

Seven sources (touches, deal stage moves, tasks set and done, audited changes, import rows,
segment moves by a recompute) are
read each through its own index with the same keyset condition and merged here, so a client
with thousands of calls costs a page of index reads, whichever page is asked for. The cursor is
the last entry's position ``(at, source, id)``; the order is ``at`` descending, then source,
then id descending, which is total, so no entry is shown twice or skipped between pages.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, and_, or_, select

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import visible_clients
from crm_tui.domain.audit.trail import AuditLine, change_details, with_people
from crm_tui.domain.audit.words import CLIENT_EVENT_NAMES
from crm_tui.domain.captions import SEGMENT_NAMES
from crm_tui.domain.contacts.moves import HIDDEN, visible_names
from crm_tui.domain.errors import InvalidInput, not_found
from crm_tui.i18n import N_, _
from crm_tui.storage.tables.activity import interactions, tasks
from crm_tui.storage.tables.clients import clients
from crm_tui.storage.tables.deals import deal_stage_changes, deals, stages
from crm_tui.storage.tables.imports import client_sources, import_batches
from crm_tui.storage.tables.sales import segment_changes
from crm_tui.storage.tables.team import audit_entries, users

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

PAGE = 30
SOURCES = ("touch", "stage", "task_done", "task_set", "change", "import", "segment")
"""Source names in the order entries at the same instant are listed."""


@dataclass(frozen=True)
class Cursor:
    at: datetime
    source: int
    id: int

    def encode(self) -> str:
        return f"{self.at.isoformat()}/{self.source}/{self.id}"

    @classmethod
    def decode(cls, text: str) -> Cursor:
        try:
            at, source, ident = text.rsplit("/", 2)
            cursor = cls(datetime.fromisoformat(at), int(source), int(ident))
        except ValueError:
            raise InvalidInput(
                "timeline.cursor_invalid",
                N_("timeline cursor {cursor!r} is not one this command printed"),
                cursor=text,
            ) from None
        if cursor.at.tzinfo is None or not 0 <= cursor.source < len(SOURCES):
            raise InvalidInput(
                "timeline.cursor_invalid",
                N_("timeline cursor {cursor!r} is not one this command printed"),
                cursor=text,
            )
        return cursor


@dataclass(frozen=True)
class TimelineEntry:
    at: datetime
    source: str
    """One of ``SOURCES``."""
    kind: str
    """What a person calls it: the touch kind (call, email, ...), ``deal``, ``task``, ``done``,
    ``change``, ``import``."""
    text: str
    user: str | None
    ref: int
    """What to open for it: the interaction, task, deal (for a stage move), audit row or
    source row."""
    direction: str | None
    row: int
    """The id of the entry's own row in its source table, which orders equal instants."""

    @property
    def cursor(self) -> Cursor:
        return Cursor(self.at, SOURCES.index(self.source), self.row)


@dataclass(frozen=True)
class TimelinePage:
    entries: list[TimelineEntry]
    next: Cursor | None
    """Where the next (older) page starts; ``None`` on the last page."""


def _after(at: Any, ident: Any, source: int, cursor: Cursor | None) -> ColumnElement[bool] | None:
    """Rows of ``source`` that come after ``cursor`` in the timeline's order."""
    if cursor is None:
        return None
    if source > cursor.source:
        return at <= cursor.at  # type: ignore[no-any-return]
    if source < cursor.source:
        return at < cursor.at  # type: ignore[no-any-return]
    return or_(at < cursor.at, and_(at == cursor.at, ident < cursor.id))


def _page(query: Select[Any], at: Any, ident: Any, source: int, cursor: Cursor | None, n: int) -> Select[Any]:
    condition = _after(at, ident, source, cursor)
    if condition is not None:
        query = query.where(condition)
    return query.order_by(at.desc(), ident.desc()).limit(n)


def client_timeline(
    session: Unit, viewer: Viewer, client_id: int, cursor: Cursor | None = None, limit: int = PAGE
) -> TimelinePage:
    """One page of the client's timeline, ``NotFound`` for a client the viewer may not see."""
    if session.scalar(select(clients.c.id).where(clients.c.id == client_id, visible_clients(viewer))) is None:
        raise not_found("client", client_id)
    n = limit + 1
    found: list[TimelineEntry] = []
    for read in _READERS:
        found += read(session, viewer, client_id, cursor, n)
    found.sort(key=lambda e: (-e.at.timestamp(), SOURCES.index(e.source), -e.row))
    page = found[:limit]
    more = len(found) > limit
    return TimelinePage(page, page[-1].cursor if more and page else None)


def _touches(
    session: Unit, viewer: Viewer, client_id: int, cursor: Cursor | None, n: int
) -> Iterable[TimelineEntry]:
    i = interactions.c
    query = (
        select(i.id, i.occurred_at, i.kind, i.direction, i.summary, users.c.full_name)
        .select_from(interactions.outerjoin(users, users.c.id == i.user_id))
        .where(i.client_id == client_id)
    )
    for r in session.execute(_page(query, i.occurred_at, i.id, 0, cursor, n)):
        yield TimelineEntry(r.occurred_at, "touch", r.kind, r.summary, r.full_name, r.id, r.direction, r.id)


def _stage_moves(
    session: Unit, viewer: Viewer, client_id: int, cursor: Cursor | None, n: int
) -> Iterable[TimelineEntry]:
    h = deal_stage_changes.c
    before, after = stages.alias(), stages.alias()
    deal_ids = list(session.scalars(select(deals.c.id).where(deals.c.client_id == client_id)))
    if not deal_ids:
        return
    query = (
        select(
            h.id,
            h.at,
            h.deal_id,
            h.comment,
            deals.c.title,
            before.c.name.label("was"),
            after.c.name.label("now"),
            users.c.full_name,
        )
        .select_from(
            deal_stage_changes.join(deals, deals.c.id == h.deal_id)
            .join(after, after.c.id == h.to_stage_id)
            .outerjoin(before, before.c.id == h.from_stage_id)
            .outerjoin(users, users.c.id == h.user_id)
        )
        .where(h.deal_id.in_(deal_ids))
    )
    for r in session.execute(_page(query, h.at, h.id, 1, cursor, n)):
        move = f"{r.was} → {r.now}" if r.was else f"opened in {r.now}"
        text = f"«{r.title}»: {move}" + (f" — {r.comment}" if r.comment else "")
        yield TimelineEntry(r.at, "stage", "deal", text, r.full_name, r.deal_id, None, r.id)


def _tasks_done(
    session: Unit, viewer: Viewer, client_id: int, cursor: Cursor | None, n: int
) -> Iterable[TimelineEntry]:
    t = tasks.c
    query = (
        select(t.id, t.completed_at, t.title, t.result, t.status, users.c.full_name)
        .select_from(tasks.outerjoin(users, users.c.id == t.assignee_id))
        .where(t.client_id == client_id, t.completed_at.is_not(None))
    )
    for r in session.execute(_page(query, t.completed_at, t.id, 2, cursor, n)):
        text = r.title + (f": {r.result}" if r.result else "")
        kind = "done" if r.status == "done" else r.status
        yield TimelineEntry(r.completed_at, "task_done", kind, text, r.full_name, r.id, None, r.id)


def _tasks_set(
    session: Unit, viewer: Viewer, client_id: int, cursor: Cursor | None, n: int
) -> Iterable[TimelineEntry]:
    t = tasks.c
    query = (
        select(t.id, t.created_at, t.title, t.due_at, users.c.full_name)
        .select_from(tasks.outerjoin(users, users.c.id == t.assignee_id))
        .where(t.client_id == client_id)
    )
    for r in session.execute(_page(query, t.created_at, t.id, 3, cursor, n)):
        yield TimelineEntry(r.created_at, "task_set", "task", r.title, r.full_name, r.id, None, r.id)


def _changes(
    session: Unit, viewer: Viewer, client_id: int, cursor: Cursor | None, n: int
) -> Iterable[TimelineEntry]:
    a = audit_entries.c
    query = (
        select(a.id, a.at, a.action, a.changes, users.c.full_name)
        .select_from(audit_entries.outerjoin(users, users.c.id == a.user_id))
        .where(a.entity == "client", a.entity_id == client_id)
    )
    rows = session.execute(_page(query, a.at, a.id, 4, cursor, n)).all()
    moved = {r.changes.get("company_id") for r in rows if r.action in ("contact_left", "contact_joined")}
    companies = visible_names(session, viewer, {i for i in moved if isinstance(i, int)})
    for r in rows:
        if r.action in ("contact_left", "contact_joined") and "company_id" in (r.changes or {}):
            named = {("company" if k == "company_id" else k): v for k, v in r.changes.items()}
            named["company"] = companies.get(r.changes["company_id"], HIDDEN)
            r.changes.clear()
            r.changes.update(named)
    lines = with_people(
        session,
        [
            AuditLine(r.id, r.at, r.full_name, "client", client_id, r.action, dict(r.changes or {}))
            for r in rows
        ],
    )
    for line in lines:
        details = change_details(line)
        text = CLIENT_EVENT_NAMES.caption(line.action).replace("_", " ") + (
            f" ({details})" if details else ""
        )
        yield TimelineEntry(line.at, "change", "change", text, line.user, line.id, None, line.id)


def _imports(
    session: Unit, viewer: Viewer, client_id: int, cursor: Cursor | None, n: int
) -> Iterable[TimelineEntry]:
    s, b = client_sources.c, import_batches.c
    query = (
        select(s.id, s.created_at, s.file, s.sheet, s.row, s.batch_id, users.c.full_name)
        .select_from(
            client_sources.outerjoin(import_batches, b.id == s.batch_id).outerjoin(
                users, users.c.id == b.user_id
            )
        )
        .where(s.client_id == client_id)
    )
    for r in session.execute(_page(query, s.created_at, s.id, 5, cursor, n)):
        where = _("{file}, sheet {sheet}, row {row}").format(file=r.file, sheet=r.sheet, row=r.row)
        text = where + (" " + _("(import {batch})").format(batch=r.batch_id) if r.batch_id else "")
        yield TimelineEntry(r.created_at, "import", "import", text, r.full_name, r.id, None, r.id)


def _segment(code: str | None) -> str:
    """A segment as the card names it: its caption, or "no segment"."""
    return SEGMENT_NAMES.caption(code) if code else _("no segment")


def _segment_moves(
    session: Unit, viewer: Viewer, client_id: int, cursor: Cursor | None, n: int
) -> Iterable[TimelineEntry]:
    """Moves made by a recompute; a person's own choice is in the audited changes already."""
    sc = segment_changes.c
    query = (
        select(sc.id, sc.at, sc.from_segment, sc.to_segment, users.c.full_name)
        .select_from(segment_changes.outerjoin(users, users.c.id == sc.user_id))
        .where(sc.client_id == client_id, sc.manual.is_(False))
    )
    for r in session.execute(_page(query, sc.at, sc.id, 6, cursor, n)):
        text = _("{before} → {after} (recompute)").format(
            before=_segment(r.from_segment), after=_segment(r.to_segment)
        )
        yield TimelineEntry(r.at, "segment", "segment", text, r.full_name, r.id, None, r.id)


Reader = Callable[["Unit", Viewer, int, "Cursor | None", int], Iterable[TimelineEntry]]
_READERS: Sequence[Reader] = (
    _touches,
    _stage_moves,
    _tasks_done,
    _tasks_set,
    _changes,
    _imports,
    _segment_moves,
)
