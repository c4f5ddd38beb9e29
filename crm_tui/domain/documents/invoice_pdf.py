"""The invoice as a PDF in the standard Russian form ("Счёт на оплату"): the bank block, the
supplier and the buyer, the lines, VAT or "Без НДС", the total and the total in words, the
signatures, and the payment QR code of ГОСТ Р 56042-2014 that a bank's app reads.

The font (DejaVu Sans, shipped in ``assets`` with its licence) is embedded, so the PDF reads the
same on any machine and no system font is assumed.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

from crm_tui.domain.documents.context import DocumentContext
from crm_tui.domain.values.formatting import document_amount

if TYPE_CHECKING:
    from fpdf import FPDF

ASSETS = Path(__file__).with_name("assets")
FONT = "DejaVu"
_WIDTH = 180  # the printable width of A4 with 15 mm margins


def payment_purpose(ctx: DocumentContext) -> str:
    """What the payer's bank writes in "Назначение платежа": the invoice's number finds it again
    in the bank statement (``bank`` matching)."""
    vat = "НДС не облагается" if ctx.vat_rate is None else f"в т.ч. НДС {document_amount(ctx.vat_kopecks)}"
    return f"Оплата по счёту № {ctx.number} от {ctx.date_short}. Сумма {ctx.total}, {vat}"


def qr_payload(ctx: DocumentContext) -> str:
    """The ГОСТ Р 56042-2014 string: ST0001 + 2 (UTF-8), then Name=value pairs separated by '|'.
    A '|' inside a value would split it, so it is dropped from values."""
    ours = ctx.company
    pairs = {
        "Name": ours.name,
        "PersonalAcc": ours.account,
        "BankName": ours.bank,
        "BIC": ours.bik,
        "CorrespAcc": ours.corr_account,
        "PayeeINN": ours.inn,
        "KPP": ours.kpp,
        "Sum": str(ctx.total_kopecks),
        "Purpose": payment_purpose(ctx),
    }
    return "ST00012|" + "|".join(f"{k}={v.replace('|', ' ')}" for k, v in pairs.items() if v)


def _qr_png(payload: str) -> io.BytesIO:
    import segno

    buffer = io.BytesIO()
    segno.make(payload, error="m", encoding="utf-8").save(buffer, kind="png", scale=4, border=2)
    buffer.seek(0)
    return buffer


def _pdf() -> FPDF:
    from fpdf import FPDF

    pdf = FPDF(orientation="P", unit="mm", format="A4")
    pdf.set_margins(15, 12, 15)
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_font(FONT, "", str(ASSETS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(ASSETS / "DejaVuSans-Bold.ttf"))
    pdf.set_creator("crm_tui")
    return pdf


def _bank_block(pdf: FPDF, ctx: DocumentContext) -> None:
    ours = ctx.company
    x, y = pdf.get_x(), pdf.get_y()
    left, mid, right = 100, 15, 65
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(left, 5, f"{ours.bank}\nБанк получателя", border="LTR")
    y_bank = pdf.get_y()
    pdf.set_xy(x + left, y)
    pdf.cell(mid, 5, "БИК", border="LTR")
    pdf.cell(right, 5, ours.bik, border="LTR", new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(x + left, y + 5)
    pdf.cell(mid, max(5, y_bank - y - 5), "Сч. №", border="LR")
    pdf.cell(right, max(5, y_bank - y - 5), ours.corr_account, border="LR")
    pdf.set_xy(x, y_bank)
    half = left / 2
    pdf.cell(half, 5, f"ИНН {ours.inn}", border=1)
    pdf.cell(half, 5, f"КПП {ours.kpp}" if ours.kpp else "КПП", border=1)
    pdf.cell(mid, 5, "Сч. №", border="LTR")
    pdf.cell(right, 5, ours.account, border="LTR", new_x="LMARGIN", new_y="NEXT")
    y_payee = pdf.get_y()
    pdf.multi_cell(left, 5, f"{ours.name}\nПолучатель", border="LRB")
    bottom = pdf.get_y()
    pdf.set_xy(x + left, y_payee)
    pdf.cell(mid, bottom - y_payee, "", border="LRB")
    pdf.cell(right, bottom - y_payee, "", border="LRB")
    pdf.set_xy(x, bottom + 6)


def _party(pdf: FPDF, label: str, text: str) -> None:
    pdf.set_font(FONT, "", 9)
    pdf.cell(32, 5, label)
    pdf.set_font(FONT, "B", 9)
    pdf.multi_cell(_WIDTH - 32, 5, text, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(1)


def _requisites(name: str, inn: str, kpp: str, address: str) -> str:
    parts = [name, f"ИНН {inn}"]
    if kpp:
        parts.append(f"КПП {kpp}")
    parts.append(address)
    return ", ".join(p for p in parts if p)


_COLUMNS = (("№", 10, "C"), ("Товары (работы, услуги)", 82, "L"), ("Кол-во", 18, "R"),
            ("Ед.", 14, "C"), ("Цена", 28, "R"), ("Сумма", 28, "R"))  # fmt: skip


def _lines(pdf: FPDF, ctx: DocumentContext) -> None:
    pdf.set_font(FONT, "", 9)
    with pdf.table(
        col_widths=tuple(w for _t, w, _a in _COLUMNS),
        text_align=tuple(a for _t, _w, a in _COLUMNS),
        headings_style=_heading(),
        line_height=5,
        width=_WIDTH,
    ) as table:
        heading = table.row()
        for title, _width, _align in _COLUMNS:
            heading.cell(title)
        for line in ctx.lines:
            row = table.row()
            for cell in (str(line.n), line.product, line.quantity, line.unit, line.price, line.total):
                row.cell(cell)
    pdf.ln(2)


def _heading() -> object:
    from fpdf.fonts import FontFace

    return FontFace(family=FONT, emphasis="BOLD")


def _totals(pdf: FPDF, ctx: DocumentContext) -> None:
    for label, value, bold in (("Итого:", ctx.total, True),
                               (ctx.vat_text.split(":")[0] + ":" if ctx.vat_rate is not None else "Без НДС",
                                document_amount(ctx.vat_kopecks) if ctx.vat_rate is not None else "—", False),
                               ("Всего к оплате:", ctx.total, True)):  # fmt: skip
        pdf.set_font(FONT, "B" if bold else "", 9)
        pdf.cell(_WIDTH - 28, 5, label, align="R")
        pdf.cell(28, 5, value, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "", 9)
    count = len(ctx.lines)
    pdf.multi_cell(_WIDTH, 5, f"Всего наименований {count}, на сумму {ctx.total} руб.",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_font(FONT, "B", 9)
    pdf.multi_cell(_WIDTH, 5, ctx.total_words, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.line(15, pdf.get_y(), 15 + _WIDTH, pdf.get_y())
    pdf.ln(8)


def _signatures(pdf: FPDF, ctx: DocumentContext) -> None:
    ours = ctx.company
    pdf.set_font(FONT, "B", 9)
    pdf.cell(28, 5, "Руководитель")
    pdf.set_font(FONT, "", 9)
    pdf.cell(30, 5, "", border="B")
    pdf.cell(42, 5, ours.director, align="C")
    pdf.set_font(FONT, "B", 9)
    pdf.cell(22, 5, "Бухгалтер")
    pdf.set_font(FONT, "", 9)
    pdf.cell(28, 5, "", border="B")
    pdf.cell(30, 5, ours.accountant or ours.director, align="C", new_x="LMARGIN", new_y="NEXT")


def invoice_pdf(ctx: DocumentContext) -> bytes:
    """The invoice's PDF bytes (one page for a usual number of lines; more pages as needed)."""
    pdf = _pdf()
    pdf.set_title(f"Счёт на оплату № {ctx.number} от {ctx.date}")
    pdf.add_page()
    _bank_block(pdf, ctx)
    top = pdf.get_y()
    pdf.image(_qr_png(qr_payload(ctx)), x=15 + _WIDTH - 32, y=top - 3, w=32, h=32)
    pdf.set_font(FONT, "B", 13)
    pdf.multi_cell(_WIDTH - 36, 7, f"Счёт на оплату № {ctx.number} от {ctx.date}",
                   new_x="LMARGIN", new_y="NEXT")  # fmt: skip
    pdf.set_y(max(pdf.get_y(), top + 31))
    pdf.line(15, pdf.get_y(), 15 + _WIDTH, pdf.get_y())
    pdf.ln(3)
    ours, theirs = ctx.company, ctx.client
    _party(pdf, "Поставщик:", _requisites(ours.name, ours.inn, ours.kpp, ours.address))
    _party(pdf, "Покупатель:", _requisites(theirs.full_name, theirs.inn, theirs.kpp, theirs.address))
    _party(pdf, "Основание:", ctx.deal_title)
    pdf.ln(2)
    _lines(pdf, ctx)
    _totals(pdf, ctx)
    _signatures(pdf, ctx)
    return bytes(pdf.output())
