"""An open CRM: the database, the acting user, the clock and the user's time zone.

Every screen, CLI command and job receives one ``Workspace``; it holds no session, only what is
needed to open short ones (``read()`` and ``write()``), so it is safe to share with workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from crm_tui.domain.access.capabilities import Capability, Viewer, require
from crm_tui.domain.access.users import create_first_admin, has_users, resolve_viewer
from crm_tui.domain.base_language import settle_base_language
from crm_tui.domain.clock import Clock, system_clock
from crm_tui.domain.deals.funnel_setup import DEFAULTS_KEY, ensure_funnel_defaults
from crm_tui.domain.deals.pipelines import ensure_default_pipeline, has_pipeline
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.portrait.defaults import PORTRAIT_KEY, ensure_portrait_defaults
from crm_tui.domain.settings import get_setting
from crm_tui.i18n import N_
from crm_tui.storage.change_check import ChangeCheck as ChangeCheck  # noqa: PLC0414 - for the screens
from crm_tui.storage.database import (
    describe,
    get_engine,
    read_core,
    read_session,
    unavailable,
    write_core,
    write_session,
)
from crm_tui.storage.schema import ensure_schema

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from crm_tui.storage.copy import TableCount
    from crm_tui.storage.units import CoreUnit


@dataclass(frozen=True)
class Workspace:
    engine: Engine
    viewer: Viewer
    clock: Clock
    tz: ZoneInfo

    def now(self) -> datetime:
        return self.clock()

    def change_check(self) -> ChangeCheck:
        """Tells cheaply whether somebody else has committed since (``token()`` differs): what a
        screen showing shared data polls. Its own connection, released by ``close()``."""
        return ChangeCheck(self.engine)

    @contextmanager
    def read(self) -> Iterator[Session]:
        try:
            with read_session(self.engine) as session:
                yield session
        except DBAPIError as exc:
            raise unavailable(self.engine, exc) from exc

    @contextmanager
    def write(self, *, bulk: bool = False) -> Iterator[Session]:
        """See ``crm_tui.storage.database.write_session`` for what a bulk write asks of its caller."""
        try:
            with write_session(self.engine, bulk=bulk) as session:
                yield session
        except DBAPIError as exc:
            raise unavailable(self.engine, exc) from exc

    @contextmanager
    def read_core(self) -> Iterator[CoreUnit]:
        """``read()`` without SQLAlchemy's ORM, for the commands that start fast (issue 29) and
        the domain functions they call (``crm_tui.storage.units``)."""
        try:
            with read_core(self.engine) as unit:
                yield unit
        except DBAPIError as exc:
            raise unavailable(self.engine, exc) from exc

    @contextmanager
    def write_core(self) -> Iterator[CoreUnit]:
        """``write()`` without SQLAlchemy's ORM (see ``read_core``)."""
        try:
            with write_core(self.engine) as unit:
                yield unit
        except DBAPIError as exc:
            raise unavailable(self.engine, exc) from exc


def prepare_database(database: str, language: str | None = None) -> Engine:
    """Engine for ``database`` with its schema created or upgraded and defaults in place: on a
    new base in ``language``, by default the language in force, which becomes the base's
    (``domain.base_language``).

    Only a new database is written to: an everyday start takes no write lock, so opening the
    app never waits behind a colleague's import.
    """
    engine = get_engine(database)
    ensure_schema(engine)
    try:
        with read_core(engine) as session:
            ready = (
                has_pipeline(session)
                and bool(get_setting(session, DEFAULTS_KEY))
                and bool(get_setting(session, PORTRAIT_KEY))
            )
        if not ready:
            with write_core(engine) as session:
                now = datetime.now(UTC)
                settle_base_language(session, now, language)
                ensure_default_pipeline(session)
                ensure_funnel_defaults(session, now)
                ensure_portrait_defaults(session, now)
    except DBAPIError as exc:
        raise unavailable(engine, exc) from exc
    return engine


def open_workspace(
    database: str,
    login: str,
    *,
    act_as: str | None = None,
    tz: ZoneInfo | None = None,
    clock: Clock = system_clock,
) -> Workspace:
    engine = prepare_database(database)
    try:
        with read_core(engine) as session:
            fresh = not has_users(session)
        if fresh:
            with write_core(engine) as session:
                create_first_admin(session, login, clock())
        with read_core(engine) as session:
            viewer = resolve_viewer(session, login, act_as)
    except DBAPIError as exc:
        raise unavailable(engine, exc) from exc
    return Workspace(engine=engine, viewer=viewer, clock=clock, tz=tz or ZoneInfo("UTC"))


def open_app_workspace(
    database: str,
    login: str,
    *,
    act_as: str | None = None,
    tz: ZoneInfo | None = None,
    clock: Clock = system_clock,
) -> Workspace:
    """The workspace of the interactive app: as ``open_workspace``, for people only (an ops
    account, cron's, runs the headless commands and is refused with one line)."""
    ws = open_workspace(database, login, act_as=act_as, tz=tz, clock=clock)
    require(ws.viewer, Capability.USE_APP)
    return ws


def copy_base(ws: Workspace, to: str) -> tuple[Engine, list[TableCount]]:
    """Copy the whole base into the new, empty database ``to`` (`crm db copy`): the new
    engine and each table's counts, verified."""
    from crm_tui.storage.copy import copy_database  # bulk writers: only for the copy

    require(ws.viewer, Capability.COPY_DATABASE)
    target = prepare_database(to)
    if describe(target) == describe(ws.engine):
        raise InvalidInput("copy.same_database", N_("--to names this very database"))
    return target, copy_database(ws.engine, target)
