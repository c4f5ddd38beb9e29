"""What the columns of a trade-system export mean, and the values only such files have.

1C:Trade exports orders, invoices, sales and payments as lists ("Заказы клиентов", "Счета на
оплату", "Реализации", "Поступления на расчетный счет") or as one report whose "Документ"
column reads "Счет на оплату ТД00-000123 от 05.12.2026 12:00:00". Both are read here.
In these exports "Организация" is the seller (our own company), so it does not name the client.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from crm_tui.domain.documents.matching import references
from crm_tui.domain.values.cells import cell_text, is_blank, whole_number_digits
from crm_tui.domain.values.dates import normalise_date
from crm_tui.importers.files.vocabulary import Vocabulary, fold_header
from crm_tui.storage.models import DocumentKind

ORDER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "kind": (
        "вид документа", "тип документа", "вид", "тип", "document type", "doc type", "kind", "type",
    ),
    "document": ("документ", "документ продажи", "документ расчетов", "регистратор", "document"),
    "number": (
        "номер", "номер документа", "n", "no", "n документа", "number", "doc number", "document number",
        "invoice number", "order number",
    ),
    "date": ("дата", "дата документа", "date", "document date", "doc date", "период"),
    "name": (
        "контрагент", "клиент", "покупатель", "заказчик", "плательщик", "наименование контрагента",
        "customer", "client", "buyer", "counterparty", "payer",
    ),
    "inn": ("инн", "инн контрагента", "инн покупателя", "инн клиента", "tax id", "inn", "tin"),
    "amount": (
        "сумма", "сумма документа", "сумма с ндс", "сумма руб", "итого", "amount", "total", "sum",
        "document amount",
    ),
    "paid": (
        "оплачен", "оплачено", "оплата", "статус оплаты", "состояние оплаты", "признак оплаты",
        "paid", "payment status", "is paid",
    ),
    "paid_amount": ("сумма оплаты", "оплачено руб", "оплачено сумма", "paid amount", "amount paid"),
    "basis": (
        "основание", "документ основание", "документ-основание", "счет на оплату", "счет покупателю",
        "назначение платежа", "назначение", "basis", "payment purpose", "purpose", "invoice",
    ),
}  # fmt: skip
"""``basis``: the invoice a payment or a shipment is for ("Счет на оплату ТД00-000123 от
05.12.2026", a payment's purpose "Оплата по счету № 15 от 05.12.2026"): how the funnel finds the
deal of a document that is not the invoice itself."""

ORDER_FIELDS = tuple(ORDER_SYNONYMS)
ORDER_VOCABULARY = Vocabulary(ORDER_SYNONYMS)

# Longest first where one spelling starts another: "счет-фактура" is a shipment paper, not an
# invoice for payment; "поступление" is money in.
_KIND_WORDS: tuple[tuple[str, DocumentKind], ...] = (
    ("счет фактура", DocumentKind.SALE),
    ("счет на оплату", DocumentKind.INVOICE),
    ("счет покупателю", DocumentKind.INVOICE),
    ("счет", DocumentKind.INVOICE),
    ("invoice", DocumentKind.INVOICE),
    ("заказ", DocumentKind.ORDER),
    ("order", DocumentKind.ORDER),
    ("sales order", DocumentKind.ORDER),
    ("реализация", DocumentKind.SALE),
    ("отгрузка", DocumentKind.SALE),
    ("упд", DocumentKind.SALE),
    ("универсальный передаточный", DocumentKind.SALE),
    ("товарная накладная", DocumentKind.SALE),
    ("накладная", DocumentKind.SALE),
    ("акт", DocumentKind.SALE),
    ("продажа", DocumentKind.SALE),
    ("sale", DocumentKind.SALE),
    ("shipment", DocumentKind.SALE),
    ("поступление", DocumentKind.PAYMENT),
    ("оплата", DocumentKind.PAYMENT),
    ("платеж", DocumentKind.PAYMENT),
    ("платежное поручение", DocumentKind.PAYMENT),
    ("приходный кассовый ордер", DocumentKind.PAYMENT),
    ("пко", DocumentKind.PAYMENT),
    ("payment", DocumentKind.PAYMENT),
    ("receipt", DocumentKind.PAYMENT),
)
_KIND_BY_LENGTH = sorted(_KIND_WORDS, key=lambda pair: -len(pair[0]))
_KIND_CODES = {kind.value: kind for kind in DocumentKind}

_YES = frozenset(
    {"да", "yes", "y", "true", "1", "оплачен", "оплачено", "оплачен полностью", "paid", "+", "v"}
)
_NO = frozenset(
    {"нет", "no", "n", "false", "0", "не оплачен", "не оплачено", "unpaid", "not paid", "-", "частично",
     "оплачен частично", "частично оплачен", "partially", "partially paid", "partial", "ожидается оплата"}
)  # fmt: skip
"""Partly paid is unpaid: money is still owed, which is what makes a client warm."""

_DOCUMENT = re.compile(
    r"^(?P<kind>.*?)\s*(?:№\s*)?(?P<number>[^\s№]*\d[^\s]*)\s+от\s+(?P<date>\S+)", re.IGNORECASE
)


def parse_kind(value: object) -> DocumentKind | None:
    """ "Счет на оплату покупателю", "Реализация (акт, накладная, УПД)", "invoice" -> the kind."""
    if is_blank(value):
        return None
    folded = fold_header(cell_text(value))
    if folded in _KIND_CODES:
        return _KIND_CODES[folded]
    for words, kind in _KIND_BY_LENGTH:
        if folded == words or folded.startswith(words + " "):
            return kind
    return None


def parse_paid(value: object) -> bool | None:
    """Yes / no / unknown (``None`` for an empty cell or a word nobody agreed on)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return bool(value)
    text = " ".join(cell_text(value).casefold().replace("ё", "е").split())
    if text in _YES:
        return True
    if text in _NO:
        return False
    return None


def document_number(value: object) -> str | None:
    """A document number as text: the float 123.0 a spreadsheet made of "123" is "123" again."""
    if is_blank(value):
        return None
    digits = whole_number_digits(value)
    if digits is not None and not isinstance(value, str):
        return digits
    text = cell_text(value).strip().lstrip("№").strip()
    return text or None


class DocumentText(NamedTuple):
    kind: DocumentKind | None
    number: str
    day: date | None


def invoices_named(value: object) -> tuple[tuple[str, int | None], ...]:
    """The invoices a basis or a purpose names: (number, year when written)."""
    if is_blank(value):
        return ()
    document = parse_document_text(value)
    if document is not None and document.kind is DocumentKind.INVOICE:
        return ((document.number, document.day.year if document.day else None),)
    return tuple((ref.number, ref.day.year if ref.day else None) for ref in references(cell_text(value)))


def parse_document_text(value: object) -> DocumentText | None:
    """ "Счет на оплату ТД00-000123 от 05.12.2026 12:00:00" -> invoice, ТД00-000123, 2026-12-05."""
    if is_blank(value):
        return None
    found = _DOCUMENT.match(" ".join(cell_text(value).split()))
    if found is None:
        return None
    day = normalise_date(found["date"]).value
    return DocumentText(parse_kind(found["kind"]), found["number"], day)


_NAME_STEMS: tuple[tuple[str, DocumentKind], ...] = (
    ("счет фактур", DocumentKind.SALE),
    ("счет", DocumentKind.INVOICE),
    ("invoice", DocumentKind.INVOICE),
    ("заказ", DocumentKind.ORDER),
    ("order", DocumentKind.ORDER),
    ("реализац", DocumentKind.SALE),
    ("продаж", DocumentKind.SALE),
    ("отгрузк", DocumentKind.SALE),
    ("sales", DocumentKind.SALE),
    ("поступлен", DocumentKind.PAYMENT),
    ("оплат", DocumentKind.PAYMENT),
    ("платеж", DocumentKind.PAYMENT),
    ("payment", DocumentKind.PAYMENT),
)


def kind_from_name(*names: str) -> DocumentKind | None:
    """A journal saved as "Счета.xlsx" or a sheet named "Поступления" holds one kind of document;
    the first name (sheet, then file) whose words say which is taken."""
    for name in names:
        words = fold_header(name).split()
        for i in range(len(words)):  # the first word that names a kind: "Поступления на расчетный счет"
            for stem, kind in _NAME_STEMS:
                stem_words = stem.split()
                tail = words[i : i + len(stem_words)]
                if len(tail) == len(stem_words) and all(
                    w.startswith(s) for w, s in zip(tail, stem_words, strict=True)
                ):
                    return kind
    return None
