"""The portrait's shipped defaults (seed 000: headcount, annual turnover, conflict level, market
segment; a phone, an e-mail and a contact person with a position required), written once per
database like the funnel's (a settings flag remembers it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlmodel import Session

from crm_tui.domain.settings import get_setting, put_setting
from crm_tui.storage.models import FieldKind, field_defs

PORTRAIT_KEY = "portrait.defaults"
REQUIRED_CONTACTS_KEY = "portrait.required_contacts"
CONTACT_REQUIREMENTS = {
    "phone": "a phone",
    "email": "an e-mail",
    "contact": "a contact person",
    "contact_position": "a contact person with a position",
}
DEFAULT_REQUIRED_CONTACTS = ("phone", "email", "contact_position")


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    kind: FieldKind
    choices: tuple[str, ...] = ()
    required: bool = False


DEFAULT_FIELDS = (
    FieldSpec("headcount", "Headcount", FieldKind.NUMBER, required=True),
    FieldSpec("annual_turnover", "Annual turnover", FieldKind.MONEY),
    FieldSpec("conflict_level", "Conflict level", FieldKind.CHOICE, ("low", "medium", "high")),
    FieldSpec(
        "market_segment",
        "Market segment",
        FieldKind.CHOICE,
        ("retail", "wholesale", "manufacturing", "construction", "services", "public sector"),
        required=True,
    ),
)


def ensure_portrait_defaults(session: Session, now: datetime) -> None:
    if get_setting(session, PORTRAIT_KEY):
        return
    if not session.scalar(select(func.count()).select_from(field_defs)):
        session.connection().execute(
            insert(field_defs),
            [
                {"key": f.key, "label": f.label, "kind": f.kind.value, "choices": list(f.choices),
                 "required": f.required, "position": i, "active": True}
                for i, f in enumerate(DEFAULT_FIELDS)
            ],
        )  # fmt: skip
    if get_setting(session, REQUIRED_CONTACTS_KEY) is None:
        put_setting(session, REQUIRED_CONTACTS_KEY, list(DEFAULT_REQUIRED_CONTACTS), at=now, user_id=None)
    put_setting(session, PORTRAIT_KEY, 1, at=now, user_id=None)
