"""Clients, their contacts and channels, and what merges and erasures keep."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
    false,
    text,
)

from crm_tui.storage.tables.base import metadata
from crm_tui.storage.tables.kinds import ClientKind, ClientStatus
from crm_tui.storage.types import UTCDateTime

# A company or a person we sell to.
#
# ``name_key`` (case-folded name, ё folded to е) orders lists and ``search_text`` holds
# everything the `/` search matches on, pre-folded, so that search is one ``LIKE`` that behaves
# the same for Cyrillic on SQLite (whose ``LIKE`` folds ASCII only) and on PostgreSQL.
clients = Table(
    "clients",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False, default=ClientKind.COMPANY),
    Column("name", String(300), nullable=False),
    Column("legal_form", String(32), nullable=True),
    Column("inn", String(12), nullable=True),
    Column("kpp", String(9), nullable=True),
    Column("ogrn", String(15), nullable=True),
    Column("legal_address", String(500), nullable=True),
    Column("bik", String(9), nullable=True),
    # The settlement account at the bank ``bik``, its key checked against the BIK.
    Column("account", String(20), nullable=True),
    Column("city", String(100), nullable=True),
    Column("region", String(100), nullable=True),
    Column("owner_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("status", String(16), nullable=False, default=ClientStatus.LEAD),
    Column("name_key", String(300), nullable=False),
    Column("search_text", String(2000), nullable=False, default=""),
    Column("segment", String(16), nullable=True),
    Column("segment_manual", Boolean, nullable=False, default=False, server_default=false()),
    Column("last_purchase_on", Date, nullable=True),
    Column("sales_total", BigInteger, nullable=False, default=0, server_default="0"),
    Column("created_at", UTCDateTime, nullable=False),
    Column("updated_at", UTCDateTime, nullable=False),
    Column("version", Integer, nullable=False, default=1),
    # Covers the access and filter columns, so a page walk never reads rows it won't show.
    Index("ix_clients_name_key_id", "name_key", "id", "owner_id", "region", "status"),
    Index("ix_clients_owner_name", "owner_id", "name_key", "id"),
    Index("ix_clients_region_name", "region", "name_key", "id"),
    # The region's unassigned clients, which its managers see and take (seed 003): a manager's
    # search reads them by this and her own by ix_clients_owner_name (migration 0033). Partial
    # on SQLite only: a ``postgresql_where`` here loads SQLAlchemy's PostgreSQL dialect (~25 ms)
    # in every command on SQLite; PostgreSQL's planner does as well with the whole index.
    Index("ix_clients_free_leads", "region", "status", sqlite_where=text("owner_id IS NULL")),
    Index("ix_clients_inn", "inn"),
    Index("ix_clients_segment_purchase", "segment", "last_purchase_on", "id"),
    Index("ix_clients_segment_total", "segment", "sales_total", "id"),
)


contacts = Table(
    "contacts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("full_name", String(200), nullable=False),
    Column("position", String(200), nullable=True),
    Column("created_at", UTCDateTime, nullable=False),
    # The portrait tile asks of every owned client whether a contact has a position: the index
    # answers it without reading the contacts.
    Index("ix_contacts_client_position", "client_id", "position"),
)


# A job a contact had before moving to another company (seed 001): the person keeps one
# record and one history; the current job is the contact row itself.
contact_jobs = Table(
    "contact_jobs",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="CASCADE"), nullable=False),
    Column("client_id", Integer, ForeignKey("clients.id"), nullable=False),
    Column("position", String(200), nullable=True),
    Column("left_at", UTCDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Index("ix_contact_jobs_contact", "contact_id"),
    Index("ix_contact_jobs_client", "client_id"),
)


# A phone, e-mail or messenger handle of a client or of one of its contacts.
#
# ``value`` is normalised (E.164, lower-cased e-mail) and is what duplicate checks compare;
# ``raw`` keeps what a person typed or a file held.
channels = Table(
    "contact_channels",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("client_id", Integer, ForeignKey("clients.id", ondelete="CASCADE"), nullable=False),
    Column("contact_id", Integer, ForeignKey("contacts.id", ondelete="SET NULL"), nullable=True),
    Column("kind", String(16), nullable=False),
    Column("value", String(320), nullable=False),
    Column("raw", String(500), nullable=False),
    Column("extension", String(16), nullable=True),
    Index("ix_channels_kind_value", "kind", "value"),
    # A client's first phone or e-mail (the list's columns, the portrait tile) is the first
    # entry of its (client, kind) range, not a read of all its channels.
    Index("ix_contact_channels_client_kind", "client_id", "kind", "id"),
    # A deleted contact sets its channels' contact_id to NULL: found by this, not a scan.
    Index("ix_contact_channels_contact", "contact_id"),
)


# Clients merged into a survivor, with what it takes to put them back exactly.
#
# ``snapshot`` holds the rows of every client as they were, the ids of every record moved to
# the survivor (per table and column) and the channels dropped as repeats of the survivor's;
# ``survivor_version`` is the survivor's version right after the merge, so an undo can tell
# whether somebody has changed it since.
merges = Table(
    "merges",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("survivor_id", Integer, nullable=False, index=True),
    Column("merged_ids", JSON, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("at", UTCDateTime, nullable=False),
    Column("score", Integer, nullable=True),
    Column("reasons", JSON, nullable=False),
    Column("snapshot", JSON, nullable=False),
    Column("survivor_version", Integer, nullable=False),
    Column("undone_at", UTCDateTime, nullable=True),
)


# A pair a person said is two companies; never proposed again (``left_id < right_id``).
not_duplicates = Table(
    "not_duplicates",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("left_id", Integer, nullable=False),
    Column("right_id", Integer, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
    Column("at", UTCDateTime, nullable=False),
    UniqueConstraint("left_id", "right_id"),
)


# A person erased on request (152-FZ, GDPR): hashes of their normalised name, phones and
# e-mails, so that no later import brings them back. The hash, not the value: the point of
# erasing is not to keep it.
suppressions = Table(
    "suppressions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("digest", String(64), nullable=False, index=True),
    Column("at", UTCDateTime, nullable=False),
    Column("user_id", Integer, ForeignKey("users.id"), nullable=True),
)
