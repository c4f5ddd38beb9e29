"""Every table of crm_tui.

Enumerated values are stored as short strings (with the allowed values in ``StrEnum``s) rather
than database enum types, so that adding a value never needs an ``ALTER TYPE`` on PostgreSQL.
Money is integer kopecks; timestamps are aware UTC (see ``crm_tui.storage.types``).
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlmodel import Field, SQLModel

from crm_tui.storage.types import UTCDateTime

BigId = BigInteger().with_variant(Integer, "sqlite")

# Deterministic constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Role(StrEnum):
    MANAGER = "manager"
    HEAD = "head"
    ADMIN = "admin"
    OPS = "ops"
    ACCOUNTANT = "accountant"


class ClientKind(StrEnum):
    COMPANY = "company"
    PERSON = "person"


class ClientStatus(StrEnum):
    LEAD = "lead"
    PROSPECT = "prospect"
    CUSTOMER = "customer"


class ChannelKind(StrEnum):
    PHONE = "phone"
    EMAIL = "email"
    MESSENGER = "messenger"


class DealStatus(StrEnum):
    OPEN = "open"
    WON = "won"
    LOST = "lost"


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


def _str(length: int, **kw: Any) -> Any:
    return Field(sa_type=String(length), **kw)


class User(SQLModel, table=True):
    __tablename__ = "users"
    # One extension, one person (an index: SQLite would rebuild the table for a constraint).
    __table_args__ = (Index("uq_users_extension", "extension", unique=True),)

    id: int | None = Field(default=None, primary_key=True)
    login: str = Field(sa_type=String(64), unique=True, index=True)
    full_name: str = _str(200)
    role: str = _str(16, default=Role.MANAGER)
    region: str | None = _str(100, default=None, nullable=True)
    monthly_target: int = Field(default=0, sa_type=BigInteger)
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)
    extension: str | None = Field(default=None, sa_type=String(16), nullable=True)
    """The telephone extension a PBX reports for the calls this person takes and makes."""


class Client(SQLModel, table=True):
    """A company or a person we sell to.

    ``name_key`` (case-folded name, ё folded to е) orders lists and ``search_text`` holds
    everything the `/` search matches on, pre-folded, so that search is one ``LIKE`` that behaves
    the same for Cyrillic on SQLite (whose ``LIKE`` folds ASCII only) and on PostgreSQL.
    """

    __tablename__ = "clients"
    __table_args__ = (
        # Covers the access and filter columns, so a page walk never reads rows it won't show.
        Index("ix_clients_name_key_id", "name_key", "id", "owner_id", "region", "status"),
        Index("ix_clients_owner_name", "owner_id", "name_key", "id"),
        Index("ix_clients_region_name", "region", "name_key", "id"),
        Index("ix_clients_inn", "inn"),
        Index("ix_clients_segment_purchase", "segment", "last_purchase_on", "id"),
        Index("ix_clients_segment_total", "segment", "sales_total", "id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    kind: str = _str(16, default=ClientKind.COMPANY)
    name: str = _str(300)
    legal_form: str | None = _str(32, default=None, nullable=True)
    inn: str | None = _str(12, default=None, nullable=True)
    kpp: str | None = _str(9, default=None, nullable=True)
    ogrn: str | None = _str(15, default=None, nullable=True)
    legal_address: str | None = _str(500, default=None, nullable=True)
    bik: str | None = _str(9, default=None, nullable=True)
    account: str | None = _str(20, default=None, nullable=True)
    """The settlement account at the bank ``bik``, its key checked against the BIK."""
    city: str | None = _str(100, default=None, nullable=True)
    region: str | None = _str(100, default=None, nullable=True)
    owner_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    status: str = _str(16, default=ClientStatus.LEAD)
    name_key: str = _str(300)
    search_text: str = Field(default="", sa_type=String(2000))
    segment: str | None = _str(16, default=None, nullable=True)
    segment_manual: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    last_purchase_on: date | None = None
    sales_total: int = Field(default=0, sa_type=BigInteger, sa_column_kwargs={"server_default": "0"})
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = 1


class Contact(SQLModel, table=True):
    __tablename__ = "contacts"

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", index=True, ondelete="CASCADE")
    full_name: str = _str(200)
    position: str | None = _str(200, default=None, nullable=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


class ContactJob(SQLModel, table=True):
    """A job a contact had before moving to another company (seed 001): the person keeps one
    record and one history; the current job is the contact row itself."""

    __tablename__ = "contact_jobs"
    __table_args__ = (
        Index("ix_contact_jobs_contact", "contact_id"),
        Index("ix_contact_jobs_client", "client_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contact_id: int = Field(foreign_key="contacts.id", ondelete="CASCADE")
    client_id: int = Field(foreign_key="clients.id")
    position: str | None = _str(200, default=None, nullable=True)
    left_at: datetime = Field(sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)


class ContactChannel(SQLModel, table=True):
    """A phone, e-mail or messenger handle of a client or of one of its contacts.

    ``value`` is normalised (E.164, lower-cased e-mail) and is what duplicate checks compare;
    ``raw`` keeps what a person typed or a file held.
    """

    __tablename__ = "contact_channels"
    __table_args__ = (
        Index("ix_channels_kind_value", "kind", "value"),
        # A deleted contact sets its channels' contact_id to NULL: found by this, not a scan.
        Index("ix_contact_channels_contact", "contact_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", index=True, ondelete="CASCADE")
    contact_id: int | None = Field(
        default=None, foreign_key="contacts.id", nullable=True, ondelete="SET NULL"
    )
    kind: str = _str(16)
    value: str = _str(320)
    raw: str = _str(500)
    extension: str | None = _str(16, default=None, nullable=True)


class Pipeline(SQLModel, table=True):
    __tablename__ = "pipelines"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(100), unique=True)
    position: int = 0
    is_default: bool = False


class Stage(SQLModel, table=True):
    """A step of a pipeline. ``code`` names the shipped stages whose meaning rules rely on
    (``awaiting_payment`` feeds a desk KPI, ``proposal`` and ``invoice`` the warm segment)."""

    __tablename__ = "stages"
    __table_args__ = (UniqueConstraint("pipeline_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    pipeline_id: int = Field(foreign_key="pipelines.id", index=True)
    name: str = _str(100)
    code: str | None = _str(32, default=None, nullable=True)
    position: int
    probability: int = 0
    is_won: bool = False
    is_lost: bool = False
    stuck_after_days: int | None = None
    """A deal longer than this in the stage is stuck: it stands out and its owner is reminded."""


class Deal(SQLModel, table=True):
    __tablename__ = "deals"
    __table_args__ = (
        Index("ix_deals_owner_status_stage", "owner_id", "status", "stage_id"),
        Index("ix_deals_status_closed", "status", "closed_at"),
        # A kanban column is a walk along this index (oldest first; the closed, newest first).
        Index("ix_deals_stage_entered", "stage_id", "stage_entered_at", "id"),
        # Covers the kanban's counts and sums per stage (open, or closed lately) for any viewer.
        Index("ix_deals_board", "pipeline_id", "status", "stage_id", "closed_at", "owner_id", "amount"),
    )

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", index=True)
    owner_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    pipeline_id: int = Field(foreign_key="pipelines.id")
    stage_id: int = Field(foreign_key="stages.id", index=True)
    title: str = _str(300)
    title_key: str = _str(300, default="", sa_column_kwargs={"server_default": ""})
    """The title folded as ``crm_tui.domain.values.folding.fold`` does (any case, ё = е), for the
    deal search; every writer of deals stores it beside the title."""
    amount: int = Field(default=0, sa_type=BigInteger)
    expected_close: date | None = None
    next_action_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    status: str = _str(16, default=DealStatus.OPEN)
    lost_reason: str | None = _str(500, default=None, nullable=True)
    lost_comment: str | None = Field(default=None, sa_type=String(2000), nullable=True)
    furthest_position: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    """The position of the furthest open (or won) stage the deal was ever in: how far it got,
    for the funnel's reach, without reading its whole stage history."""
    stage_entered_at: datetime = Field(sa_type=UTCDateTime)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = 1


