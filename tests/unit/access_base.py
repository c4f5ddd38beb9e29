"""The database the capability matrix runs on, and the targets it makes in it for each cell.

One seeded team per database (the seed's, plus an ops account and a second manager in Москва);
every cell of the matrix makes its own fresh target (a client, a deal, a task, a batch, a
refusal) owned by whom the cell says, so the cells do not disturb one another and run in any
order on one database.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import timedelta
from enum import StrEnum
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from crm_tui.domain.access.capabilities import Target, Viewer
from crm_tui.domain.access.users import add_user
from crm_tui.domain.clients.records import ClientDraft, create_client
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.deals.moves import move_deal
from crm_tui.domain.leads.intake import Request, receive
from crm_tui.domain.workspace import Workspace, open_workspace, prepare_database
from crm_tui.storage.database import write_session
from crm_tui.storage.models import (
    ClientStatus,
    DealStatus,
    ImportStatus,
    Role,
    TaskKind,
    TaskStatus,
    clients,
    leads,
    stages,
    tasks,
)
from crm_tui.storage.records import Deal, ImportBatch, Stage, Task
from tests.seed import FROZEN_NOW, MOSCOW, seed_team, valid_inn

VIEWERS = {
    Role.MANAGER: "ivanova",
    Role.HEAD: "smirnov",
    Role.ADMIN: "admin",
    Role.OPS: "ops",
    Role.ACCOUNTANT: "buh",
}
"""Who plays each role: Иванова and Смирнов work in Москва, Петров in Липецк, admin and ops
have no region."""
COLLEAGUE = {"ivanova": "kozlova", "smirnov": "ivanova", "admin": "ops", "ops": "admin", "buh": "admin"}
"""Someone else of the viewer's region (for those without a region, someone else without one)."""
STRANGER = "petrov"


class Kind(StrEnum):
    """Whose the target of a cell is, seen from the viewer."""

    OWN = "own"
    SAME_REGION = "same region"
    OTHER_REGION = "other region"
    FREE_LEAD = "unowned lead of the region"


OWNED = (Kind.OWN, Kind.SAME_REGION, Kind.OTHER_REGION)
CLIENTS = (*OWNED, Kind.FREE_LEAD)


