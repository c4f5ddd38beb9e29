"""`crm company`, `crm doc`, `crm template`, `crm deal paid`, `crm import bank` as ops and
accountants run them: JSON out, one line and exit 2 for bad input."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from sqlalchemy import select

from crm_tui.domain.documents.bank_file import BankPayment, statement_bytes
from crm_tui.domain.documents.invoice_pdf import qr_payload
from crm_tui.domain.values.requisites import with_account_key
from crm_tui.storage.database import dispose_engines, get_engine
from crm_tui.storage.models import clients, deals
from tests.cli_support import crm
from tests.documents.support import CLIENT_BIK, COMPANY


def _deal_and_client(db: str, title: str) -> tuple[int, int]:
    engine = get_engine(db)
    with engine.connect() as conn:
        row = conn.execute(
            select(deals.c.id, deals.c.client_id).where(deals.c.title == title, deals.c.status == "open")
            .order_by(deals.c.id).limit(1)
        ).one()  # fmt: skip
    dispose_engines()
    return int(row[0]), int(row[1])


def test_documents_and_payments_through_crm(seeded_db: str, tmp_path: Path) -> None:
    deal, client = _deal_and_client(seeded_db, "Поставка: Вектор Плюс")
    refused = crm("--db", seeded_db, "doc", "invoice", str(deal), user="ivanova")
    assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1
    assert "our INN" in refused.stderr and "legal_address" in refused.stderr
    sets = [f"{k}={v}" for k, v in COMPANY.items()]
    crm(
        "--db",
        seeded_db,
        "company",
        "set",
        *[x for s in sets for x in ("--set", s)],
        user="admin",
        check=True,
    )
    bad = crm("--db", seeded_db, "company", "set", "--set", "bik=12345", user="admin")
    assert bad.returncode == 2 and "bik" in bad.stderr
    crm("--db", seeded_db, "clients", "edit", str(client), "--set", "kpp=770501001", "--set",
        "legal_address=Москва, ул. Павловская, д. 7", "--set", f"bik={CLIENT_BIK}", "--set",
        f"account={with_account_key(CLIENT_BIK, '40702810000000000777')}", user="admin",
        check=True)  # fmt: skip
    folder = crm("--db", seeded_db, "doc", "invoice", str(deal), "--out", str(tmp_path), user="ivanova")
    assert folder.returncode == 2 and folder.stderr.splitlines() == [
        f"crm: error: --out {tmp_path}: a folder, not a file"
    ], "refused before the invoice takes a number (the next one made is still number 1)"
    out = tmp_path / "schet.pdf"
    made = json.loads(crm("--db", seeded_db, "doc", "invoice", str(deal), "--out", str(out), "--json",
                          user="ivanova", check=True).stdout)  # fmt: skip
    assert made["number"] == "1" and made["amount"] == 54_000_000 and out.read_bytes().startswith(b"%PDF")
    assert out.stat().st_mode & 0o777 == 0o600, "a document holds requisites and amounts: the person's only"
    deeper = tmp_path / "new folder" / "copy.pdf"  # a folder not made yet is made, as for reports
    crm("--db", seeded_db, "doc", "save", str(made["id"]), "--out", str(deeper), user="ivanova", check=True)
    assert deeper.read_bytes().startswith(b"%PDF")
    contract = json.loads(crm("--db", seeded_db, "doc", "contract", str(deal), "--template", "services",
                              "--json", user="ivanova", check=True).stdout)  # fmt: skip
    assert contract["file_name"] == "dogovor-1-2026.docx"
    listed = json.loads(crm("--db", seeded_db, "doc", "list", "--deal", str(deal), "--json",
                            user="ivanova", check=True).stdout)  # fmt: skip
    assert [d["kind"] for d in listed] == ["invoice", "contract"]
    saved = tmp_path / "copy.docx"
    crm(
        "--db", seeded_db, "doc", "save", str(contract["id"]), "--out", str(saved), user="ivanova", check=True
    )
    assert saved.read_bytes().startswith(b"PK")

    engine = get_engine(seeded_db)
    with engine.connect() as conn:
        inn = conn.scalar(select(clients.c.inn).where(clients.c.id == client)) or ""
    dispose_engines()
    statement = tmp_path / "kl_to_1c.txt"
    half = BankPayment("55", made_day(made), 27_000_000, "ООО Вектор Плюс", inn, "40702810100000000009",
                       "Оплата по счету № 1, в т.ч. НДС")  # fmt: skip
    statement.write_bytes(statement_bytes(COMPANY["name"], COMPANY["inn"], COMPANY["account"], [half]))
    first = json.loads(crm("--db", seeded_db, "import", "bank", str(statement), "--json", user="admin",
                           check=True).stdout)  # fmt: skip
    assert (first["matched"], first["new"], first["won_deals"]) == (1, 1, [])
    again = json.loads(crm("--db", seeded_db, "import", "bank", str(statement), "--json", user="admin",
                           check=True).stdout)  # fmt: skip
    assert (again["new"], again["already"]) == (0, 1)
    manager = crm("--db", seeded_db, "deal", "paid", str(deal), user="ivanova")
    assert manager.returncode == 2 and "accountant" in manager.stderr
    paid = json.loads(
        crm("--db", seeded_db, "deal", "paid", str(deal), "--json", user="admin", check=True).stdout
    )
    assert (paid["amount"], paid["paid"], paid["won"]) == (27_000_000, True, True)
    broken = tmp_path / "utf8.txt"
    broken.write_text("1CClientBankExchange\nКодировка=Windows\n", encoding="utf-8")
    refused = crm("--db", seeded_db, "import", "bank", str(broken), user="admin")
    assert refused.returncode == 2 and "line 2" in refused.stderr and len(refused.stderr.splitlines()) == 1


def made_day(made: dict[str, object]) -> date:
    return date.fromisoformat(str(made["doc_date"]))


def test_the_qr_payload_follows_gost_r_56042() -> None:
    from crm_tui.domain.documents.company import Company
    from crm_tui.domain.documents.context import DocumentContext, Party

    ctx = DocumentContext("15", "5 декабря 2026 г.", "05.12.2026", 1, "Поставка", Party(name="Ромашка"),
                          Company(**COMPANY), "", "", "", [], 12_000_050, 2_000_008, 20)  # fmt: skip
    payload = qr_payload(ctx)
    assert payload.startswith("ST00012|Name=ООО «Вектор Продаж»|PersonalAcc=" + COMPANY["account"])
    assert "|BIC=044525225|CorrespAcc=30101810400000000225|PayeeINN=7707083893|KPP=770701001|" in payload
    assert "|Sum=12000050|" in payload and "Purpose=Оплата по счёту № 15 от 05.12.2026" in payload


def test_import_bank_shows_dates_as_people_write_them_and_names_a_missing_file(
    seeded_db: str, tmp_path: Path
) -> None:
    statement = tmp_path / "kl_to_1c.txt"
    stray = BankPayment("7", date(2026, 12, 5), 12_345, "ИП Неизвестный", "500100732259",
                        "40802810100000000003", "Оплата по договору 77")  # fmt: skip
    statement.write_bytes(statement_bytes(COMPANY["name"], COMPANY["inn"], COMPANY["account"], [stray]))
    shown = crm("--db", seeded_db, "import", "bank", str(statement), user="admin", check=True)
    assert "05.12.2026 123.45" in shown.stdout and "2026-12-05" not in shown.stdout
    for missing, why in ((tmp_path / "nonexistent.txt", "no such file"), (tmp_path, "a folder")):
        refused = crm("--db", seeded_db, "import", "bank", str(missing), user="admin")
        assert refused.returncode == 2 and len(refused.stderr.splitlines()) == 1
        assert str(missing) in refused.stderr and why in refused.stderr
        russian = crm("--db", seeded_db, "import", "bank", str(missing), user="admin",
                      extra_env={"LANG": "ru_RU.UTF-8"})  # fmt: skip
        assert "No such file" not in russian.stderr and "Is a directory" not in russian.stderr


def test_deal_paid_refuses_an_overpayment_three_decimals_and_a_future_date(seeded_db: str) -> None:
    deal, client = _deal_and_client(seeded_db, "Поставка: Вектор Плюс")
    crm("--db", seeded_db, "company", "set", *[x for k, v in COMPANY.items() for x in ("--set", f"{k}={v}")],
        user="admin", check=True)  # fmt: skip
    crm("--db", seeded_db, "clients", "edit", str(client), "--set", "kpp=770501001", "--set",
        "legal_address=Москва, ул. Павловская, д. 7", user="admin", check=True)  # fmt: skip
    crm("--db", seeded_db, "doc", "invoice", str(deal), user="ivanova", check=True)
    too_much = crm("--db", seeded_db, "deal", "paid", str(deal), "--amount", "99999999999", user="admin")
    assert too_much.returncode == 2 and len(too_much.stderr.splitlines()) == 1
    assert "invoice 1" in too_much.stderr and "540\u202f000.00" in too_much.stderr
    typed = crm("--db", seeded_db, "deal", "paid", str(deal), "--amount", "10,005", user="admin")
    assert typed.returncode == 2 and len(typed.stderr.splitlines()) == 1
    assert "'10,005'" in typed.stderr and "two digits after the comma" in typed.stderr
    future = crm("--db", seeded_db, "deal", "paid", str(deal), "--date", "2030-01-01", user="admin")
    assert future.returncode == 2 and "01.01.2030" in future.stderr
    shown = json.loads(crm("--db", seeded_db, "deal", "show", str(deal), "--json", user="admin").stdout)
    assert shown["status"] == "open"


def test_doc_list_of_a_deal_the_viewer_cannot_see_says_not_found_as_deal_show(seeded_db: str) -> None:
    deal, _client = _deal_and_client(seeded_db, "Поставка: Вектор Плюс")  # Ivanova's
    shown = crm("--db", seeded_db, "deal", "show", str(deal), user="petrov")
    listed = crm("--db", seeded_db, "doc", "list", "--deal", str(deal), user="petrov")
    assert shown.returncode == listed.returncode == 2
    assert listed.stderr == shown.stderr and "not found" in listed.stderr and listed.stdout == ""
    own = crm("--db", seeded_db, "doc", "list", "--deal", str(deal), "--json", user="ivanova", check=True)
    assert json.loads(own.stdout) == []


def test_company_show_names_the_vat_mode_in_words(seeded_db: str) -> None:
    ru = {"LANG": "ru_RU.UTF-8"}
    crm("--db", seeded_db, "company", "set", "--set", "vat=none", user="admin", check=True)
    shown = crm("--db", seeded_db, "company", "show", user="admin", extra_env=ru, check=True).stdout
    assert "режим НДС (vat): без НДС (none)" in shown
    crm("--db", seeded_db, "company", "set", "--set", "vat=20", user="admin", check=True)
    shown = crm("--db", seeded_db, "company", "show", user="admin", extra_env=ru, check=True).stdout
    assert "режим НДС (vat): НДС 20% (20)" in shown
    data = json.loads(crm("--db", seeded_db, "company", "show", "--json", user="admin", check=True).stdout)
    assert data["vat"] == "20"
