"""What happens with a client: interactions (calls, letters, meetings) and tasks."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table

from crm_tui.storage.tables.base import BigId, metadata
from crm_tui.storage.types import UTCDateTime


class InteractionKind(StrEnum):
    CALL = "call"
    EMAIL = "email"
    MESSAGE = "message"
    MEETING = "meeting"
    NOTE = "note"


class Direction(StrEnum):
    INBOUND = "inbound"
    OUTBOUND = "outbound"
    INTERNAL = "internal"


class TaskStatus(StrEnum):
    OPEN = "open"
    DONE = "done"
    CANCELLED = "cancelled"


class TaskKind(StrEnum):
    CALL = "call"
    MEETING = "meeting"
    EMAIL = "email"
    TODO = "todo"


interactions = Table(
    "interactions",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("direction", String(16), nullable=False, default=Direction.OUTBOUND),
    Column("channel", String(32), nullable=True),
    Column("occurred_at", UTCDateTime, nullable=False),
    Column("duration_s", Integer, nullable=True),
    Column("summary", String(4000), nullable=False, default=""),
    Column("client_id", Integer, ForeignKey("clients.id"), nullable=True),
    Column("deal_id", Integer, ForeignKey("deals.id"), nullable=True, index=True),
    Column("contact_id", Integer, ForeignKey("contacts.id"), nullable=True),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("lead_id", Integer, nullable=True, index=True),
    # What a touch that came in by itself is called at its source (``asterisk:1733296503.1``):
    # the same event arriving twice is the same touch.
    # The request the touch belongs to (``leads.id``); no foreign key: adding one would make
    # SQLite rebuild the biggest table of the base. A converted lead's touches keep it and gain
    # the client.
    Column("external_id", String(200), nullable=True),
    Index("ix_interactions_client_time", "client_id", "occurred_at"),
    # The desk's "recent inbound" reads only the inbound touches of the user's clients.
    Index("ix_interactions_client_direction_time", "client_id", "direction", "occurred_at"),
    Index("ix_interactions_direction_time", "direction", "occurred_at"),
    # Deleting a contact checks that no interaction points at it (an undo, a merge).
    Index("ix_interactions_contact", "contact_id"),
    # A touch that came in by itself is stored once (an index: no rebuild of the table).
    Index("uq_interactions_external_id", "external_id", unique=True),
)


tasks = Table(
    "tasks",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("title", String(300), nullable=False),
    Column("kind", String(16), nullable=False, default=TaskKind.TODO),
    Column("due_at", UTCDateTime, nullable=False),
    Column("assignee_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("client_id", Integer, ForeignKey("clients.id"), nullable=True),
    Column("deal_id", Integer, ForeignKey("deals.id"), nullable=True, index=True),
    Column("status", String(16), nullable=False, default=TaskStatus.OPEN),
    Column("result", String(2000), nullable=True),
    Column("completed_at", UTCDateTime, nullable=True),
    Column("created_by_id", Integer, ForeignKey("users.id"), nullable=True),
    # What the person who set the task by hand wrote for the assignee.
    Column("note", String(2000), nullable=True),
    # What made the task when no person did (``segment:lost`` for a work rule), so a job run
    # twice finds its own open task and does not make a second one.
    Column("origin", String(32), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    Index("ix_tasks_assignee_status_due", "assignee_id", "status", "due_at"),
    Index("ix_tasks_client", "client_id"),
    # "Set by me": the setter's list, and the desk's "done by colleagues".
    Index("ix_tasks_created_by_status", "created_by_id", "status", "completed_at"),
)
