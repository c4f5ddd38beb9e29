"""The funnel follows 1C (seed 003): the trade system's orders, invoices, shipments and payments
move the open deals they speak of, through the one move function, and a first paid purchase makes
a customer; the same file twice moves nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine

from crm_tui.domain.documents.making import make_document
from crm_tui.domain.imports.batches import OrdersOptions
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.orders.service import import_orders
from crm_tui.storage.database import write_session
from crm_tui.storage.models import audit_entries, clients, deal_stage_changes, deals, stages, tasks
from tests.cli_support import crm
from tests.documents.support import fill_requisites
from tests.importers.files import write_rows_xlsx
from tests.importers.order_files import INN
from tests.seed import FROZEN_NOW, Seeded

DAY = FROZEN_NOW.strftime("%d.%m.%Y")


@pytest.fixture
def head(workspace_for: Callable[[str], Workspace]) -> Workspace:
    return workspace_for("smirnov")


def write_orders_xlsx(path: Path) -> Path:
    """The "Заказы клиентов" list as 1C:Trade saves it: no kind column (the file's name says it),
    the client by name only, amounts as text with spaces and a comma."""
    rows: list[list[object]] = [
        ["Заказы клиентов"],
        ["Номер", "Дата", "Клиент", "Сумма", "Валюта", "Состояние", "Организация"],
        ["0000-000012", f"{DAY} 10:15:00", "Теплодом ООО", "120 000,00", "руб.", "К выполнению", "Наша"],
        ["0000-000013", f"{DAY} 11:00:00", "АО «Вектор Плюс»", "220 000,00", "руб.", "К выполнению", "Наша"],
        ["0000-000014", f"{DAY} 11:30:00", "СтройМонтаж", "1 250 000,00", "руб.", "Согласован", "Наша"],
    ]  # fmt: skip
    return write_rows_xlsx(path, rows, "Заказы клиентов")


def write_payments_csv(path: Path, invoice: str) -> Path:
    """ "Поступления на расчетный счет" saved as CSV in Windows-1251: the invoice is named only in
    the payment's purpose."""
    lines = [
        "Дата;Номер;Контрагент;ИНН;Сумма;Назначение платежа\r\n",
        f"{DAY};00000231;Вектор Плюс АО;{INN['vektor']};540 000,00;"
        f"Оплата по счету № {invoice} от {DAY}. В т.ч. НДС 20% - 90000-00\r\n",
        f"{DAY};00000232;Теплодом ООО;{INN['teplo']};120 000,00;Оплата за котельное оборудование\r\n",
    ]
    path.write_bytes("".join(lines).encode("cp1251"))
    return path


def write_old_sale_csv(path: Path) -> Path:
    """A shipment of a year ago for the amount of Ромашка's open deal: older than the deal, so
    not about it."""
    lines = [
        "Документ;Контрагент;ИНН;Сумма\r\n",
        f"Реализация товаров и услуг 0000-000007 от 05.12.2025 12:00:00;Ромашка ООО;{INN['romashka']};"
        "780 000,00\r\n",
    ]
    path.write_bytes("".join(lines).encode("cp1251"))
    return path


def write_sales_csv(path: Path) -> Path:
    lines = [
        "Документ;Контрагент;ИНН;Сумма\r\n",
        f"Реализация товаров и услуг 0000-000101 от {DAY} 12:00:00;Ромашка ООО;{INN['romashka']};"
        "780 000,00\r\n",
    ]
    path.write_bytes("".join(lines).encode("cp1251"))
    return path


def _deal(engine: Engine, deal_id: int) -> tuple[str, str, int]:
    with write_session(engine) as session:
        row = session.execute(
            select(stages.c.code, deals.c.status, deals.c.version)
            .select_from(deals.join(stages, stages.c.id == deals.c.stage_id))
            .where(deals.c.id == deal_id)
        ).one()
    return row[0], row[1], row[2]


def test_orders_invoices_and_payments_move_their_deals_once(
    engine: Engine, seeded: Seeded, head: Workspace, workspace_for: Callable[[str], Workspace], tmp_path: Path
) -> None:
    teplo, stroy, vektor = (seeded.deals[k] for k in ("d_new_teplo", "d_prop_stroy", "d_inv_vektor"))
    orders = write_orders_xlsx(tmp_path / "Заказы клиентов.xlsx")
    first = import_orders(head, orders, OrdersOptions(errors_dir=tmp_path))
    assert first.funnel is not None
    moved = {m.deal: (m.from_stage, m.to_stage, m.number, m.how) for m in first.funnel.moved}
    assert set(moved) == {teplo, stroy}  # Вектор's deal awaits payment already: never moved back
    assert moved[teplo][2:] == ("0000-000012", "client_amount")
    assert _deal(engine, teplo)[:2] == ("invoice", "open")
    with write_session(engine) as session:
        history = session.execute(
            select(deal_stage_changes.c.comment, deal_stage_changes.c.user_id)
            .where(deal_stage_changes.c.deal_id == teplo)
            .order_by(deal_stage_changes.c.id.desc())
        ).first()
        audited = session.scalar(
            select(audit_entries.c.changes).where(
                audit_entries.c.entity == "deal",
                audit_entries.c.entity_id == teplo,
                audit_entries.c.action == "stage",
            )
        )
        playbook = list(
            session.scalars(select(tasks.c.title).where(tasks.c.deal_id == teplo, tasks.c.status == "open"))
        )
    assert history is not None and "0000-000012" in (history.comment or "")
    assert history.user_id == seeded.users["smirnov"]
    assert audited is not None and audited["stage"][1] == moved[teplo][1]
    assert any("invoice reached the payer" in title for title in playbook)  # the new stage's first step

    again = import_orders(head, orders, OrdersOptions(errors_dir=tmp_path))
    assert again.funnel is not None and again.funnel.moved == [] and again.funnel.customers == []
    assert _deal(engine, teplo)[:2] == ("invoice", "open")

    admin, manager = workspace_for("admin"), workspace_for("ivanova")
    fill_requisites(admin, seeded.clients["vektor"])
    invoice = make_document(manager, vektor, "invoice")
    paid = import_orders(
        head,
        write_payments_csv(tmp_path / "Поступления на расчетный счет.csv", invoice.number),
        OrdersOptions(),
    )
    assert paid.funnel is not None
    how = {m.deal: (m.how, m.to_stage) for m in paid.funnel.moved}
    assert how[vektor][0] == "invoice_number"  # the number in the purpose, not the client's amount
    assert how[teplo][0] == "client_amount"
    assert _deal(engine, vektor)[1] == _deal(engine, teplo)[1] == "won"
    assert paid.funnel.customers == [seeded.clients["teplo"]]  # Вектор was a customer already
    with write_session(engine) as session:
        status = session.scalar(select(clients.c.status).where(clients.c.id == seeded.clients["teplo"]))
    assert status == "customer"
    again = import_orders(head, tmp_path / "Поступления на расчетный счет.csv", OrdersOptions())
    assert again.funnel is not None and (again.funnel.moved, again.funnel.customers) == ([], [])


def test_a_dry_run_says_what_would_move_and_moves_nothing(
    engine: Engine, seeded: Seeded, head: Workspace, tmp_path: Path
) -> None:
    romashka = seeded.deals["d_await_romashka"]
    before = _deal(engine, romashka)
    old = import_orders(head, write_old_sale_csv(tmp_path / "Реализации 2025.csv"), OrdersOptions())
    assert old.created == 1 and old.funnel is not None and old.funnel.moved == []
    assert _deal(engine, romashka) == before
    sales = write_sales_csv(tmp_path / "Реализации.csv")
    dry = import_orders(head, sales, OrdersOptions(dry_run=True))
    assert dry.funnel is not None and [m.deal for m in dry.funnel.moved] == [romashka]
    assert _deal(engine, romashka) == before
    real = import_orders(head, sales, OrdersOptions())
    assert real.funnel is not None and [(m.deal, m.kind) for m in real.funnel.moved] == [(romashka, "sale")]
    assert _deal(engine, romashka)[1] == "won"


def test_crm_import_orders_json_lists_the_moves(seeded_db: str, tmp_path: Path) -> None:
    orders = write_orders_xlsx(tmp_path / "Заказы клиентов.xlsx")
    dry = crm(
        "--db", seeded_db, "import", "orders", str(orders), "--dry-run", user="smirnov", data_dir=tmp_path
    )
    assert "deals the documents would move: 2" in dry.stdout
    assert "(order 0000-000012 of " in dry.stdout and "by client and amount)" in dry.stdout
    result = crm(
        "--db", seeded_db, "import", "orders", str(orders), "--json", user="smirnov", data_dir=tmp_path
    )
    summary = json.loads(result.stdout)
    moved = summary["funnel"]["moved"]
    assert sorted(m["number"] for m in moved) == ["0000-000012", "0000-000014"]
    assert {m["how"] for m in moved} == {"client_amount"}
    words = crm("--db", seeded_db, "import", "orders", str(orders), user="smirnov", data_dir=tmp_path)
    assert "deals the documents moved" not in words.stdout  # the second time nothing moves


def test_a_deal_moved_meanwhile_is_read_again_and_the_documents_keep_their_moves(
    engine: Engine, seeded: Seeded, head: Workspace, tmp_path: Path
) -> None:
    from unittest import mock

    from crm_tui.domain.audit.changes import stale
    from crm_tui.domain.deals.bulk_moves import move_deals
    from crm_tui.domain.documents import funnel

    calls: list[int] = []

    def once_refused(*args: object, **kwargs: object) -> object:
        calls.append(1)
        if len(calls) == 1:
            raise stale("deal", "Поставка")  # as when a manager moved it between our read and write
        return move_deals(*args, **kwargs)  # type: ignore[arg-type]

    with mock.patch.object(funnel, "move_deals", once_refused):
        summary = import_orders(head, write_orders_xlsx(tmp_path / "Заказы клиентов.xlsx"), OrdersOptions())
    assert len(calls) == 2 and summary.funnel is not None and len(summary.funnel.moved) == 2
    assert _deal(engine, seeded.deals["d_new_teplo"])[0] == "invoice"
