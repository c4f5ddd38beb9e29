"""Alembic environment: always run programmatically by ``crm_tui.storage.schema`` with a live connection."""

from __future__ import annotations

from alembic import context

from crm_tui.storage.models import metadata
from crm_tui.storage.search_index import is_search_index

config = context.config
connection = config.attributes["connection"]
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
    include_name=lambda name, type_, parent: not is_search_index(name),
)
with context.begin_transaction():
    context.run_migrations()
