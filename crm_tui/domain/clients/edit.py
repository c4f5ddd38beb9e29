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
from sqlmodel import Session

from crm_tui.domain.access.capabilities import Viewer
from crm_tui.domain.access.visibility import visible_clients
from crm_tui.domain.audit.changes import change
from crm_tui.domain.clients.search_keys import derived_keys
from crm_tui.domain.errors import InvalidInput, NotFound, StaleEdit
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
        shown = ", ".join(f"{k} {fresh[k]!r}" for k in EDITABLE if fresh.get(k) not in (None, ""))
        super().__init__(
            f"client {client_id} was saved by someone else meanwhile (now version {fresh['version']}: "
            f"{shown}); your edit was not saved: look at these values and edit again"
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
        raise InvalidInput(f"field {unknown[0]!r} cannot be edited here; editable: {', '.join(EDITABLE)}")
    changes = clean_requisites(changes)
    if "name" in changes and not str(changes["name"] or "").strip():
        raise InvalidInput("name: a client needs a name")
    if "status" in changes and changes["status"] not in {s.value for s in ClientStatus}:
        raise InvalidInput(f"status: {changes['status']!r} is not lead, prospect or customer")
    c = clients.c
    row = session.execute(select(clients).where(c.id == client_id, visible_clients(viewer))).first()
    if row is None:
        raise NotFound(f"client {client_id} not found")
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
            f"inn: {inn} is not a valid INN (10 digits for a company, 12 for a person; checksum)"
        )
    kpp = changed.get("kpp")
    if kpp and not is_valid_kpp(kpp):
        raise InvalidInput(f"kpp: {kpp} is not a KPP (9 characters: 4 digits, 2 digits or letters, 3 digits)")
    ogrn = changed.get("ogrn")
    if ogrn and not is_valid_ogrn(ogrn):
        raise InvalidInput(f"ogrn: {ogrn} is not a valid OGRN (13 digits, or 15 for OGRNIP; checksum)")
    if changed.get("bik") and not is_valid_bik(bik or ""):
        raise InvalidInput(f"bik: {bik} is not a BIK (9 digits starting with 0)")
    if (changed.get("account") or changed.get("bik")) and account:
        if not bik:
            raise InvalidInput("account: give the bank's BIK too; the account is checked against it")
        if not is_valid_account(account, bik):
            raise InvalidInput(
                f"account: {account} does not match BIK {bik} (20 digits; the control key is wrong)"
            )
