"""The portrait's shipped defaults (seed 000: headcount, annual turnover, conflict level, market
segment; a phone, an e-mail and a contact person with a position required), written once per
database like the funnel's (a settings flag remembers it), in the base's language: a field's
label and its choices are what managers type and read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select

from crm_tui.domain.base_language import base_language
from crm_tui.domain.settings import get_setting, put_setting
from crm_tui.i18n import N_, NC_, in_language
from crm_tui.storage.tables.kinds import FieldKind
from crm_tui.storage.tables.portrait import field_defs

if TYPE_CHECKING:
    from crm_tui.storage.units import Unit

PORTRAIT_KEY = "portrait.defaults"
REQUIRED_CONTACTS_KEY = "portrait.required_contacts"
CONTACT_REQUIREMENTS = {
    "phone": N_("a phone"),
    "email": N_("an e-mail"),
    "contact": N_("a contact person"),
    "contact_position": N_("a contact person with a position"),
}
"""What a client must have besides the portrait's fields, as the interface names it (msgids)."""
DEFAULT_REQUIRED_CONTACTS = ("phone", "email", "contact_position")


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    kind: FieldKind
    choices: tuple[str, ...] = ()
    required: bool = False


DEFAULT_FIELDS = (
    FieldSpec("headcount", NC_("portrait field", "Headcount"), FieldKind.NUMBER, required=True),
    FieldSpec("annual_turnover", NC_("portrait field", "Annual turnover"), FieldKind.MONEY),
    FieldSpec(
        "conflict_level",
        NC_("portrait field", "Conflict level"),
        FieldKind.CHOICE,
        (NC_("portrait choice", "low"), NC_("portrait choice", "medium"), NC_("portrait choice", "high")),
    ),
    FieldSpec(
        "market_segment",
        NC_("portrait field", "Market segment"),
        FieldKind.CHOICE,
        (
            NC_("portrait choice", "retail"),
            NC_("portrait choice", "wholesale"),
            NC_("portrait choice", "manufacturing"),
            NC_("portrait choice", "construction"),
            NC_("portrait choice", "services"),
            NC_("portrait choice", "public sector"),
        ),
        required=True,
    ),
)
"""The shipped portrait: labels and choices are msgids, written in the base's language."""


def ensure_portrait_defaults(session: Unit, now: datetime) -> None:
    if get_setting(session, PORTRAIT_KEY):
        return
    language = base_language(session)
    if not session.scalar(select(func.count()).select_from(field_defs)):
        session.connection().execute(
            insert(field_defs),
            [
                {"key": f.key, "label": in_language(language, f.label, context="portrait field"),
                 "kind": f.kind.value,
                 "choices": [in_language(language, c, context="portrait choice") for c in f.choices],
                 "required": f.required, "position": i, "active": True}
                for i, f in enumerate(DEFAULT_FIELDS)
            ],
        )  # fmt: skip
    if get_setting(session, REQUIRED_CONTACTS_KEY) is None:
        put_setting(session, REQUIRED_CONTACTS_KEY, list(DEFAULT_REQUIRED_CONTACTS), at=now, user_id=None)
    put_setting(session, PORTRAIT_KEY, 1, at=now, user_id=None)
