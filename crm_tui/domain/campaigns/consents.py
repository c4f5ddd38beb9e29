"""Consent to advertising by e-mail (38-FZ art. 18): an advertising campaign writes only to an
address with one on record, where it was given and when."""

from __future__ import annotations

from datetime import date

from sqlalchemy import delete, insert, select

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit import trail as audit
from crm_tui.domain.campaigns.senders import read_address
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import mail_consents


def record_consent(ws: Workspace, address: str, source: str, given_on: date) -> bool:
    """Record a consent; False when the address had one already (kept as it was)."""
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    value = read_address(address)
    if not source.strip():
        raise InvalidInput("consent.no_source", N_("source: say where the consent was given"))
    with ws.write() as session:
        if session.scalar(select(mail_consents.c.id).where(mail_consents.c.address == value)) is not None:
            return False
        consent_id = session.execute(
            insert(mail_consents)
            .values(
                address=value,
                source=source.strip()[:200],
                given_on=given_on,
                created_at=ws.now(),
                user_id=ws.viewer.user_id,
            )
            .returning(mail_consents.c.id)
        ).scalar_one()
        audit.record(
            session, at=ws.now(), user_id=ws.viewer.user_id, entity="consent", entity_id=int(consent_id),
            action="record", changes={"source": source, "given_on": given_on.isoformat()},
        )  # fmt: skip
        return True


def withdraw_consent(ws: Workspace, address: str) -> bool:
    require(ws.viewer, Capability.RUN_CAMPAIGNS)
    value = read_address(address)
    with ws.write() as session:
        return bool(
            session.connection()
            .execute(delete(mail_consents).where(mail_consents.c.address == value))
            .rowcount
        )
