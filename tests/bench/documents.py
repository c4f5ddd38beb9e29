"""Documents and payments (issue 25). Nothing is asserted; figures against the budgets:

- an invoice PDF made from a deal and stored (``make_document``: number, render, write), and
  the PDF rendering alone (budget 300 ms);
- a contract DOCX made from the shipped template and stored (budget 300 ms);
- bank statements against 2,000 open invoices (budget: 10,000 payments matched in 5 s): first
  8,000 partial payments (four per invoice: matched, stored, added up, no invoice completed),
  then the 2,000 last ones (every invoice paid in full: its deal won through the move function,
  a task, the client a customer), then the first statement again (nothing new); then the whole
  10,000 in one statement against 2,000 fresh invoices (every deal won).

Runs on a fresh SQLite file (the seeded test team), in ``bench-data/documents.db``.

    .venv/bin/python tests/bench/documents.py [--repeat N] [--statements-only] [--one-by-one]

``--one-by-one`` settles through the one-by-one reference (``tests/documents/one_by_one.py``,
the code before the bulk settle), to compare old and new in the same minutes.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

INVOICES = 2_000
PAYMENTS_EACH = 5
"""Payments per invoice: ``--invoices`` x 5 = 10,000 by default."""


def _row(name: str, samples: list[float], budget: float) -> str:
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))]
    return (
        f"{name:<52} median {statistics.median(samples):8.1f} ms   p95 {p95:8.1f} ms   budget {budget:.0f} ms"
    )


def _many_invoices(
    url: str, seeded_clients: list[int], owner: int, count: int, start: int = 1000
) -> list[tuple[str, str, int]]:
    """``INVOICES`` deals in the invoice stage, each with an open invoice: (number, inn, amount)."""
    from sqlalchemy import insert, select

    from crm_tui.domain.workspace import prepare_database
    from crm_tui.storage.models import clients, deal_documents, deals, sales_documents, stages
    from tests.seed import FROZEN_NOW

    engine = prepare_database(url)
    with engine.begin() as conn:
        stage = conn.execute(
            select(stages.c.id, stages.c.pipeline_id).where(stages.c.code == "invoice")
        ).one()
        inns = dict(
            conn.execute(select(clients.c.id, clients.c.inn).where(clients.c.id.in_(seeded_clients))).all()
        )
        made = []
        for n in range(count):
            client_id = seeded_clients[n % len(seeded_clients)]
            deal_id = conn.execute(
                insert(deals).values(
                    client_id=client_id, owner_id=owner, pipeline_id=stage.pipeline_id, stage_id=stage.id,
                    title=f"Поставка {n}", title_key=f"поставка {n}", amount=1_000_000, status="open",
                    stage_entered_at=FROZEN_NOW, created_at=FROZEN_NOW, updated_at=FROZEN_NOW, version=1,
                    furthest_position=4,
                ).returning(deals.c.id)
            ).scalar_one()  # fmt: skip
            number = str(start + n)
            doc_id = conn.execute(
                insert(sales_documents).values(
                    kind="invoice", number=number, doc_year=2026, doc_date=date(2026, 11, 1),
                    client_id=client_id, client_name="bench", inn=inns[client_id], amount=1_000_000,
                    paid=False, file="", row=0, updated_at=FROZEN_NOW,
                ).returning(sales_documents.c.id)
            ).scalar_one()  # fmt: skip
            conn.execute(
                insert(deal_documents).values(
                    document_id=doc_id, deal_id=deal_id, file_format="pdf", template="invoice-pdf",
                    content=b"%PDF", paid_amount=0, created_at=FROZEN_NOW,
                )
            )  # fmt: skip
            made.append((number, inns[client_id] or "", 1_000_000))
    return made


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=15)
    parser.add_argument("--invoices", type=int, default=INVOICES)
    parser.add_argument("--profile", action="store_true", help="Profile the statement's import.")
    parser.add_argument(
        "--one-by-one",
        action="store_true",
        help="Settle invoices one at a time (the code before the bulk settle).",
    )
    parser.add_argument("--statements-only", action="store_true", help="Skip the PDF and DOCX figures.")
    args = parser.parse_args()

    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.documents.bank_file import BankPayment, statement_bytes
    from crm_tui.domain.documents.context import deal_context
    from crm_tui.domain.documents.invoice_pdf import invoice_pdf
    from crm_tui.domain.documents.making import make_document
    from crm_tui.domain.workspace import open_workspace, prepare_database
    from crm_tui.importers.bank.service import import_bank
    from tests.documents.support import COMPANY, fill_requisites
    from tests.seed import FROZEN_NOW, MOSCOW, seed_team

    folder = Path(ROOT / "bench-data")
    folder.mkdir(exist_ok=True)
    db = folder / "documents.db"
    for stale in folder.glob("documents.db*"):
        stale.unlink()
    url = str(db)
    seeded = seed_team(prepare_database(url))
    admin = open_workspace(url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    manager = open_workspace(url, "ivanova", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    deal_id = seeded.deals["d_inv_vektor"]
    for client_id in seeded.clients.values():
        fill_requisites(admin, client_id)

    rows = []
    samples = []
    for _ in range(0 if args.statements_only else args.repeat + 1):
        started = time.perf_counter()
        make_document(manager, deal_id, "invoice")
        samples.append((time.perf_counter() - started) * 1000)
    if not args.statements_only:
        rows.append(_row("invoice PDF made and stored", samples[1:], 300))
        with admin.read() as session:
            ctx = deal_context(session, deal_id, "1", FROZEN_NOW.date())
        samples = []
        for _ in range(args.repeat + 1):
            started = time.perf_counter()
            invoice_pdf(ctx)
            samples.append((time.perf_counter() - started) * 1000)
        rows.append(_row("invoice PDF rendered alone", samples[1:], 300))
        samples = []
        for _ in range(args.repeat + 1):
            started = time.perf_counter()
            make_document(manager, deal_id, "contract")
            samples.append((time.perf_counter() - started) * 1000)
        rows.append(_row("contract DOCX made and stored", samples[1:], 300))

    invoices = _many_invoices(url, list(seeded.clients.values()), seeded.users["ivanova"], args.invoices)

    def statement_of(parts: range, name: str, invoices: list[tuple[str, str, int]] = invoices) -> Path:
        items = [
            BankPayment(f"{name}-{n}-{k}", date(2026, 11, 19), amount // PAYMENTS_EACH, f"Плательщик {n}",
                        inn, "40702810100000000001", f"Оплата по счету № {number} от 01.11.2026, {k + 1}")
            for n, (number, inn, amount) in enumerate(invoices)
            for k in parts
        ]  # fmt: skip
        path = folder / name
        path.write_bytes(statement_bytes(COMPANY["name"], COMPANY["inn"], COMPANY["account"], items))
        return path

    later = replace(admin, clock=fixed_clock(FROZEN_NOW + timedelta(hours=1)))
    partial = statement_of(range(PAYMENTS_EACH - 1), "documents-partial.txt")
    final = statement_of(range(PAYMENTS_EACH - 1, PAYMENTS_EACH), "documents-final.txt")

    def run(label: str, path: Path) -> None:
        started, cpu = time.perf_counter(), time.process_time()
        if args.one_by_one:
            from tests.documents.one_by_one import one_by_one

            with one_by_one():
                summary = import_bank(later, path)
        elif args.profile:
            import cProfile
            import pstats

            with cProfile.Profile() as profile:
                summary = import_bank(later, path)
            pstats.Stats(profile).sort_stats("cumulative").print_stats(25)
        else:
            summary = import_bank(later, path)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        counts = f"new {summary.new}, paid {len(summary.paid_invoices)}, won {len(summary.won_deals)}"
        rows.append(f"{f'{summary.incoming:,} {label}':<52} {seconds:8.2f} s (CPU {cpu:.2f} s)   {counts}")

    run("partial payments (no invoice completed)", partial)
    run("last payments (every deal won)", final)
    started = time.perf_counter()
    again = import_bank(admin, partial)
    seconds = time.perf_counter() - started
    rows.append(
        f"{'the first statement again':<52} {seconds:8.2f} s   new {again.new}, already {again.already}"
    )
    fresh = _many_invoices(
        url, list(seeded.clients.values()), seeded.users["ivanova"], args.invoices, 100_000
    )
    run(
        "payments in one statement (every deal won)",
        statement_of(range(PAYMENTS_EACH), "documents-all.txt", fresh),
    )
    print("\n".join(rows))


if __name__ == "__main__":
    main()
