"""What a document says: the deal, its lines (or its amount as one line), the client's and our
requisites, the contact, the manager, dates and amounts as Russian documents write them.

The same ``DocumentContext`` fills the PDF invoice and every DOCX template, so a placeholder
means one thing everywhere; ``PLACEHOLDERS`` is the list a template may use (``templates``
refuses any other name). A document is not made while a requisite it prints is empty: one line
names every missing field, ours and the client's.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.documents.company import LABELS, Company, company, missing
from crm_tui.domain.documents.words import amount_in_words
from crm_tui.domain.errors import InvalidInput, not_found
from crm_tui.domain.field_labels import field_label
from crm_tui.domain.values.declension import genitive_name, genitive_position, is_woman
from crm_tui.domain.values.formatting import document_amount, document_date, document_quantity
from crm_tui.domain.values.legal_forms import ENTREPRENEUR
from crm_tui.i18n import N_, Listed, Message, Phrase
from crm_tui.storage.models import clients, contacts, deals, users


@dataclass(frozen=True)
class Line:
    n: int
    product: str
    quantity: str
    unit: str
    price: str
    total: str
    vat_rate: str
    total_kopecks: int
    vat_kopecks: int


@dataclass(frozen=True)
class Party:
    name: str = ""
    legal_form: str = ""
    full_name: str = ""
    inn: str = ""
    kpp: str = ""
    ogrn: str = ""
    address: str = ""
    bik: str = ""
    account: str = ""
    named: str = "именуемое"
    """«именуемое» (a company), «именуемая» / «именуемый» (an entrepreneur, by her or his name)."""
    acting: str = ""
    """What follows «в дальнейшем «Покупатель»»: «, в лице директора Орлова Игоря» for a company
    (nothing without a contact), «, действующая на основании свидетельства о государственной
    регистрации, ОГРНИП …» for an entrepreneur, who signs for herself."""


def client_party(name: str, form: str, ogrn: str, contact_name: str, contact_position: str) -> Party:
    """The client as a contract's preamble names it: a company by its form and name, in the
    person of its contact; an individual entrepreneur in full words, acting for herself."""
    if form == ENTREPRENEUR:
        woman = is_woman(name)
        named, acting = {
            True: ("именуемая", "действующая"),
            False: ("именуемый", "действующий"),
            None: ("именуемый(-ая)", "действующий(-ая)"),
        }[woman]
        basis = f"{acting} на основании свидетельства о государственной регистрации"
        return Party(
            name=name, legal_form=form, full_name=f"Индивидуальный предприниматель {name}", ogrn=ogrn,
            named=named, acting=f", {basis}, ОГРНИП {ogrn}" if ogrn else f", {basis}",
        )  # fmt: skip
    signer = " ".join(x for x in (genitive_position(contact_position), genitive_name(contact_name)) if x)
    return Party(
        name=name, legal_form=form, full_name=f"{form} «{name}»" if form else name, ogrn=ogrn,
        acting=f", в лице {signer}" if signer else "",
    )  # fmt: skip


@dataclass(frozen=True)
class DocumentContext:
    number: str
    date: str
    date_short: str
    deal_id: int
    deal_title: str
    client: Party
    company: Company
    contact_name: str
    contact_position: str
    manager: str
    lines: list[Line] = field(default_factory=list)
    total_kopecks: int = 0
    vat_kopecks: int = 0
    vat_rate: int | None = None

    @property
    def total(self) -> str:
        return document_amount(self.total_kopecks)

    @property
    def total_words(self) -> str:
        return amount_in_words(self.total_kopecks)

    @property
    def vat_text(self) -> str:
        """'В том числе НДС 20%: 20 000,00' or 'Без НДС', as the invoice's total block reads."""
        if self.vat_rate is None:
            return "Без НДС"
        return f"В том числе НДС {self.vat_rate}%: {document_amount(self.vat_kopecks)}"

    def template_values(self) -> dict[str, Any]:
        """The names a DOCX template sees (``PLACEHOLDERS`` lists them)."""
        ours = asdict(self.company)
        ours["vat"] = self.vat_text
        # «в лице директора Соколова Андрея Викторовича»: as a person typed it in the requisites,
        # else declined (``values.declension``); the buyer's «в лице» is always declined
        ours["director_genitive"] = self.company.director_genitive or genitive_name(self.company.director)
        return {
            "doc": {"number": self.number, "date": self.date, "date_short": self.date_short},
            "deal": {"id": self.deal_id, "title": self.deal_title, "amount": self.total},
            "client": asdict(self.client),
            "company": ours,
            "contact": {
                "name": self.contact_name,
                "position": self.contact_position,
                "name_genitive": genitive_name(self.contact_name),
                "position_genitive": genitive_position(self.contact_position),
            },
            "manager": {"name": self.manager},
            "lines": [asdict(line) for line in self.lines],
            "total": self.total,
            "total_words": self.total_words,
            "vat": self.vat_text,
        }


PLACEHOLDERS: dict[str, tuple[str, ...]] = {
    "doc": ("number", "date", "date_short"),
    "deal": ("id", "title", "amount"),
    "client": tuple(Party.__dataclass_fields__),
    "company": tuple(Company.__dataclass_fields__),
    "contact": ("name", "position", "name_genitive", "position_genitive"),
    "manager": ("name",),
    "lines": (),
    "line": tuple(f for f in Line.__dataclass_fields__ if not f.endswith("_kopecks")),
    "total": (),
    "total_words": (),
    "vat": (),
}
"""Every name a template may use: ``client.inn``, ``line.product`` inside ``{% for line in
lines %}``, ``total_words``, ..."""

