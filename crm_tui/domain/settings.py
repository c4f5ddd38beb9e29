"""Team-wide settings kept in the database, so every host and every cron job agrees on them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update

from crm_tui.storage.tables.team import settings_table

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit


def get_setting(session: Unit, key: str, default: Any = None) -> Any:
    found = session.execute(select(settings_table.c.value).where(settings_table.c.key == key)).first()
    return default if found is None or found[0] is None else found[0]


def get_settings(session: Unit, keys: list[str]) -> dict[str, Any]:
    """Several settings in one read (those not set are left out)."""
    c = settings_table.c
    return {k: v for k, v in session.execute(select(c.key, c.value).where(c.key.in_(keys))) if v is not None}


def put_setting(session: Unit, key: str, value: Any, *, at: datetime, user_id: int | None) -> None:
    values = {"value": value, "updated_at": at, "user_id": user_id}
    done = session.connection().execute(
        update(settings_table).where(settings_table.c.key == key).values(**values)
    )
    if done.rowcount == 0:
        session.connection().execute(insert(settings_table).values(key=key, **values))
