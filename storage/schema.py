"""Schema versions: create, upgrade and refuse databases from a newer crm_tui.

Start-up must stay fast, so the common case (database already at head) is one query of
``alembic_version`` against ``HEAD_REVISION``; Alembic itself is imported only to migrate.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from crm_tui.i18n import N_
from crm_tui.storage.database import describe, unavailable
from crm_tui.storage.errors import SchemaTooNew

HEAD_REVISION = "0033"
KNOWN_REVISIONS = (
    "0001",
    "0002",
    "0003",
    "0004",
    "0005",
    "0006",
    "0007",
    "0008",
    "0009",
    "0010",
    "0011",
    "0012",
    "0013",
    "0014",
    "0015",
    "0016",
    "0019",
    "0020",
    "0021",
    "0022",
    "0023",
    "0024",
    "0025",
    "0026",
    "0027",
    "0028",
    "0029",
    "0030",
    "0031",
    "0032",
    "0033",
)
MIGRATIONS_DIR = Path(__file__).with_name("migrations")


class SchemaState(StrEnum):
    EMPTY = "empty"
    OUTDATED = "outdated"
    CURRENT = "current"


def current_revision(engine: Engine) -> str | None:
    try:
        with engine.connect() as conn:
            if not inspect(conn).has_table("alembic_version"):
                return None
            return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
    except DBAPIError as exc:
        raise unavailable(engine, exc) from None


def schema_state(engine: Engine) -> SchemaState:
    revision = current_revision(engine)
    if revision is None:
        return SchemaState.EMPTY
    if revision == HEAD_REVISION:
        return SchemaState.CURRENT
    if revision in KNOWN_REVISIONS:
        return SchemaState.OUTDATED
    raise SchemaTooNew(
        "database.schema_too_new",
        N_(
            "database {database} has schema revision {revision}, newer than this crm_tui knows "
            "(up to {head}): upgrade crm_tui"
        ),
        database=describe(engine),
        revision=revision,
        head=HEAD_REVISION,
    )


def upgrade(engine: Engine) -> str | None:
    """Bring the schema to head; returns the revision it started from."""
    from alembic import command
    from alembic.config import Config

    start = current_revision(engine)
    if start is not None and start not in KNOWN_REVISIONS:
        schema_state(engine)
    if start == HEAD_REVISION:
        return start
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except DBAPIError as exc:
        raise unavailable(engine, exc) from None
    return start


def ensure_schema(engine: Engine) -> None:
    """Create or upgrade the schema as needed; raise ``SchemaTooNew`` for a newer database."""
    if schema_state(engine) is not SchemaState.CURRENT:
        upgrade(engine)