class Interaction(SQLModel, table=True):
    __tablename__ = "interactions"
    __table_args__ = (
        Index("ix_interactions_client_time", "client_id", "occurred_at"),
        # The desk's "recent inbound" reads only the inbound touches of the user's clients.
        Index("ix_interactions_client_direction_time", "client_id", "direction", "occurred_at"),
        Index("ix_interactions_direction_time", "direction", "occurred_at"),
        # Deleting a contact checks that no interaction points at it (an undo, a merge).
        Index("ix_interactions_contact", "contact_id"),
        # A touch that came in by itself is stored once (an index: no rebuild of the table).
        Index("uq_interactions_external_id", "external_id", unique=True),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    kind: str = _str(16)
    direction: str = _str(16, default=Direction.OUTBOUND)
    channel: str | None = _str(32, default=None, nullable=True)
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    duration_s: int | None = None
    summary: str = Field(default="", sa_type=String(4000))
    client_id: int | None = Field(default=None, foreign_key="clients.id", nullable=True)
    deal_id: int | None = Field(default=None, foreign_key="deals.id", nullable=True, index=True)
    contact_id: int | None = Field(default=None, foreign_key="contacts.id", nullable=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    lead_id: int | None = Field(default=None, nullable=True, index=True)
    external_id: str | None = Field(default=None, sa_type=String(200), nullable=True)
    """What a touch that came in by itself is called at its source (``asterisk:1733296503.1``):
    the same event arriving twice is the same touch."""
    """The request the touch belongs to (``leads.id``); no foreign key: adding one would make
    SQLite rebuild the biggest table of the base. A converted lead's touches keep it and gain
    the client."""


class Task(SQLModel, table=True):
    __tablename__ = "tasks"
    __table_args__ = (
        Index("ix_tasks_assignee_status_due", "assignee_id", "status", "due_at"),
        Index("ix_tasks_client", "client_id"),
        # "Set by me": the setter's list, and the desk's "done by colleagues".
        Index("ix_tasks_created_by_status", "created_by_id", "status", "completed_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    title: str = _str(300)
    kind: str = _str(16, default=TaskKind.TODO)
    due_at: datetime = Field(sa_type=UTCDateTime)
    assignee_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    client_id: int | None = Field(default=None, foreign_key="clients.id", nullable=True)
    deal_id: int | None = Field(default=None, foreign_key="deals.id", nullable=True, index=True)
    status: str = _str(16, default=TaskStatus.OPEN)
    result: str | None = Field(default=None, sa_type=String(2000), nullable=True)
    completed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    note: str | None = Field(default=None, sa_type=String(2000), nullable=True)
    """What the person who set the task by hand wrote for the assignee."""
    origin: str | None = _str(32, default=None, nullable=True)
    """What made the task when no person did (``segment:lost`` for a work rule), so a job run
    twice finds its own open task and does not make a second one."""
    created_at: datetime = Field(sa_type=UTCDateTime)
    version: int = 1


class DealLine(SQLModel, table=True):
    """What a deal sells: a product or service, how many, at what price, with which VAT rate.

    ``price`` is kopecks per unit, ``quantity`` thousandths of a unit (1.5 hours is 1500), so
    ``total`` (kopecks, rounded half up) stays integer arithmetic; a deal with lines has their
    sum as its amount. Invoices and contracts will be filled from these rows."""

    __tablename__ = "deal_lines"
    __table_args__ = (Index("ix_deal_lines_deal", "deal_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", ondelete="CASCADE")
    position: int
    product: str = _str(300)
    quantity_milli: int = Field(sa_type=BigInteger)
    unit: str = _str(16)
    price: int = Field(sa_type=BigInteger)
    vat_rate: int | None = None
    """Percent (0, 10, 20); empty: not subject to VAT."""
    total: int = Field(sa_type=BigInteger)


class AuditEntry(SQLModel, table=True):
    """Append-only: who changed what, when, and the values before and after."""

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entity", "entity", "entity_id"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime, index=True)
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    entity: str = _str(32)
    entity_id: int
    action: str = _str(32)
    changes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ImportStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    UNDONE = "undone"
    INTERRUPTED = "interrupted"
    """Never stored: a "running" batch whose process is gone is shown so."""


class ImportBatch(SQLModel, table=True):
    """One run of an import: what it read, what it did, and whether it was undone."""

    __tablename__ = "import_batches"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = _str(16, default="clients")
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    started_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    status: str = _str(16, default=ImportStatus.RUNNING)
    files: list[dict[str, Any]] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    rows: int = 0
    created: int = 0
    enriched: int = 0
    unchanged: int = 0
    rejected: int = 0
    conflicts: int = 0
    errors_file: str | None = _str(1000, default=None, nullable=True)
    undone_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    pid: int | None = None
    """The process that runs (or last ran) the batch: its id, host and start time (seconds since
    the epoch), so that a batch whose process is gone is told from one under way."""
    host: str | None = _str(255, default=None, nullable=True)
    process_started: float | None = None
    failure: str | None = _str(2000, default=None, nullable=True)
    """Why a failed batch stopped, in one line."""


class ClientSource(SQLModel, table=True):
    """Where a client's data came from: a file, sheet and row.

    The file's content hash with sheet and row is unique, which is what makes re-importing the
    same file a no-op and a re-run after a crash pick up where it stopped.
    """

    __tablename__ = "client_sources"
    __table_args__ = (UniqueConstraint("file_sha256", "sheet", "row"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", index=True, ondelete="CASCADE")
    batch_id: int | None = Field(default=None, foreign_key="import_batches.id", nullable=True, index=True)
    file: str = _str(500)
    file_sha256: str = _str(64)
    sheet: str = _str(200)
    row: int
    created_at: datetime = Field(sa_type=UTCDateTime)


class ImportChange(SQLModel, table=True):
    """What a batch did to one record, so that ``crm import undo`` can take it back.

    ``action`` is ``create`` (the batch made the records ``entity_id`` to ``last_entity_id``, a
    run of ids allocated together; ``last_entity_id`` is empty for a single record), ``fill``
    (it filled an empty field:
    ``before`` is empty, ``after`` the value) or ``conflict`` (the file disagreed with the base;
    nothing was changed, both values are kept here and reported).
    """

    __tablename__ = "import_changes"
    __table_args__ = (Index("ix_import_changes_batch", "batch_id", "entity"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    batch_id: int = Field(foreign_key="import_batches.id")
    entity: str = _str(16)
    entity_id: int
    last_entity_id: int | None = None
    action: str = _str(16)
    field: str | None = _str(64, default=None, nullable=True)
    before: str | None = Field(default=None, sa_type=String(2000), nullable=True)
    after: str | None = Field(default=None, sa_type=String(2000), nullable=True)


class ImportMapping(SQLModel, table=True):
    """A column mapping remembered for files with the same headers."""

    __tablename__ = "import_mappings"

    id: int | None = Field(default=None, primary_key=True)
    signature: str = Field(sa_type=String(64), unique=True)
    headers: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    columns: dict[str, str] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    updated_at: datetime = Field(sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)


class Merge(SQLModel, table=True):
    """Clients merged into a survivor, with what it takes to put them back exactly.

    ``snapshot`` holds the rows of every client as they were, the ids of every record moved to
    the survivor (per table and column) and the channels dropped as repeats of the survivor's;
    ``survivor_version`` is the survivor's version right after the merge, so an undo can tell
    whether somebody has changed it since.
    """

    __tablename__ = "merges"

    id: int | None = Field(default=None, primary_key=True)
    survivor_id: int = Field(index=True)
    merged_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    at: datetime = Field(sa_type=UTCDateTime)
    score: int | None = None
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    snapshot: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    survivor_version: int
    undone_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class NotDuplicate(SQLModel, table=True):
    """A pair a person said is two companies; never proposed again (``left_id < right_id``)."""

    __tablename__ = "not_duplicates"
    __table_args__ = (UniqueConstraint("left_id", "right_id"),)

    id: int | None = Field(default=None, primary_key=True)
    left_id: int
    right_id: int
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    at: datetime = Field(sa_type=UTCDateTime)


class Suppression(SQLModel, table=True):
    """A person erased on request (152-FZ, GDPR): hashes of their normalised name, phones and
    e-mails, so that no later import brings them back. The hash, not the value: the point of
    erasing is not to keep it."""

    __tablename__ = "suppressions"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = _str(16)
    digest: str = Field(sa_type=String(64), index=True)
    at: datetime = Field(sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)


class DealStageChange(SQLModel, table=True):
    """Who moved a deal from which stage to which, when, and why; time in stage comes from it."""

    __tablename__ = "deal_stage_changes"
    __table_args__ = (
        Index("ix_deal_stage_changes_deal_at", "deal_id", "at"),
        # The funnel report's medians: a histogram of stays per stage, read off this index.
        Index("ix_deal_stage_changes_stays", "from_stage_id", "stay_tenths", "deal_id"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    deal_id: int = Field(foreign_key="deals.id", ondelete="CASCADE")
    at: datetime = Field(sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    from_stage_id: int | None = Field(default=None, foreign_key="stages.id", nullable=True)
    to_stage_id: int = Field(foreign_key="stages.id")
    stay_tenths: int | None = None
    """How long the deal had been in ``from_stage_id``, in tenths of a day: time in stage,
    written once when the stay ends, so the report does not have to pair up history rows."""
    comment: str | None = Field(default=None, sa_type=String(2000), nullable=True)


class LostReason(SQLModel, table=True):
    """The reasons a deal may be lost for, as the head of sales wants them counted."""

    __tablename__ = "lost_reasons"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(200), unique=True)
    position: int = 0
    active: bool = True


class PlaybookStep(SQLModel, table=True):
    """The next step of a stage's playbook (seed 002: a new task as soon as the previous one is
    done): entering the stage creates the first step's task, completing it the next one's."""

    __tablename__ = "playbook_steps"
    __table_args__ = (UniqueConstraint("stage_id", "position"),)

    id: int | None = Field(default=None, primary_key=True)
    stage_id: int = Field(foreign_key="stages.id", ondelete="CASCADE")
    position: int
    title: str = _str(300)
    kind: str = _str(16, default=TaskKind.CALL)
    due_working_days: int = 0
    due_hours: int = 0


class Handover(SQLModel, table=True):
    """Clients given from one manager to another with their open deals and tasks (seed 003),
    with what it takes to give them back: the ids moved, per table."""

    __tablename__ = "handovers"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    from_user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    to_user_id: int = Field(foreign_key="users.id")
    region: str | None = _str(100, default=None, nullable=True)
    moved: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    undone_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)


class FieldKind(StrEnum):
    TEXT = "text"
    NUMBER = "number"
    MONEY = "money"
    DATE = "date"
    CHOICE = "choice"
    MULTI = "multi"
    BOOL = "bool"


class FieldDef(SQLModel, table=True):
    """A field of the client portrait (seed 000): what makes a client valuable to us."""

    __tablename__ = "field_defs"

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(sa_type=String(64), unique=True)
    label: str = _str(200)
    kind: str = _str(16)
    choices: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    required: bool = False
    position: int = 0
    active: bool = True


class FieldValue(SQLModel, table=True):
    """A client's value of a portrait field, as JSON (a number, kopecks, an ISO date, a choice,
    a list of choices, true/false or text)."""

    __tablename__ = "field_values"
    __table_args__ = (UniqueConstraint("client_id", "field_id"), Index("ix_field_values_field", "field_id"))

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", ondelete="CASCADE")
    field_id: int = Field(foreign_key="field_defs.id", ondelete="CASCADE")
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))


class InstalledItem(SQLModel, table=True):
    """Something the client already owns (seed 001): ours or a competitor's. ``search_key`` is
    product and vendor folded (lower case, ё as е) for the clients list's "owns ..." filter."""

    __tablename__ = "installed_base"
    __table_args__ = (Index("ix_installed_base_client", "client_id", "ours"),)

    id: int | None = Field(default=None, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", ondelete="CASCADE")
    product: str = _str(200)
    vendor: str | None = _str(200, default=None, nullable=True)
    ours: bool = False
    quantity: int = 1
    acquired_on: date | None = None
    note: str | None = Field(default=None, sa_type=String(1000), nullable=True)
    search_key: str = _str(400)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)


class Segment(StrEnum):
    WARM = "warm"
    LOYAL = "loyal"
    LOST = "lost"


class DocumentKind(StrEnum):
    ORDER = "order"
    INVOICE = "invoice"
    SALE = "sale"
    PAYMENT = "payment"
    CONTRACT = "contract"


class SalesDocument(SQLModel, table=True):
    """An order, invoice, sale or payment from the trade system: the sales history segments
    are computed from.

    1C numbers documents within a year, so kind, number and year identify one; a re-import
    finds it by them and only updates what changed (an invoice that has been paid since).
    ``client_id`` is empty for a document no client matched yet; it is kept, reported, and
    matched again by the next import.
    """

    __tablename__ = "sales_documents"
    __table_args__ = (
        UniqueConstraint("kind", "number", "doc_year"),
        Index("ix_sales_documents_client_date", "client_id", "doc_date"),
        # Covers the segment recompute's one pass (grouped by kind and client) and its
        # "unpaid invoices" lookup, so neither reads the table itself.
        Index("ix_sales_documents_kind_client", "kind", "client_id", "doc_date", "paid", "amount"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    kind: str = _str(16)
    number: str = _str(64)
    doc_year: int
    doc_date: date
    client_id: int | None = Field(default=None, foreign_key="clients.id", nullable=True, ondelete="SET NULL")
    client_name: str = _str(300)
    inn: str | None = _str(12, default=None, nullable=True)
    amount: int = Field(default=0, sa_type=BigInteger)
    paid: bool | None = None
    batch_id: int | None = Field(default=None, foreign_key="import_batches.id", nullable=True, index=True)
    file: str = _str(500)
    row: int
    updated_at: datetime = Field(sa_type=UTCDateTime)


class SegmentRecompute(SQLModel, table=True):
    """One run of the segment rules: the interval it used and what came of it."""

    __tablename__ = "segment_recomputes"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    interval_days: int | None = None
    interval_source: str = _str(16)
    counts: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    moved: int = 0
    assigned: int = 0


class SegmentChange(SQLModel, table=True):
    """A client's move between segments, by a recompute or by a person (``manual``); the
    client's timeline and the "who moved" list read it."""

    __tablename__ = "segment_changes"
    __table_args__ = (
        Index("ix_segment_changes_client_at", "client_id", "at"),
        Index("ix_segment_changes_recompute", "recompute_id", "client_id"),
    )

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    client_id: int = Field(foreign_key="clients.id", ondelete="CASCADE")
    recompute_id: int | None = Field(default=None, foreign_key="segment_recomputes.id", nullable=True)
    at: datetime = Field(sa_type=UTCDateTime)
    from_segment: str | None = _str(16, default=None, nullable=True)
    to_segment: str | None = _str(16, default=None, nullable=True)
    manual: bool = False
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)


class SegmentRule(SQLModel, table=True):
    """How often a client of a segment must be contacted (seed 000: the effort each group
    gets); a client without an interaction for that long gets a task for its owner."""

    __tablename__ = "segment_rules"

    segment: str = Field(sa_type=String(16), primary_key=True)
    contact_every_days: int
    task_title: str = _str(300)
    max_tasks_per_run: int = 20


class Setting(SQLModel, table=True):
    """Team-wide settings an admin changes (the purchase interval, ...), one JSON value a key."""

    __tablename__ = "settings"

    key: str = Field(sa_type=String(64), primary_key=True)
    value: Any = Field(default=None, sa_column=Column(JSON, nullable=True))
    updated_at: datetime = Field(sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)


# --- documents of a deal and their payments (issue 25) ----------------------------------------


class DealDocument(SQLModel, table=True):
    """A contract or invoice made here from a deal: the file itself, beside the
    ``SalesDocument`` row that numbers it (kind, number, year, client, amount, paid) as 1C's
    documents are numbered, so segments and the bank import see one list of invoices."""

    __tablename__ = "deal_documents"
    __table_args__ = (Index("ix_deal_documents_deal", "deal_id", "document_id"),)

    document_id: int = Field(
        sa_type=BigId, primary_key=True, foreign_key="sales_documents.id", ondelete="CASCADE"
    )
    deal_id: int = Field(foreign_key="deals.id", ondelete="CASCADE")
    file_format: str = _str(8)
    template: str = _str(100)
    content: bytes = Field(sa_type=LargeBinary)
    paid_amount: int = Field(default=0, sa_type=BigInteger)
    """Kopecks paid so far (an invoice): payments add up; full when it reaches the amount."""
    created_by_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    created_at: datetime = Field(sa_type=UTCDateTime)


class DocumentNumber(SQLModel, table=True):
    """The last number given to a kind of document in a year: the row two managers making an
    invoice at once both update, so one waits and takes the next number (no gap, no repeat)."""

    __tablename__ = "document_numbers"

    kind: str = Field(sa_type=String(16), primary_key=True)
    year: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    last: int = 0


class DocumentTemplate(SQLModel, table=True):
    """A DOCX template an admin added (``crm template add``); the shipped ones live in the package."""

    __tablename__ = "document_templates"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = _str(16)
    name: str = Field(sa_type=String(100), unique=True)
    content: bytes = Field(sa_type=LargeBinary)
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)


class Payment(SQLModel, table=True):
    """Money that came for an invoice, by hand or from a bank statement. ``identity`` is the
    payment's own (a bank payment's date, number, payer and amount), so a statement imported
    twice adds nothing the second time."""

    __tablename__ = "payments"
    __table_args__ = (Index("ix_payments_document", "document_id"),)

    id: int | None = Field(default=None, sa_type=BigId, primary_key=True)
    identity: str = Field(sa_type=String(64), unique=True)
    document_id: int = Field(sa_type=BigId, foreign_key="sales_documents.id", ondelete="CASCADE")
    amount: int = Field(sa_type=BigInteger)
    paid_on: date
    payer_inn: str | None = _str(12, default=None, nullable=True)
    payer_name: str = _str(300, default="")
    purpose: str = Field(default="", sa_type=String(1000))
    source: str = _str(16)
    created_at: datetime = Field(sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)


metadata = SQLModel.metadata


def _table(model: type[SQLModel]) -> Table:
    table = getattr(model, "__table__", None)
    assert isinstance(table, Table)
    return table


# Core handles for set-based reads and bulk writes. SQLModel attributes type as plain Python
# values under mypy, so typed SQL expressions are written against these tables instead.
users = _table(User)
clients = _table(Client)
contacts = _table(Contact)
channels = _table(ContactChannel)
pipelines = _table(Pipeline)
stages = _table(Stage)
deals = _table(Deal)
interactions = _table(Interaction)
tasks = _table(Task)
deal_lines = _table(DealLine)
audit_entries = _table(AuditEntry)
import_batches = _table(ImportBatch)
client_sources = _table(ClientSource)
import_changes = _table(ImportChange)
import_mappings = _table(ImportMapping)
merges = _table(Merge)
not_duplicates = _table(NotDuplicate)
suppressions = _table(Suppression)
deal_stage_changes = _table(DealStageChange)
handovers = _table(Handover)
field_defs = _table(FieldDef)
field_values = _table(FieldValue)
installed_base = _table(InstalledItem)
contact_jobs = _table(ContactJob)
lost_reasons = _table(LostReason)
playbook_steps = _table(PlaybookStep)
sales_documents = _table(SalesDocument)
segment_recomputes = _table(SegmentRecompute)
segment_changes = _table(SegmentChange)
segment_rules = _table(SegmentRule)
settings_table = _table(Setting)


# --- Leads (issue 22): one inbox for every new request ------------------------------------------


class LeadStatus(StrEnum):
    NEW = "new"
    IN_WORK = "in_work"
    CONVERTED = "converted"
    JUNK = "junk"


class LeadChannel(StrEnum):
    CALL = "call"
    EMAIL = "email"
    WEB_FORM = "web_form"
    MESSENGER = "messenger"
    WALK_IN = "walk_in"
    MANUAL = "manual"
    IMPORT = "import"


class LeadSource(SQLModel, table=True):
    """An advertising source the admin keeps: the phone line or form requests come through, the
    ``utm_source`` that names it, and how soon its requests must be answered."""

    __tablename__ = "lead_sources"

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(sa_type=String(200), unique=True)
    line: str | None = _str(100, default=None, nullable=True)
    utm_source: str | None = _str(200, default=None, nullable=True)
    response_minutes: int | None = None
    """Working minutes to the first answer; empty: the team's default (15)."""
    active: bool = True
    created_at: datetime = Field(sa_type=UTCDateTime)


class Lead(SQLModel, table=True):
    """An inbound request (seed 004): who asked what, through which channel and source, whose it
    is, and the clock of its first answer (``answer_due_at``, in working minutes)."""

    __tablename__ = "leads"
    __table_args__ = (
        # The inbox: open requests, oldest deadline first, for everyone / one owner / a region.
        Index("ix_leads_status_due", "status", "answer_due_at", "id"),
        Index("ix_leads_owner_status_due", "owner_id", "status", "answer_due_at"),
        Index("ix_leads_region_status_due", "region", "status", "answer_due_at"),
        # The tick's escalation asks only for unanswered, unescalated requests past their time.
        Index("ix_leads_unanswered", "first_response_at", "escalated_at", "answer_due_at"),
        Index("ix_leads_received", "received_at", "id"),
        Index("ix_leads_client", "client_id"),
        # Routing's turns: when each manager of a pool last got a request, one seek each.
        Index("ix_leads_owner_assigned", "owner_id", "assigned_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    status: str = _str(16, default=LeadStatus.NEW)
    repeat: bool = False
    """A request from a client the base knows: on the client's timeline, counted as repeat."""
    channel: str = _str(16)
    source_id: int | None = Field(default=None, foreign_key="lead_sources.id", nullable=True)
    line: str | None = _str(100, default=None, nullable=True)
    utm_source: str | None = _str(200, default=None, nullable=True)
    utm_medium: str | None = _str(200, default=None, nullable=True)
    utm_campaign: str | None = _str(200, default=None, nullable=True)
    person_name: str | None = _str(200, default=None, nullable=True)
    company_name: str | None = _str(300, default=None, nullable=True)
    message: str = Field(default="", sa_type=String(4000))
    product: str | None = _str(300, default=None, nullable=True)
    region: str | None = _str(100, default=None, nullable=True)
    owner_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)
    assigned_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    routed_by: str | None = _str(32, default=None, nullable=True)
    """How the owner was found: ``client`` (matched), ``rule:<id>``, ``head``, ``take``, ``assign``."""
    junk_reason: str | None = _str(32, default=None, nullable=True)
    junk_comment: str | None = Field(default=None, sa_type=String(2000), nullable=True)
    flags: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    """What is odd about it: ``phone_unreadable``, ``email_unreadable``, ``excluded``."""
    received_at: datetime = Field(sa_type=UTCDateTime)
    answer_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    first_response_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    escalated_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    client_id: int | None = Field(default=None, foreign_key="clients.id", nullable=True)
    contact_id: int | None = Field(default=None, foreign_key="contacts.id", nullable=True)
    deal_id: int | None = Field(default=None, foreign_key="deals.id", nullable=True)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime, nullable=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)
    version: int = 1


class LeadAddress(SQLModel, table=True):
    """A phone, e-mail or messenger handle a request came with. ``value`` is normalised (E.164,
    lower case) when ``valid``; a number that cannot be read is kept as typed and flagged."""

    __tablename__ = "lead_addresses"
    __table_args__ = (Index("ix_lead_addresses_kind_value", "kind", "value"),)

    id: int | None = Field(default=None, primary_key=True)
    lead_id: int = Field(foreign_key="leads.id", index=True, ondelete="CASCADE")
    kind: str = _str(16)
    value: str = _str(320)
    raw: str = _str(500)
    valid: bool = True


class LeadExclusion(SQLModel, table=True):
    """A spam number or address: its requests are dropped, or kept as junk (``action``)."""

    __tablename__ = "lead_exclusions"
    __table_args__ = (UniqueConstraint("kind", "value"),)

    id: int | None = Field(default=None, primary_key=True)
    kind: str = _str(16)
    value: str = _str(320)
    action: str = _str(16, default="junk")
    note: str | None = _str(500, default=None, nullable=True)
    created_at: datetime = Field(sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)


class LeadRoute(SQLModel, table=True):
    """An admin's routing rule: requests of this channel / source / line / region (empty: any)
    go to a pool of managers taking turns (``pool``: user ids)."""

    __tablename__ = "lead_routes"

    id: int | None = Field(default=None, primary_key=True)
    position: int = 0
    channel: str | None = _str(16, default=None, nullable=True)
    source_id: int | None = Field(default=None, foreign_key="lead_sources.id", nullable=True)
    line: str | None = _str(100, default=None, nullable=True)
    region: str | None = _str(100, default=None, nullable=True)
    pool: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    created_at: datetime = Field(sa_type=UTCDateTime)
    user_id: int | None = Field(default=None, foreign_key="users.id", nullable=True)


lead_sources = _table(LeadSource)
leads = _table(Lead)
lead_addresses = _table(LeadAddress)
lead_exclusions = _table(LeadExclusion)
lead_routes = _table(LeadRoute)
deal_documents = _table(DealDocument)
document_numbers = _table(DocumentNumber)
document_templates = _table(DocumentTemplate)
payments = _table(Payment)


# --- signing in through the browser (`crm serve`) ---------------------------------------------

user_passwords = Table(
    "user_passwords",
    metadata,
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("password_hash", String(300), nullable=True),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_until", UTCDateTime, nullable=True),
    Column("changed_at", UTCDateTime, nullable=True),
)
"""A user's browser password (a scrypt hash, its parameters in the string) and the count of wrong
ones in a row: a table beside ``users``, so a person without a password has no row."""

web_sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("user_id", Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("last_seen_at", UTCDateTime, nullable=False),
    Column("ended_at", UTCDateTime, nullable=True),
    Column("ended_why", String(16), nullable=True),
    Column("address", String(64), nullable=True),
)
"""A signed-in browser: the SHA-256 of its cookie's random token (the token itself is never
stored), when it was last used, and when and why it ended (sign-out, expiry)."""


# Report indexes (migration 0020): each report for a year reads one of these and never the table.
# The calls report: per kind, in user order, every figure in the index (no sort, no row fetch).
Index(
    "ix_interactions_kind_user_time",
    interactions.c.kind,
    interactions.c.user_id,
    interactions.c.occurred_at,
    interactions.c.direction,
    interactions.c.duration_s,
)
# The same for a few days (the dashboard's fortnight), by time first: a range of the index.
Index(
    "ix_interactions_kind_time_user",
    interactions.c.kind,
    interactions.c.occurred_at,
    interactions.c.user_id,
    interactions.c.direction,
    interactions.c.duration_s,
)
# Time in stage for everyone: the stays per stage in order, a histogram without a sort.
Index(
    "ix_deal_stage_changes_stage_stay_at",
    deal_stage_changes.c.from_stage_id,
    deal_stage_changes.c.stay_tenths,
    deal_stage_changes.c.at,
    deal_stage_changes.c.deal_id,
)
# Time in stage for a head or a manager: their deals' stays, reached from the deals.
Index(
    "ix_deal_stage_changes_deal_stays",
    deal_stage_changes.c.deal_id,
    deal_stage_changes.c.at,
    deal_stage_changes.c.from_stage_id,
    deal_stage_changes.c.stay_tenths,
)
# Open deals over their stage's limit, with their owner, counted off the index.
Index("ix_deals_stuck", deals.c.status, deals.c.stage_id, deals.c.stage_entered_at, deals.c.owner_id)
# Deals closed in a period (refusals, plan against fact): status, when, whose and how much.
Index("ix_deals_closed_figures", deals.c.status, deals.c.closed_at, deals.c.owner_id, deals.c.amount)
# The lead analysis: a period's requests with every column it counts or groups by.
Index(
    "ix_leads_report",
    leads.c.received_at,
    leads.c.status,
    leads.c.repeat,
    leads.c.answer_due_at,
    leads.c.first_response_at,
    leads.c.source_id,
    leads.c.utm_source,
    leads.c.owner_id,
    leads.c.region,
    leads.c.channel,
)
# The inbox's overdue count and the tick's "anything late?": open, unanswered, past the
# deadline, escalated or not, with whose and where.
Index(
    "ix_leads_overdue",
    leads.c.status,
    leads.c.first_response_at,
    leads.c.answer_due_at,
    leads.c.escalated_at,
    leads.c.owner_id,
    leads.c.region,
)

# Inbound channels (issue 23): the receiver's sources and their events, the mailboxes read over
# IMAP and where each folder was left. Core tables, as new tables are.

inbound_sources = Table(
    "inbound_sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    # The token or HMAC key the receiver checks (ours, or the vendor's API secret); shown once.
    Column("secret", String(200), nullable=False),
    # The vendor's public key where it signs with one (Mango's vpbx_api_key).
    Column("api_key", String(200), nullable=True),
    Column("per_minute", Integer, nullable=False),
    # The PBX's time zone for sources that send local times (Zadarma).
    Column("tz", String(64), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
)

inbound_events = Table(
    "inbound_events",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("source_id", Integer, ForeignKey("inbound_sources.id", ondelete="CASCADE"), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("outcome", String(32), nullable=False),
    Column("received_at", UTCDateTime(), nullable=False),
    UniqueConstraint("source_id", "event_id", name="uq_inbound_events_source_event"),
)

mailboxes = Table(
    "mailboxes",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(64), nullable=False, unique=True),
    Column("url", String(500), nullable=False),
    # Where the password is read from at each run: never the password itself.
    Column("password_file", String(1000), nullable=True),
    Column("password_env", String(200), nullable=True),
    Column("owner_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
)

mailbox_folders = Table(
    "mailbox_folders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("mailbox_id", Integer, ForeignKey("mailboxes.id", ondelete="CASCADE"), nullable=False),
    Column("folder", String(500), nullable=False),
    Column("uidvalidity", BigInteger, nullable=False),
    Column("last_uid", BigInteger, nullable=False),
    Column("read_at", UTCDateTime(), nullable=False),
    UniqueConstraint("mailbox_id", "folder", name="uq_mailbox_folders_mailbox_folder"),
)

# --- Campaigns (issue 24): mailings and drips, an outbox sent exactly once ----------------------
# Core tables (no SQLModel classes): see the module's note on the conversion to Core.


class CampaignKind(StrEnum):
    PERSONAL = "personal"
    ADVERTISING = "advertising"


class CampaignStatus(StrEnum):
    ACTIVE = "active"
    PAUSED = "paused"


class RecipientState(StrEnum):
    ACTIVE = "active"
    STOPPED = "stopped"


class OutboxState(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    UNCERTAIN = "uncertain"
    DROPPED = "dropped"


mail_senders = Table(
    "mail_senders",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address", String(320), nullable=False, unique=True),
    Column("display_name", String(200), nullable=False, server_default=""),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True, unique=True),
    Column("phone", String(32), nullable=True),
    Column("signature", String(2000), nullable=True),
    Column("smtp_host", String(255), nullable=True),
    Column("smtp_port", Integer, nullable=True),
    Column("smtp_security", String(16), nullable=False, server_default="starttls"),
    Column("smtp_login", String(320), nullable=True),
    Column("password_file", String(1000), nullable=True),
    Column("password_env", String(200), nullable=True),
    Column("per_minute", Integer, nullable=True),
    Column("per_day", Integer, nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
)
"""An address letters go out from: a manager's own (``user_id``) or a shared one, its SMTP
server and login (the password only as a file path or an environment variable's name, never
the password), and its limits per minute and per day."""

campaigns = Table(
    "campaigns",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("kind", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("audience", JSON, nullable=False),
    Column("sender_id", Integer, ForeignKey("mail_senders.id"), nullable=True),
    # sender_id: a shared sender; NULL: each client's own manager sends.
    Column("paused_reason", String(500), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("version", Integer, nullable=False, server_default="1"),
)

campaign_steps = Table(
    "campaign_steps",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("day_offset", Integer, nullable=False),
    Column("subject", String(500), nullable=False),
    Column("body_text", Text, nullable=False),
    Column("body_html", Text, nullable=True),
    UniqueConstraint("campaign_id", "position", name="uq_campaign_steps_position"),
)

campaign_recipients = Table(
    "campaign_recipients",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True),
    Column("address", String(320), nullable=False),
    Column("enrolled_at", UTCDateTime, nullable=False),
    Column("state", String(16), nullable=False),
    Column("stop_reason", String(16), nullable=True),
    Column("stopped_at", UTCDateTime, nullable=True),
    Column("replied_at", UTCDateTime, nullable=True),
    Column("token", String(64), nullable=False, unique=True),
    # token: the unsubscribe link's secret.
    UniqueConstraint("campaign_id", "client_id", name="uq_campaign_recipients_client"),
    Index("ix_campaign_recipients_address", "address", "state"),
)

outbox = Table(
    "outbox",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("campaign_id", Integer, ForeignKey("campaigns.id", ondelete="CASCADE"), nullable=True),
    Column("recipient_id", BigId, ForeignKey("campaign_recipients.id", ondelete="CASCADE"), nullable=True),
    Column("step_id", Integer, ForeignKey("campaign_steps.id", ondelete="CASCADE"), nullable=True),
    Column("sender_id", Integer, ForeignKey("mail_senders.id"), nullable=True),
    Column("address", String(320), nullable=False),
    Column("message_id", String(255), nullable=False, unique=True),
    Column("state", String(16), nullable=False),
    Column("due_at", UTCDateTime, nullable=False),
    Column("next_try", UTCDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("claimed_by", String(100), nullable=True),
    Column("claimed_at", UTCDateTime, nullable=True),
    Column("sent_at", UTCDateTime, nullable=True),
    Column("last_error", String(500), nullable=True),
    Column("bounced", Boolean, nullable=False, server_default=false()),
    Column("payload", JSON, nullable=True),
    # payload: a letter that is not a campaign's step (a deal's documents).
    UniqueConstraint("recipient_id", "step_id", name="uq_outbox_recipient_step"),
    Index("ix_outbox_state_next_try", "state", "next_try"),
)
"""One row per letter: made when the recipient enters the campaign, with its Message-ID."""

sender_counts = Table(
    "sender_counts",
    metadata,
    Column("sender_id", Integer, ForeignKey("mail_senders.id", ondelete="CASCADE"), primary_key=True),
    Column("window", String(8), primary_key=True),
    Column("started_at", UTCDateTime, primary_key=True),
    Column("count", Integer, nullable=False),
)
"""Letters a sender began to send in a minute / a day (the rate limits)."""

mail_consents = Table(
    "mail_consents",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("address", String(320), nullable=False, unique=True),
    Column("source", String(200), nullable=False),
    Column("given_on", Date, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
)
"""Consent to advertising by e-mail (38-FZ art. 18): where it was given and when."""