@dataclass
class Base:
    url: str
    engine: Engine
    tmp: Path
    users: dict[str, int]
    regions: dict[str, str | None]
    _numbers: itertools.count[int] = field(default_factory=lambda: itertools.count(9_000_000))
    _workspaces: dict[str, Workspace] = field(default_factory=dict)

    def ws(self, login: str) -> Workspace:
        if login not in self._workspaces:
            self._workspaces[login] = open_workspace(
                self.url, login, tz=MOSCOW, clock=fixed_clock(FROZEN_NOW)
            )
        return self._workspaces[login]

    def viewer(self, login: str) -> Viewer:
        return self.ws(login).viewer

    def number(self) -> int:
        return next(self._numbers)

    def client(self, owner: str | None, region: str | None, *, inn: str | None = None, name: str = "") -> int:
        n = self.number()
        status = ClientStatus.LEAD if owner is None else ClientStatus.PROSPECT
        with write_session(self.engine) as session:
            client_id = create_client(
                session,
                self.viewer("admin"),
                ClientDraft(
                    name=name or f"Проба {n}",
                    inn=inn or valid_inn(f"50{n:07d}"),
                    region=region,
                    owner_id=self.users[owner] if owner else None,
                    status=status,
                ),
                FROZEN_NOW,
            )
            if owner is None:  # an inbound lead nobody has taken yet
                session.execute(update(clients).where(clients.c.id == client_id).values(owner_id=None))
        return client_id

    def lead(self, owner: str | None, region: str | None) -> int:
        """A request owned by ``owner`` (None: in the region's queue) of ``region``."""
        n = self.number()
        got = receive(self.ws("admin"), Request(name=f"Проба {n}", phone=f"+7916{n:07d}", message="?"))
        assert got.lead_id is not None
        with write_session(self.engine) as session:
            session.execute(
                update(leads)
                .where(leads.c.id == got.lead_id)
                .values(owner_id=self.users[owner] if owner else None, region=region)
            )
        return got.lead_id

    def stage(self, code: str) -> int:
        with write_session(self.engine) as session:
            found = session.scalar(select(stages.c.id).where(stages.c.code == code).order_by(stages.c.id))
        assert found is not None
        return int(found)

    def deal(self, owner: str, stage: str = "new", *, days_in_stage: int = 1) -> int:
        client_id = self.client(owner, self.regions[owner])
        with write_session(self.engine) as session:
            stage_row = session.get(Stage, self.stage(stage))
            assert stage_row is not None and stage_row.id is not None
            deal = Deal(
                client_id=client_id,
                owner_id=self.users[owner],
                pipeline_id=stage_row.pipeline_id,
                stage_id=stage_row.id,
                title=f"Сделка {client_id}",
                amount=100_000,
                status=DealStatus.OPEN,
                stage_entered_at=FROZEN_NOW - timedelta(days=days_in_stage),
                created_at=FROZEN_NOW - timedelta(days=days_in_stage),
                updated_at=FROZEN_NOW - timedelta(days=days_in_stage),
            )
            session.add(deal)
            session.flush()
            assert deal.id is not None
            return deal.id

    def version(self, deal_or_task: type[Deal] | type[Task], record_id: int) -> int:
        with write_session(self.engine) as session:
            record = session.get(Deal, record_id) if deal_or_task is Deal else session.get(Task, record_id)
            assert record is not None
            return record.version

    def task(self, assignee: str) -> int:
        client_id = self.client(assignee, self.regions[assignee])
        with write_session(self.engine) as session:
            task = Task(
                title="Позвонить",
                kind=TaskKind.CALL,
                due_at=FROZEN_NOW + timedelta(hours=1),
                assignee_id=self.users[assignee],
                client_id=client_id,
                status=TaskStatus.OPEN,
                created_at=FROZEN_NOW,
            )
            session.add(task)
            session.flush()
            assert task.id is not None
            return task.id

    def batch(self, author: str) -> int:
        with write_session(self.engine) as session:
            batch = ImportBatch(
                kind="clients",
                user_id=self.users[author],
                started_at=FROZEN_NOW,
                finished_at=FROZEN_NOW,
                status=ImportStatus.DONE,
            )
            session.add(batch)
            session.flush()
            assert batch.id is not None
            return batch.id

    def refusal(self) -> int:
        """A lost deal of Иванова's: the task it gives the head of sales (or an admin) to answer."""
        deal_id = self.deal("ivanova", "qualification")
        lost = self.stage("lost")
        move_deal(self.ws("admin"), deal_id, lost, self.version(Deal, deal_id), lost_reason="Price too high")
        with write_session(self.engine) as session:
            task_id = session.scalar(select(tasks.c.id).where(tasks.c.origin == f"lost:{deal_id}"))
        assert task_id is not None
        return int(task_id)

    def documented_deal(self, owner: str) -> int:
        """A deal whose client and our company have every requisite a document needs."""
        from crm_tui.domain.documents.company import company, set_company
        from tests.documents.support import COMPANY

        deal_id = self.deal(owner)
        with write_session(self.engine) as session:
            filled = bool(company(session).inn)
        if not filled:
            set_company(self.ws("admin"), COMPANY)
        with write_session(self.engine) as session:
            found = session.scalar(select(Deal.__table__.c.client_id).where(Deal.__table__.c.id == deal_id))  # type: ignore[attr-defined]
            session.execute(
                update(clients).where(clients.c.id == found).values(kpp="770501001", legal_address="Москва")
            )
        return deal_id

    def invoiced_deal(self, owner: str) -> int:
        """A deal with an unpaid invoice, made by an admin."""
        from crm_tui.domain.documents.making import make_document

        deal_id = self.documented_deal(owner)
        make_document(self.ws("admin"), deal_id, "invoice")
        return deal_id

    def duplicates(self, owner: str | None, region: str | None) -> tuple[int, int]:
        """Two records of one company (one INN, one name), the pair a scan proposes."""
        n = self.number()
        inn = valid_inn(f"50{n:07d}")
        name = f"Двойник {n}"
        return self.client(owner, region, inn=inn, name=name), self.client(owner, region, inn=inn, name=name)


@dataclass(frozen=True)
class Cell:
    """One square of the matrix: a viewer, and whose the target is (None: a team-wide action)."""

    base: Base
    login: str
    kind: Kind | None

    @property
    def owner(self) -> str | None:
        """Who owns the target: the viewer, a colleague of the region, Петров of Липецк, nobody."""
        return {
            Kind.OWN: self.login,
            Kind.SAME_REGION: COLLEAGUE[self.login],
            Kind.OTHER_REGION: STRANGER,
            Kind.FREE_LEAD: None,
            None: None,
        }[self.kind]

    @property
    def owner_login(self) -> str:
        assert self.owner is not None
        return self.owner

    @property
    def region(self) -> str | None:
        return self.base.regions[self.login] if self.owner is None else self.base.regions[self.owner]

    def target(self) -> Target | None:
        """The target as the table sees it, for the expected answer."""
        if self.kind is None:
            return None
        owner_id = self.base.users[self.owner] if self.owner else None
        return Target(owner_id, self.region, lead=self.kind is Kind.FREE_LEAD)

    def client(self) -> int:
        return self.base.client(self.owner, self.region)

    def lead(self) -> int:
        return self.base.lead(self.owner, self.region)


def seeded_base(url: str, tmp: Path) -> Base:
    engine = prepare_database(url)
    seeded = seed_team(engine)
    users = dict(seeded.users)
    regions: dict[str, str | None] = {
        "admin": None,
        "smirnov": "Москва",
        "ivanova": "Москва",
        "petrov": "Липецк",
    }
    with write_session(engine) as session:
        for login, name, role, region in (
            ("ops", "Ночные задания", Role.OPS, None),
            ("kozlova", "Козлова Анна", Role.MANAGER, "Москва"),
            ("buh", "Кузнецова Мария", Role.ACCOUNTANT, None),
        ):
            info = add_user(
                session,
                login=login,
                full_name=name,
                role=role,
                region=region,
                now=FROZEN_NOW,
                by_user_id=None,
            )
            users[login], regions[login] = info.id, region
    return Base(url, engine, tmp, users, regions)
