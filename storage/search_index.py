"""The client search index, which lives outside the SQLModel metadata.

Created by migration 0003 with engine-specific DDL (an FTS5 trigram table on SQLite, a
``pg_trgm`` GIN index on PostgreSQL), so schema comparison must look past it.
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table

SEARCH_INDEX_NAMES = ("client_search", "ix_clients_search_trgm")

client_search = Table(
    "client_search",
    MetaData(),
    Column("rowid", Integer, primary_key=True),
    Column("search_text", String),
)


def is_search_index(name: str | None) -> bool:
    """Whether ``name`` is the FTS table, one of its shadow tables, or the trigram index."""
    return name is not None and name.startswith(SEARCH_INDEX_NAMES)
