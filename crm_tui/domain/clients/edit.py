"""Editing a client's own fields, refused rather than merged when somebody saved first.

The person edits what they saw at ``version``; the save is ``UPDATE ... WHERE version = seen``.
No row updated means somebody else saved in between: the edit is refused with the values now in
the base, so nothing is silently overwritten and the person decides again with the facts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import visible_clients
from crm_tui.domain.audit.changes import change
from crm_tui.domain.clients.search_keys import derived_keys
from crm_tui.domain.errors import InvalidInput, StaleEdit, not_found
from crm_tui.domain.field_labels import field_label
from crm_tui.domain.values.cells import Normalised
from crm_tui.domain.values.legal_forms import normalise_legal_form
from crm_tui.domain.values.requisites import (
    is_valid_account,
    is_valid_bik,
    is_valid_inn,
    is_valid_kpp,
    is_valid_ogrn,
    normalise_inn_kpp,
    normalise_kpp,
    normalise_ogrn,
)
from crm_tui.domain.values.text import normalise_text
from crm_tui.i18n import N_, Listed, Message
from crm_tui.storage.models import ChannelKind, ClientStatus, channels, clients

EDITABLE = (
    "name",
    "legal_form",
    "inn",
    "kpp",
    "ogrn",
    "legal_address",
    "bik",
    "account",
    "city",
    "region",
    "status",
)
DIGITS = ("inn", "kpp", "ogrn", "bik", "account")
"""Requisites typed with spaces or dashes (``40702 810 0...``) are kept as digits alone."""
_READERS: dict[str, Callable[[object], Normalised[str | None]]] = {
    "legal_form": normalise_legal_form,
    "kpp": normalise_kpp,
    "ogrn": normalise_ogrn,
}


class StaleClient(StaleEdit):
    """The client changed since it was read; ``fresh`` holds its values now."""

    def __init__(self, client_id: int, fresh: dict[str, Any]) -> None:
        self.fresh = fresh
        shown = Listed(
            [
                Message("client.value", N_("{field} {value!r}"), field=field_label(k), value=fresh[k])
                for k in EDITABLE
                if fresh.get(k) not in (None, "")
            ]
        )
        super().__init__(
            "client.stale",
            N_(
                "client {id} was saved by someone else meanwhile (now version {version}: {values}); "
                "your edit was not saved: look at these values and edit again"
            ),
            id=client_id,
            version=fresh["version"],
            values=shown,
        )


def edit_client(
    session: Session,
    viewer: Viewer,
    now: datetime,
    client_id: int,
    seen_version: int,
    changes: Mapping[str, Any],
) -> int:
    """Apply ``changes`` to the client read at ``seen_version``; returns the new version."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise InvalidInput(
            "client.field_unknown",
            N_("field {field!r} cannot be edited here; editable: {fields}"),
            field=unknown[0],
            fields=", ".join(EDITABLE),
        )
    changes = clean_requisites(changes)
    if "name" in changes and not str(changes["name"] or "").strip():
        raise InvalidInput("client.name_missing", N_("name: a client needs a name"), field="name")
    if "status" in changes and changes["status"] not in {s.value for s in ClientStatus}:
        raise InvalidInput(
            "client.status_unknown",
            N_("status: {status!r} is not lead, prospect or customer"),
            field="status",
            status=changes["status"],
        )
    c = clients.c
    row = session.execute(select(clients).where(c.id == client_id, visible_clients(viewer))).first()
    if row is None:
        raise not_found("client", client_id)
    current = dict(row._mapping)
    if current["version"] != seen_version:
        raise StaleClient(client_id, current)
    check_requisites({**current, **changes}, changes)
    merged = {**current, **changes}
    found = session.execute(
        select(channels.c.kind, channels.c.value).where(channels.c.client_id == client_id)
    )
    pairs = found.all()
    phones = sorted(v for k, v in pairs if k == ChannelKind.PHONE.value)
    emails = sorted(v for k, v in pairs if k == ChannelKind.EMAIL.value)
    name_key, text = derived_keys(
        merged["name"], merged["legal_form"], merged["inn"], merged["city"], phones, emails
    )
    return change(
        session,
        clients,
        client_id,
        {**changes, "name_key": name_key[:300], "search_text": text[:2000]},
        at=now,
        user_id=viewer.user_id,
        seen=seen_version,
        refused=lambda: StaleClient(client_id, _fresh(session, client_id)),
        action="edit",
        changes={k: [current[k], v] for k, v in changes.items() if current[k] != v},
    )


