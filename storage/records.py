"""The few rows domain code handles as objects (a new client with its contacts, a task changed
under its version, a user): plain dataclasses mapped imperatively onto the Core tables of
``crm_tui.storage.models``. Everything else reads and writes the tables with Core statements.

Importing this module maps the classes; only the commands that need them pay for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import registry

from crm_tui.storage.models import (
    ClientKind,
    ClientStatus,
    DealStatus,
    Direction,
    ImportStatus,
    Role,
    TaskKind,
    TaskStatus,
    channels,
    clients,
    contacts,
    deal_stage_changes,
    deals,
    import_batches,
    interactions,
    metadata,
    pipelines,
    segment_recomputes,
    stages,
    tasks,
    users,
)

_registry = registry(metadata=metadata)


@dataclass(kw_only=True, eq=False)
class User:
    id: int | None = None
    login: str
    full_name: str
    role: str = Role.MANAGER
    region: str | None = None
    monthly_target: int = 0
    active: bool = True
    created_at: datetime
    extension: str | None = None


@dataclass(kw_only=True, eq=False)
class Client:
    id: int | None = None
    kind: str = ClientKind.COMPANY
    name: str
    legal_form: str | None = None
    inn: str | None = None
    kpp: str | None = None
    ogrn: str | None = None
    legal_address: str | None = None
    bik: str | None = None
    account: str | None = None
    city: str | None = None
    region: str | None = None
    owner_id: int | None = None
    status: str = ClientStatus.LEAD
    name_key: str
    search_text: str = ""
    segment: str | None = None
    segment_manual: bool = False
    last_purchase_on: date | None = None
    sales_total: int = 0
    created_at: datetime
    updated_at: datetime
    version: int = 1


@dataclass(kw_only=True, eq=False)
class Contact:
    id: int | None = None
    client_id: int
    full_name: str
    position: str | None = None
    created_at: datetime


@dataclass(kw_only=True, eq=False)
class ContactChannel:
    id: int | None = None
    client_id: int
    contact_id: int | None = None
    kind: str
    value: str
    raw: str
    extension: str | None = None


@dataclass(kw_only=True, eq=False)
class Pipeline:
    id: int | None = None
    name: str
    position: int = 0
    is_default: bool = False


@dataclass(kw_only=True, eq=False)
class Stage:
    id: int | None = None
    pipeline_id: int
    name: str
    code: str | None = None
    position: int
    probability: int = 0
    is_won: bool = False
    is_lost: bool = False
    stuck_after_days: int | None = None


@dataclass(kw_only=True, eq=False)
class Deal:
    id: int | None = None
    client_id: int
    owner_id: int | None = None
    pipeline_id: int
    stage_id: int
    title: str
    title_key: str = ""
    amount: int = 0
    expected_close: date | None = None
    next_action_at: datetime | None = None
    status: str = DealStatus.OPEN
    lost_reason: str | None = None
    lost_comment: str | None = None
    furthest_position: int = 0
    stage_entered_at: datetime
    closed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime
    version: int = 1


@dataclass(kw_only=True, eq=False)
class Interaction:
    id: int | None = None
    kind: str
    direction: str = Direction.OUTBOUND
    channel: str | None = None
    occurred_at: datetime
    duration_s: int | None = None
    summary: str = ""
    client_id: int | None = None
    deal_id: int | None = None
    contact_id: int | None = None
    user_id: int | None = None
    created_at: datetime
    lead_id: int | None = None
    external_id: str | None = None


@dataclass(kw_only=True, eq=False)
class Task:
    id: int | None = None
    title: str
    kind: str = TaskKind.TODO
    due_at: datetime
    assignee_id: int | None = None
    client_id: int | None = None
    deal_id: int | None = None
    status: str = TaskStatus.OPEN
    result: str | None = None
    completed_at: datetime | None = None
    created_by_id: int | None = None
    note: str | None = None
    origin: str | None = None
    created_at: datetime
    version: int = 1


@dataclass(kw_only=True, eq=False)
class ImportBatch:
    id: int | None = None
    kind: str = "clients"
    user_id: int | None = None
    started_at: datetime
    finished_at: datetime | None = None
    status: str = ImportStatus.RUNNING
    files: list[dict[str, Any]] = field(default_factory=list)
    rows: int = 0
    created: int = 0
    enriched: int = 0
    unchanged: int = 0
    rejected: int = 0
    conflicts: int = 0
    errors_file: str | None = None
    undone_at: datetime | None = None
    pid: int | None = None
    host: str | None = None
    process_started: float | None = None
    failure: str | None = None


@dataclass(kw_only=True, eq=False)
class DealStageChange:
    id: int | None = None
    deal_id: int
    at: datetime
    user_id: int | None = None
    from_stage_id: int | None = None
    to_stage_id: int
    stay_tenths: int | None = None
    comment: str | None = None


@dataclass(kw_only=True, eq=False)
class SegmentRecompute:
    id: int | None = None
    at: datetime
    user_id: int | None = None
    interval_days: int | None = None
    interval_source: str
    counts: dict[str, int] = field(default_factory=dict)
    moved: int = 0
    assigned: int = 0


_registry.map_imperatively(User, users)
_registry.map_imperatively(Client, clients)
_registry.map_imperatively(Contact, contacts)
_registry.map_imperatively(ContactChannel, channels)
_registry.map_imperatively(Pipeline, pipelines)
_registry.map_imperatively(Stage, stages)
_registry.map_imperatively(Deal, deals)
_registry.map_imperatively(Interaction, interactions)
_registry.map_imperatively(Task, tasks)
_registry.map_imperatively(ImportBatch, import_batches)
_registry.map_imperatively(DealStageChange, deal_stage_changes)
_registry.map_imperatively(SegmentRecompute, segment_recomputes)
