"""A deal's contract and invoice: made from the deal and its lines, numbered per year, stored in
the base, refused naming every missing requisite; the invoice PDF read back as text."""

from __future__ import annotations

import io
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import select, update

from crm_tui.domain.deals.lines import LineDraft, add_line
from crm_tui.domain.documents.company import read_company, set_company
from crm_tui.domain.documents.making import deal_documents_of, document_content, make_document
from crm_tui.domain.errors import AccessDenied, InvalidInput, NotFound
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import clients, deals, sales_documents
from tests.documents.support import COMPANY, fill_requisites
from tests.seed import Seeded


def _pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def _docx_text(content: bytes) -> str:
    from docx import Document

    doc = Document(io.BytesIO(content))
    texts = [p.text for p in doc.paragraphs]
    texts += [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join(texts)


def test_company_requisites_are_checked_and_kept(workspace_for: Callable[[str], Workspace]) -> None:
    admin = workspace_for("admin")
    set_company(admin, COMPANY)
    assert read_company(workspace_for("ivanova")).inn == "7707083893"
    with pytest.raises(InvalidInput, match="inn"):
        set_company(admin, {"inn": "7707083890"})
    with pytest.raises(InvalidInput, match="corr_account"):
        set_company(admin, {"corr_account": "30101810400000000226"})
    with pytest.raises(InvalidInput, match="VAT"):
        set_company(admin, {"vat": "18"})
    with pytest.raises(AccessDenied):
        set_company(workspace_for("ivanova"), {"name": "Другая"})
    assert read_company(admin).vat_rate == 20


def test_missing_requisites_are_named_in_one_line(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    with pytest.raises(InvalidInput) as refused:
        make_document(workspace_for("ivanova"), seeded.deals["d_inv_vektor"], "invoice")
    line = str(refused.value)
    assert "\n" not in line
    for field in ("our company name", "our INN", "our BIK", "our settlement account", "legal_address", "kpp"):
        assert field in line


def test_invoice_pdf_reads_back_amount_in_words_inn_total(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, tmp_path: Path
) -> None:
    admin, manager = workspace_for("admin"), workspace_for("ivanova")
    deal_id = seeded.deals["d_inv_vektor"]
    with manager.read() as session:
        client_id = session.scalar(select(deals.c.client_id).where(deals.c.id == deal_id)) or 0
        version = session.scalar(select(deals.c.version).where(deals.c.id == deal_id)) or 0
    fill_requisites(admin, client_id)
    version = add_line(manager, deal_id, version, LineDraft("Насос циркуляционный", "2", "шт", "15000", "20"))
    add_line(manager, deal_id, version, LineDraft("Монтаж", "1", "усл", "1234,56", "20"))
    made = make_document(manager, deal_id, "invoice")
    assert (made.number, made.amount, made.file_format) == ("1", 3_123_456, "pdf")
    row, content = document_content(manager, made.id)
    text = _pdf_text(content)
    assert "Тридцать одна тысяча двести тридцать четыре рубля 56 копеек" in text
    assert "7707083893" in text and "Счёт на оплату № 1" in text
    assert "31 234,56" in text.replace("\u00a0", " ")
    assert "В том числе НДС 20%" in text and "5 205,76" in text.replace("\u00a0", " ")
    second = make_document(manager, deal_id, "invoice")
    assert second.number == "2"
    with manager.read() as session:
        listed = deal_documents_of(session, manager.viewer, deal_id)
    assert [d.number for d in listed] == ["1", "2"] and row.file_name == "schet-1-2026.pdf"
    _render_once(content, tmp_path)


def _render_once(content: bytes, tmp_path: Path) -> None:
    """The first page as an image, as a person would see it (kept beside the test's files)."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed: the page is not rendered to an image")
    pdf = tmp_path / "invoice.pdf"
    pdf.write_bytes(content)
    subprocess.run([tool, "-png", "-r", "50", "-singlefile", str(pdf), str(tmp_path / "page")], check=True)
    assert (tmp_path / "page.png").stat().st_size > 5_000


def test_contract_docx_is_filled_from_the_deal(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    admin, manager = workspace_for("admin"), workspace_for("ivanova")
    deal_id = seeded.deals["d_inv_vektor"]
    with manager.read() as session:
        client_id = session.scalar(select(deals.c.client_id).where(deals.c.id == deal_id)) or 0
    fill_requisites(admin, client_id)
    made = make_document(manager, deal_id, "contract", template="services")
    _row, content = document_content(manager, made.id)
    text = _docx_text(content)
    assert "Договор оказания услуг № 1" in text
    assert "Пятьсот сорок тысяч рублей 00 копеек" in text
    assert "ИНН 7707083893" in text and "Иванова Светлана" in text
    assert "{{" not in text and "{%" not in text
    invoice_docx = make_document(manager, deal_id, "invoice", file_format="docx")
    assert invoice_docx.number == "1" and invoice_docx.file_format == "docx"


def test_a_manager_makes_no_document_for_anothers_deal(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    with pytest.raises(NotFound):  # a deal he does not see is not there for him
        make_document(workspace_for("petrov"), seeded.deals["d_inv_vektor"], "invoice")


def test_two_managers_at_once_get_no_gap_and_no_repeat(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    admin = workspace_for("admin")
    deal_id = seeded.deals["d_inv_vektor"]
    with admin.read() as session:
        client_id = session.scalar(select(deals.c.client_id).where(deals.c.id == deal_id)) or 0
    fill_requisites(admin, client_id)
    numbers: list[str] = []
    errors: list[BaseException] = []
    start = threading.Barrier(4)

    def make() -> None:
        ws = workspace_for("admin")
        start.wait()
        try:
            for _ in range(3):
                numbers.append(make_document(ws, deal_id, "invoice").number)
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=make) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(numbers, key=int) == [str(n) for n in range(1, 13)]
    with admin.read() as session:
        stored = session.scalars(select(sales_documents.c.number).where(sales_documents.c.kind == "invoice"))
        assert sorted(stored, key=int) == [str(n) for n in range(1, 13)]


def test_the_supply_contract_reads_as_russian_and_names_the_buyers_missing_bank(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    """«в лице директора» takes the genitive a person typed, else the name declined; the buyer's
    «в лице» its contact's title and name declined (a contact has no typed genitive);
    «в том числе НДС» starts its own sentence; the buyer's «Р/с» and «БИК» the contract prints are
    required, not printed empty."""
    admin, manager = workspace_for("admin"), workspace_for("ivanova")
    deal_id = seeded.deals["d_inv_vektor"]
    with manager.read() as session:
        client_id = session.scalar(select(deals.c.client_id).where(deals.c.id == deal_id)) or 0
    fill_requisites(admin, client_id)
    with admin.write() as session:
        session.execute(update(clients).where(clients.c.id == client_id).values(bik=None, account=None))
    with pytest.raises(InvalidInput) as refused:
        make_document(manager, deal_id, "contract", template="supply")
    assert refused.value.params["missing"] == ["client.bik", "client.account"]
    make_document(manager, deal_id, "invoice")  # the invoice does not print the buyer's bank
    fill_requisites(admin, client_id)
    text = _docx_text(document_content(manager, make_document(manager, deal_id, "contract").id)[1])
    assert "в лице директора Иванова Ивана Ивановича, действующего" in text  # declined: nobody typed it
    assert "в лице директора по закупкам Орлова Игоря Сергеевича, с другой стороны" in text  # the buyer
    set_company(admin, {"director_genitive": "Иванова И. И."})
    text = _docx_text(document_content(manager, make_document(manager, deal_id, "contract").id)[1])
    assert "в лице директора Иванова И. И., действующего" in text  # what a person typed wins
    assert "копеек). В том числе НДС 20%" in text and ", В том числе" not in text
    assert "Р/с 407028" in text and "БИК 044525974" in text


def test_an_entrepreneurs_contract_names_her_in_full_acting_for_herself(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    """«ИП «Абрамова Людмила Владимировна», именуемое …, в лице  Абрамовой…»: an entrepreneur is
    no company with a signatory; she is named in full words, in her gender, and acts herself."""
    admin, manager = workspace_for("admin"), workspace_for("ivanova")
    deal_id = seeded.deals["d_inv_vektor"]
    with manager.read() as session:
        client_id = session.scalar(select(deals.c.client_id).where(deals.c.id == deal_id)) or 0
    fill_requisites(admin, client_id)
    with admin.write() as session:
        session.execute(
            update(clients)
            .where(clients.c.id == client_id)
            .values(name="Абрамова Людмила Владимировна", legal_form="ИП", inn="500100732259", kpp=None,
                    ogrn="304500116000157")
        )  # fmt: skip
    text = _docx_text(document_content(manager, make_document(manager, deal_id, "contract").id)[1])
    assert (
        "и Индивидуальный предприниматель Абрамова Людмила Владимировна, именуемая в дальнейшем "
        "«Покупатель», действующая на основании свидетельства о государственной регистрации, "
        "ОГРНИП 304500116000157, с другой стороны"
    ) in text
    assert "в лице директора по закупкам" not in text and "  " not in text and "ИП «" not in text


def test_a_male_entrepreneur_and_a_company_without_a_contact() -> None:
    from crm_tui.domain.documents.context import client_party

    him = client_party("Иванов Иван Иванович", "ИП", "", "", "")
    assert (him.full_name, him.named) == ("Индивидуальный предприниматель Иванов Иван Иванович", "именуемый")
    assert him.acting == ", действующий на основании свидетельства о государственной регистрации"
    company = client_party("Ромашка", "ООО", "", "", "")
    assert (company.full_name, company.named, company.acting) == ("ООО «Ромашка»", "именуемое", "")