CLIENT_REQUIRED = ("name", "inn", "legal_address")
CLIENT_WHEN_PRINTED = {"client.bik": "bik", "client.account": "account"}
"""A client's requisite required only by a template that prints it (the contracts' «Р/с», «БИК»;
the invoice does not print the buyer's bank)."""


def _vat(total: int, rate: int | None) -> int:
    from crm_tui.domain.deals.lines import vat_in

    return vat_in(total, rate)


def _lines(session: Session, deal_id: int, title: str, amount: int, ours: Company) -> list[Line]:
    from crm_tui.domain.deals.lines import deal_line_rows

    rows = deal_line_rows(session, deal_id)
    if not rows:
        rate = ours.vat_rate
        return [
            Line(1, title, "1", "шт", document_amount(amount), document_amount(amount),
                 "Без НДС" if rate is None else f"{rate}%", amount, _vat(amount, rate))
        ]  # fmt: skip
    return [
        Line(r.number, r.product, document_quantity(r.quantity_milli), r.unit, document_amount(r.price),
             document_amount(r.total), "Без НДС" if r.vat_rate is None else f"{r.vat_rate}%", r.total,
             _vat(r.total, r.vat_rate))
        for r in rows
    ]  # fmt: skip


def _missing_line(ours: list[str], theirs: list[str]) -> InvalidInput:
    named: list[object] = [Message("doc.ours", N_("our {field}"), field=Phrase(LABELS[k])) for k in ours]
    named += [Message("doc.theirs", N_("client's {field}"), field=field_label(k)) for k in theirs]
    return InvalidInput(
        "document.requisites_missing",
        N_("fill in the requisites first: {fields} (crm company set; the client's card)"),
        fields=Listed(named),
        missing=[*(f"company.{k}" for k in ours), *(f"client.{k}" for k in theirs)],
    )


def _missing(ours: Company, row: Any) -> tuple[list[str], list[str]]:
    theirs = [
        k for k, v in zip(CLIENT_REQUIRED, (row.name, row.inn, row.legal_address), strict=True) if not v
    ]
    if row.inn and len(row.inn) == 10 and not row.kpp:
        theirs.append("kpp")
    lacking = missing(ours)
    if ours.inn and len(ours.inn) == 10 and not ours.kpp:
        lacking.append("kpp")
    return lacking, theirs


def missing_requisites(session: Session, deal_id: int) -> list[str]:
    """What a document of the deal still lacks: ``company.inn``, ``client.legal_address``, ..."""
    c = clients.c
    row = session.execute(
        select(c.name, c.inn, c.kpp, c.legal_address)
        .select_from(deals.join(clients, c.id == deals.c.client_id))
        .where(deals.c.id == deal_id)
    ).first()
    if row is None:
        raise not_found("deal", deal_id)
    lacking, theirs = _missing(company(session), row)
    return [*(f"company.{k}" for k in lacking), *(f"client.{k}" for k in theirs)]


def deal_context(
    session: Session, deal_id: int, number: str, day: date, prints: frozenset[str] | set[str] = frozenset()
) -> DocumentContext:
    """The document's content, or ``document.requisites_missing`` naming each empty field (and
    each of the client's bank requisites the template ``prints``, the names it reads)."""
    d, c = deals.c, clients.c
    row = session.execute(
        select(d.title, d.amount, d.client_id, users.c.full_name, c.name, c.legal_form, c.inn, c.kpp,
               c.ogrn, c.legal_address, c.bik, c.account)
        .select_from(deals.join(clients, c.id == d.client_id).outerjoin(users, users.c.id == d.owner_id))
        .where(d.id == deal_id)
    ).first()  # fmt: skip
    if row is None:
        raise not_found("deal", deal_id)
    ours = company(session)
    lacking, theirs = _missing(ours, row)
    theirs += [k for name, k in CLIENT_WHEN_PRINTED.items() if name in prints and not getattr(row, k)]
    if lacking or theirs:
        raise _missing_line(lacking, theirs)
    person = session.execute(
        select(contacts.c.full_name, contacts.c.position)
        .where(contacts.c.client_id == row.client_id)
        .order_by(contacts.c.id)
        .limit(1)
    ).first()
    client = replace(
        client_party(
            row.name, row.legal_form or "", row.ogrn or "", person.full_name if person else "",
            (person.position or "") if person else "",
        ),
        inn=row.inn or "", kpp=row.kpp or "", address=row.legal_address or "", bik=row.bik or "",
        account=row.account or "",
    )  # fmt: skip
    lines = _lines(session, deal_id, row.title, int(row.amount), ours)
    rates = {line.vat_rate for line in lines}
    rate = (
        None
        if rates == {"Без НДС"}
        else next((int(r.rstrip("%")) for r in sorted(rates) if r.endswith("%")), None)
    )
    return DocumentContext(
        number=number, date=document_date(day), date_short=day.strftime("%d.%m.%Y"), deal_id=deal_id,
        deal_title=row.title, client=client, company=ours,
        contact_name=person.full_name if person else "",
        contact_position=(person.position or "") if person else "",
        manager=row.full_name or "", lines=lines, total_kopecks=sum(x.total_kopecks for x in lines),
        vat_kopecks=sum(x.vat_kopecks for x in lines), vat_rate=rate,
    )  # fmt: skip
