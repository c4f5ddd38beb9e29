"""Documents in the demo (seed 002): our company's requisites, contracts and invoices on deals
that reached the invoice, some invoices paid (their deals won), some partly, some not; and a
bank statement beside the base to try `crm import bank` on (it pays some of the unpaid ones,
one partly, and holds a payment that matches nothing).

They are made through the domain, as a person makes them (numbers, files, audit), by the
team's admin."""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.documents.bank_file import BankPayment, statement_bytes
from crm_tui.domain.documents.company import set_company
from crm_tui.domain.documents.making import DocumentRow, make_document
from crm_tui.domain.documents.payments import confirm_payment
from crm_tui.domain.values.requisites import inn_check_digits, ogrn_check_digit, with_account_key
from crm_tui.domain.workspace import Workspace, open_workspace
from crm_tui.storage.models import DealStatus, Role, clients, deals, stages, users
from crm_tui.storage.private_files import open_private

INVOICED = 24
"""How many deals get an invoice (a contract for two in three): enough to see every state."""
BIK = "044525225"
STATEMENT = "demo-bank-statement.txt"
DEMO_CLIENT_BIK = "044525974"
"""The buyers' bank in the demo (a real BIK: the accounts' control keys are computed against it)."""


def _company(rng: random.Random) -> dict[str, str]:
    body = f"77{rng.randrange(10**7):07d}"
    return {
        "name": "ООО «Тепломир Снаб»", "inn": body + inn_check_digits(body), "kpp": "770101001",
        "ogrn": "115774600001" + ogrn_check_digit("115774600001"),
        "address": "125009, г. Москва, ул. Тверская, д. 12, оф. 4",
        "bank": "ПАО Сбербанк", "bik": BIK, "corr_account": "30101810400000000225",
        "account": with_account_key(BIK, f"40702810{rng.randrange(10**12):012d}"),
        "director": "Соколов Андрей Викторович", "director_genitive": "Соколова Андрея Викторовича",
        "accountant": "Белова Ирина Петровна", "vat": "20",
    }  # fmt: skip


def _candidates(engine: Engine, login_id: int) -> list[tuple[int, int, str | None]]:
    """Open deals in the invoice stages of company clients with an INN: (deal, client, city);
    not of the person the demo is built for, whose desk shows a month still short of its plan."""
    d, c = deals.c, clients.c
    with engine.connect() as conn:
        rows = conn.execute(
            select(d.id, c.id, c.city)
            .select_from(deals.join(clients, c.id == d.client_id).join(stages, stages.c.id == d.stage_id))
            .where(d.status == DealStatus.OPEN.value, stages.c.code.in_(("invoice", "awaiting_payment")),
                   c.inn.is_not(None), d.amount > 0, d.owner_id != login_id)
            .order_by(d.id)
            .limit(INVOICED)
        )  # fmt: skip
        return [(r[0], r[1], r[2]) for r in rows]


def _fill_clients(engine: Engine, picked: list[tuple[int, int, str | None]]) -> None:
    with engine.begin() as conn:
        for _deal, client_id, city in picked:
            inn = conn.scalar(select(clients.c.inn).where(clients.c.id == client_id)) or ""
            values: dict[str, str] = {
                "legal_address": f"{city or 'г. Москва'}, ул. Ленина, д. {client_id % 90 + 1}"
            }
            if len(inn) == 10:
                values["kpp"] = f"{inn[:4]}01001"
            # the contracts print the buyer's bank: «Р/с», «БИК»
            values["bik"] = DEMO_CLIENT_BIK
            values["account"] = with_account_key(DEMO_CLIENT_BIK, f"40702810{client_id:012d}")
            conn.execute(
                update(clients)
                .where(clients.c.id == client_id, clients.c.legal_address.is_(None))
                .values(values)
            )
            conn.execute(
                update(clients)
                .where(clients.c.id == client_id, clients.c.account.is_(None))
                .values(bik=values["bik"], account=values["account"])
            )
            if "kpp" in values:
                conn.execute(
                    update(clients)
                    .where(clients.c.id == client_id, clients.c.kpp.is_(None))
                    .values(kpp=values["kpp"])
                )


def write_documents(
    engine: Engine, rng: random.Random, now: datetime, login_id: int, folder: Path | None
) -> tuple[Path | None, int]:
    """Make the demo's documents and payments; returns the bank statement's path (if written)
    and how many tasks the payments set."""
    with engine.connect() as conn:
        admin = conn.scalar(
            select(users.c.login).where(users.c.role == Role.ADMIN.value).order_by(users.c.id)
        )
    if admin is None:
        return None, 0
    url = engine.url.render_as_string(hide_password=False)
    ws: Workspace = open_workspace(url, admin, clock=fixed_clock(now - timedelta(days=6)))
    ours = _company(rng)
    set_company(ws, ours)
    picked = _candidates(engine, login_id)
    _fill_clients(engine, picked)
    invoices: list[tuple[DocumentRow, str]] = []
    for n, (deal_id, client_id, _city) in enumerate(picked):
        day = replace(ws, clock=fixed_clock(now - timedelta(days=6 - n % 5, hours=n)))
        if n % 3 != 2:
            make_document(day, deal_id, "contract", template="services" if n % 4 == 0 else "supply")
        invoice = make_document(day, deal_id, "invoice")
        with engine.connect() as conn:
            inn = conn.scalar(select(clients.c.inn).where(clients.c.id == client_id)) or ""
        invoices.append((invoice, inn))
    paying = replace(ws, clock=fixed_clock(now - timedelta(days=1)))
    tasks = 0
    for n, (invoice, _inn) in enumerate(invoices[:12]):
        if n % 2 == 0:
            tasks += len(confirm_payment(paying, invoice.deal_id).tasks)
        else:
            confirm_payment(paying, invoice.deal_id, str(invoice.amount // 200), "")
    if folder is None:
        return None, tasks
    payments: list[BankPayment] = []
    for n, (invoice, inn) in enumerate(invoices[12:18]):
        amount = invoice.amount if n != 1 else invoice.amount // 2
        purpose = (f"Оплата по счету № {invoice.number} от {invoice.doc_date:%d.%m.%Y}, в т.ч. НДС"
                   if n != 2 else "Оплата за оборудование, НДС включен")  # fmt: skip
        payments.append(BankPayment(str(400 + n), now.date(), amount, f"Покупатель {n + 1}", inn,
                                    f"4070281050000000{n:04d}", purpose))  # fmt: skip
    payments.append(BankPayment("512", now.date(), 1_250_000, "ИП Гаврилов Олег Петрович", "500100732259",
                                "40802810500000000777", "Предоплата по договору 15/26"))  # fmt: skip
    path = folder / STATEMENT
    with open_private(path, "wb") as file:  # names, INNs and accounts: the person's only
        file.write(statement_bytes(ours["name"], ours["inn"], ours["account"], payments))
    return path, tasks
