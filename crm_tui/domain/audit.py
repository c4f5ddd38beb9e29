"""The audit trail: written in the same transaction as the change it describes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session

from storage.models import AuditEntry


def record(
    session: Session,
    *,
    at: datetime,
    user_id: int | None,
    entity: str,
    entity_id: int,
    action: str,
    changes: dict[str, Any] | None = None,
) -> None:
    session.add(
        AuditEntry(
            at=at,
            user_id=user_id,
            entity=entity,
            entity_id=entity_id,
            action=action,
            changes=changes or {},
        )
    )