def _fresh(session: Session, client_id: int) -> dict[str, Any]:
    """The client as somebody else has just saved it (the refusal shows these values)."""
    return dict(session.execute(select(clients).where(clients.c.id == client_id)).one()._mapping)


def clean_requisites(changes: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values read as the import reads their cells, and None for what was emptied.

    What a requisite's parser refuses is kept as typed (digits alone, for ``40702 810 0...``)
    so that ``check_requisites`` refuses it naming the field; a legal form nobody knows is kept
    as written, as the import keeps it.
    """
    cleaned: dict[str, Any] = {}
    for key, given in changes.items():
        if isinstance(given, str):
            read = _read_requisite(key, given)
            text = read or normalise_text(given).value or ""
            if key in DIGITS and read is None:
                text = "".join(ch for ch in text if ch not in " -")
            cleaned[key] = text or None
        else:
            cleaned[key] = given
    return cleaned


def _read_requisite(key: str, text: str) -> str | None:
    """``text`` as the import reads a cell of ``key``; None when it is no such field or the
    parser does not take it whole (an INN field holding a KPP too is refused, not cut)."""
    if key == "inn":
        found = normalise_inn_kpp(text)
        return found.value.inn if found.ok and found.value.kpp is None else None
    read = _READERS.get(key)
    if read is None:
        return None
    value = read(text)
    return value.value if value.ok else None


def check_requisites(merged: Mapping[str, Any], changed: Mapping[str, Any]) -> None:
    """Only what this edit touches is checked: an import may have kept an invalid INN with a
    warning, and fixing the address must not be refused for it."""
    inn, bik, account = merged.get("inn"), merged.get("bik"), merged.get("account")
    if changed.get("inn") and not is_valid_inn(inn or ""):
        raise InvalidInput(
            "client.inn_invalid",
            N_("inn: {inn} is not a valid INN (10 digits for a company, 12 for a person; checksum)"),
            field="inn",
            inn=inn,
        )
    kpp = changed.get("kpp")
    if kpp and not is_valid_kpp(kpp):
        raise InvalidInput(
            "client.kpp_invalid",
            N_("kpp: {kpp} is not a KPP (9 characters: 4 digits, 2 digits or letters, 3 digits)"),
            field="kpp",
            kpp=kpp,
        )
    ogrn = changed.get("ogrn")
    if ogrn and not is_valid_ogrn(ogrn):
        raise InvalidInput(
            "client.ogrn_invalid",
            N_("ogrn: {ogrn} is not a valid OGRN (13 digits, or 15 for OGRNIP; checksum)"),
            field="ogrn",
            ogrn=ogrn,
        )
    if changed.get("bik") and not is_valid_bik(bik or ""):
        raise InvalidInput(
            "client.bik_invalid",
            N_("bik: {bik} is not a BIK (9 digits starting with 0)"),
            field="bik",
            bik=bik,
        )
    if (changed.get("account") or changed.get("bik")) and account:
        if not bik:
            raise InvalidInput(
                "client.bik_missing",
                N_("account: give the bank's BIK too; the account is checked against it"),
                field="account",
            )
        if not is_valid_account(account, bik):
            raise InvalidInput(
                "client.account_invalid",
                N_("account: {account} does not match BIK {bik} (20 digits; the control key is wrong)"),
                field="account",
                account=account,
                bik=bik,
            )
