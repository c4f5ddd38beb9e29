"""Import batches, where each client's data came from, and what a batch changed."""

from __future__ import annotations

from enum import StrEnum

from sqlalchemy import JSON, Column, Float, ForeignKey, Index, Integer, String, Table, UniqueConstraint

from crm_tui.storage.tables.base import BigId, metadata
from crm_tui.storage.types import UTCDateTime


class ImportStatus(StrEnum):
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    UNDONE = "undone"
    INTERRUPTED = "interrupted"
    """Never stored: a "running" batch whose process is gone is shown so."""


# One run of an import: what it read, what it did, and whether it was undone.
import_batches = Table(
    "import_batches",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False, default="clients"),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("started_at", UTCDateTime, nullable=False),
    Column("finished_at", UTCDateTime, nullable=True),
    Column("status", String(16), nullable=False, default=ImportStatus.RUNNING),
    Column("files", JSON, nullable=False),
    Column("rows", Integer, nullable=False, default=0),
    Column("created", Integer, nullable=False, default=0),
    Column("enriched", Integer, nullable=False, default=0),
    Column("unchanged", Integer, nullable=False, default=0),
    Column("rejected", Integer, nullable=False, default=0),
    Column("conflicts", Integer, nullable=False, default=0),
    Column("errors_file", String(1000), nullable=True),
    Column("undone_at", UTCDateTime, nullable=True),
    # The process that runs (or last ran) the batch: its id, host and start time (seconds since
    # the epoch), so that a batch whose process is gone is told from one under way.
    Column("pid", Integer, nullable=True),
    Column("host", String(255), nullable=True),
    Column("process_started", Float, nullable=True),
    # Why a failed batch stopped, in one line.
    Column("failure", String(2000), nullable=True),
)


# Where a client's data came from: a file, sheet and row.
#
# The file's content hash with sheet and row is unique, which is what makes re-importing the
# same file a no-op and a re-run after a crash pick up where it stopped.
client_sources = Table(
    "client_sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False, index=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=True, index=True),
    Column("file", String(500), nullable=False),
    Column("file_sha256", String(64), nullable=False),
    Column("sheet", String(200), nullable=False),
    Column("row", Integer, nullable=False),
    Column("created_at", UTCDateTime, nullable=False),
    UniqueConstraint("file_sha256", "sheet", "row"),
)


# What a batch did to one record, so that ``crm import undo`` can take it back.
#
# ``action`` is ``create`` (the batch made the records ``entity_id`` to ``last_entity_id``, a
# run of ids allocated together; ``last_entity_id`` is empty for a single record), ``fill``
# (it filled an empty field:
# ``before`` is empty, ``after`` the value) or ``conflict`` (the file disagreed with the base;
# nothing was changed, both values are kept here and reported).
import_changes = Table(
    "import_changes",
    metadata,
    Column("id", BigId, primary_key=True),
    Column("batch_id", Integer, ForeignKey("import_batches.id"), nullable=False),
    Column("entity", String(16), nullable=False),
    Column("entity_id", Integer, nullable=False),
    Column("last_entity_id", Integer, nullable=True),
    Column("action", String(16), nullable=False),
    Column("field", String(64), nullable=True),
    Column("before", String(2000), nullable=True),
    Column("after", String(2000), nullable=True),
    Index("ix_import_changes_batch", "batch_id", "entity"),
)


# A column mapping remembered for files with the same headers.
import_mappings = Table(
    "import_mappings",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("signature", String(64), nullable=False, unique=True),
    Column("headers", JSON, nullable=False),
    Column("columns", JSON, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
)
