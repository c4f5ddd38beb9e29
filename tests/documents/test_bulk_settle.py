"""A statement that settles many invoices at once writes, row for row, what settling them one at a
time through the one move function writes: the deals' stage, status, version and history, the
audit rows, the closed playbook tasks and the new ones, the clients made customers."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, select
from sqlalchemy.engine import Engine

from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.deals.moves import move_deal
from crm_tui.domain.documents.bank_file import BankPayment, statement_bytes
from crm_tui.domain.workspace import open_workspace
from crm_tui.importers.bank.service import BankSummary, import_bank
from crm_tui.storage.database import dispose_engines
from crm_tui.storage.models import (
    audit_entries,
    clients,
    deal_documents,
    deal_stage_changes,
    deals,
    payments,
    sales_documents,
    stages,
    tasks,
)
from tests.documents.one_by_one import one_by_one
from tests.documents.support import COMPANY, fill_requisites
from tests.seed import FROZEN_NOW, MOSCOW, seed_team

DEALS = 12


def _build(path: Path, prepared: Callable[[str], Engine]) -> tuple[str, list[BankPayment]]:
    """The seeded team, ``DEALS`` deals awaiting payment (moved there by the move function, so each
    has its playbook task open), one invoice each and a second one on deal 0; the statement pays
    every invoice in full but deal 5's (a part) and the second invoice of deal 0."""
    url = str(path)
    seeded = seed_team(prepared(url))
    admin = open_workspace(url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    manager = open_workspace(url, "ivanova", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    client_ids = sorted(seeded.clients.values())[:5]
    for client_id in client_ids:
        fill_requisites(admin, client_id)
    with admin.write() as session:
        invoice_stage, pipeline = session.execute(
            select(stages.c.id, stages.c.pipeline_id).where(stages.c.code == "invoice")
        ).one()
        awaiting = int(session.scalar(select(stages.c.id).where(stages.c.code == "awaiting_payment")) or 0)
        inns = dict(
            session.execute(select(clients.c.id, clients.c.inn).where(clients.c.id.in_(client_ids))).all()
        )
        made: list[tuple[int, str, str, int]] = []
        for n in range(DEALS):
            client_id = client_ids[n % len(client_ids)]
            deal_id = session.execute(
                insert(deals).values(
                    client_id=client_id, owner_id=seeded.users["ivanova"], pipeline_id=pipeline,
                    stage_id=invoice_stage, title=f"Поставка {n}", title_key=f"поставка {n}",
                    amount=1_000_000 + n, status="open", stage_entered_at=FROZEN_NOW - timedelta(days=n),
                    created_at=FROZEN_NOW, updated_at=FROZEN_NOW, version=1, furthest_position=4,
                ).returning(deals.c.id)
            ).scalar_one()  # fmt: skip
            for k in range(2 if n == 0 else 1):
                number = str(500 + n * 2 + k)
                doc_id = session.execute(
                    insert(sales_documents).values(
                        kind="invoice", number=number, doc_year=2026, doc_date=date(2026, 11, 1),
                        client_id=client_id, client_name="test", inn=inns[client_id], amount=1_000_000 + n,
                        paid=False, file="", row=0, updated_at=FROZEN_NOW,
                    ).returning(sales_documents.c.id)
                ).scalar_one()  # fmt: skip
                session.execute(
                    insert(deal_documents).values(
                        document_id=doc_id, deal_id=deal_id, file_format="pdf", template="invoice-pdf",
                        content=b"%PDF", paid_amount=0, created_at=FROZEN_NOW,
                    )
                )  # fmt: skip
                made.append((n, number, inns[client_id] or "", 1_000_000 + n))
    with admin.read() as session:
        ours = session.execute(
            select(deals.c.id, deals.c.version).where(deals.c.title.like("Поставка %"))
        ).all()
    for deal_id, version in ours:
        move_deal(manager, deal_id, awaiting, version)
    items = []
    for n, number, inn, amount in made:
        if number == "501":
            continue  # deal 0's second invoice stays unpaid
        paid = amount // 2 if n == 5 else amount
        purpose = f"Оплата по счету № {number} от 01.11.2026"
        items.append(
            BankPayment(
                f"p{number}",
                date(2026, 11, 19),
                paid,
                f"Плательщик {n}",
                inn,
                "40702810100000000001",
                purpose,
            )
        )
    dispose_engines()
    return url, items


def _rows(table: Table, url: str, task_keys: dict[int, Any] | None = None) -> list[tuple[Any, ...]]:
    ws = open_workspace(url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    with ws.read() as session:
        rows = [dict(row._mapping) for row in session.execute(select(table))]
    out = []
    for row in rows:
        if table is tasks:
            row.pop("id")
        elif table is audit_entries:
            row.pop("id")
            if row["entity"] == "task" and task_keys is not None:
                row["entity_id"] = task_keys[row["entity_id"]]
        elif table in (deal_stage_changes, payments):
            row.pop("id")
        out.append(tuple(sorted((k, repr(v)) for k, v in row.items())))
    return sorted(out)


def _task_keys(url: str) -> dict[int, Any]:
    ws = open_workspace(url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    with ws.read() as session:
        return {
            row.id: (row.origin, row.deal_id, row.title, row.status)
            for row in session.execute(
                select(tasks.c.id, tasks.c.origin, tasks.c.deal_id, tasks.c.title, tasks.c.status)
            )
        }


def _settle(url: str, items: list[BankPayment], tmp_path: Path, name: str) -> BankSummary:
    statement = tmp_path / f"{name}.txt"
    statement.write_bytes(statement_bytes(COMPANY["name"], COMPANY["inn"], COMPANY["account"], items))
    later = open_workspace(url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW + timedelta(hours=1)))
    return import_bank(later, statement)


def test_a_bulk_settle_writes_what_one_by_one_moves_write(
    tmp_path: Path, prepared: Callable[[str], Engine]
) -> None:
    (tmp_path / "bulk").mkdir()
    (tmp_path / "single").mkdir()
    bulk_url, items = _build(tmp_path / "bulk" / "crm.db", prepared)
    single_url, same_items = _build(tmp_path / "single" / "crm.db", prepared)
    assert items == same_items
    bulk = _settle(bulk_url, items, tmp_path, "bulk")
    with one_by_one():
        single = _settle(single_url, items, tmp_path, "single")
    assert (bulk.new, sorted(bulk.paid_invoices), sorted(bulk.won_deals)) == (
        single.new, sorted(single.paid_invoices), sorted(single.won_deals)
    )  # fmt: skip
    assert len(bulk.won_deals) == DEALS - 1  # deal 5 paid a part only
    for table in (deals, deal_stage_changes, clients, sales_documents, deal_documents, payments, tasks):
        assert _rows(table, bulk_url) == _rows(table, single_url), table.name
    assert _rows(audit_entries, bulk_url, _task_keys(bulk_url)) == _rows(
        audit_entries, single_url, _task_keys(single_url)
    )
    with open_workspace(bulk_url, "admin", tz=MOSCOW).read() as session:
        cancelled = session.scalar(
            select(tasks.c.id).where(tasks.c.result == "stage changed", tasks.c.origin.like("playbook:%"))
        )
    assert cancelled is not None  # the awaiting-payment reminders were closed by the wins
