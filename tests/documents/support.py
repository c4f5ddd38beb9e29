"""A seeded team with our company's and a client's requisites filled: what documents need."""

from __future__ import annotations

from sqlalchemy import select

from crm_tui.domain.clients.edit import edit_client
from crm_tui.domain.documents.company import set_company
from crm_tui.domain.values.requisites import with_account_key
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import clients

BIK = "044525225"
CLIENT_BIK = "044525974"
COMPANY = {
    "name": "ООО «Вектор Продаж»",
    "inn": "7707083893",
    "kpp": "770701001",
    "ogrn": "1027700132195",
    "address": "125009, г. Москва, ул. Тверская, д. 1",
    "bank": "ПАО Сбербанк",
    "bik": BIK,
    "corr_account": "30101810400000000225",
    "account": with_account_key(BIK, "40702810000000000001"),
    "director": "Иванов Иван Иванович",
    "accountant": "Петрова Анна Андреевна",
    "vat": "20",
}


def fill_requisites(admin: Workspace, client_id: int) -> None:
    """Our company's requisites, and the client's KPP and address (its INN is seeded)."""
    set_company(admin, COMPANY)
    with admin.write() as session:
        version = session.scalar(select(clients.c.version).where(clients.c.id == client_id)) or 0
        edit_client(
            session, admin.viewer, admin.now(), client_id, version,
            {"kpp": "770501001", "legal_address": "115093, г. Москва, ул. Павловская, д. 7",
             "bik": CLIENT_BIK, "account": with_account_key(CLIENT_BIK, "40702810000000000777")},
        )  # fmt: skip
