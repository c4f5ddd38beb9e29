"""What a deal sells, line by line: product or service, quantity, unit, price, VAT rate.

Money is integer kopecks and quantities thousandths of a unit, so a line's total is integer
arithmetic (rounded half up to the kopeck), never a float. Prices include VAT, as Russian
invoices state them ("в т.ч. НДС"); the rate says how much of it is tax. A deal with lines has
their sum as its amount: each change of a line writes the new amount and moves the deal's
version in the same statement (``audit.changes.change``), so an edit open on the old amount is
refused. Lines will fill invoices and contracts later.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, require
from crm_tui.domain.audit.changes import change, stale
from crm_tui.domain.deals.edit import closed_figures
from crm_tui.domain.deals.moves import deal_target, load_deal
from crm_tui.domain.deals.new_deal import read_amount, refuse
from crm_tui.domain.errors import InvalidInput, with_field
from crm_tui.domain.values.amounts import MAX_KOPECKS
from crm_tui.domain.values.formatting import plain_quantity, quantity
from crm_tui.domain.workspace import Workspace
from crm_tui.i18n import N_
from crm_tui.storage.models import deal_lines, deals

PRODUCT_LENGTH = 300
UNIT_LENGTH = 16
DEFAULT_UNIT = "шт"
VAT_RATES = (0, 5, 7, 10, 20, 22)
"""The rates of the Russian tax code (5 and 7 for the simplified system, 22 from 2026)."""
_NO_VAT = frozenset({"", "-", "—", "без ндс", "без", "нет", "none", "no", "no vat"})
MAX_QUANTITY_MILLI = 10**12
QUANTITY_DECIMALS = 3
_QUANTITY = re.compile(r"[0-9]*(?:\.([0-9]*))?")
"""A quantity is kept in thousandths of its unit."""


@dataclass(frozen=True)
class LineDraft:
    """A line as typed; read by ``read_line``."""

    product: str
    quantity: str = "1"
    unit: str = ""
    price: str = ""
    vat: str = ""


@dataclass(frozen=True)
class DealLineRow:
    number: int
    """1, 2, ... in the deal's order: what ``--remove N`` names."""
    id: int
    product: str
    quantity_milli: int
    unit: str
    price: int
    vat_rate: int | None
    total: int

    @property
    def quantity(self) -> str:
        """'10', '2,5' (the language's decimal mark) for 10000 and 2500 thousandths."""
        return quantity(self.quantity_milli)

    @property
    def plain_quantity(self) -> str:
        """'10', '2.5': for ``--json`` and the audit trail."""
        return plain_quantity(self.quantity_milli)


@dataclass(frozen=True)
class ReadLine:
    product: str
    quantity_milli: int
    unit: str
    price: int
    vat_rate: int | None
    total: int


def read_quantity(text: str) -> int:
    """Thousandths of a unit from "2", "1,5", "0.25"; refused unless a positive number written
    out in at most three decimals (what a line keeps): "2,5555" is not rounded behind the
    typist's back, and "1e3", "inf", "nan" are no quantities a person types."""
    raw = "".join(text.split()).replace(",", ".") or "1"
    written = _QUANTITY.fullmatch(raw)
    if written is None or raw == ".":
        raise refuse("quantity", "line.quantity_invalid", N_("{text!r} is not a quantity"), text=text)
    if len(written.group(1) or "") > QUANTITY_DECIMALS:
        raise refuse(
            "quantity",
            "line.quantity_decimals",
            N_("{text!r} has more than {count} decimals"),
            text=text,
            count=QUANTITY_DECIMALS,
        )
    milli = int(Decimal(raw) * 1000)
    if milli <= 0 or milli > MAX_QUANTITY_MILLI:
        raise refuse("quantity", "line.quantity_invalid", N_("{text!r} is not a quantity"), text=text)
    return milli


def read_vat(text: str) -> int | None:
    """20, "20%", "НДС 20" -> 20; "без НДС" or empty -> None (not subject to VAT); "НДС" alone
    says neither and is refused."""
    raw = " ".join(text.strip().lower().replace("%", " ").replace("ндс", " ").split())
    if text.strip().lower() in _NO_VAT or (raw and raw in _NO_VAT):
        return None
    if raw.isdigit() and int(raw) in VAT_RATES:
        return int(raw)
    rates = ", ".join(str(r) for r in VAT_RATES)
    raise refuse(
        "vat",
        "line.vat_invalid",
        N_("{text!r} is not a VAT rate: one of {rates}, or без НДС"),
        text=text,
        rates=rates,
    )


def read_line(draft: LineDraft, vat_mode: int | None = None) -> ReadLine:
    """``draft`` read; a line typed without a VAT rate takes ``vat_mode``, the company's (its
    documents print one mode: ``documents.company``), «без НДС» typed is none."""
    product = " ".join(draft.product.split())
    if not product:
        raise refuse("product", "line.product_missing", N_("say what is sold: a product or a service"))
    if len(product) > PRODUCT_LENGTH:
        raise refuse(
            "product",
            "line.product_long",
            N_("a product is at most {count} characters"),
            count=PRODUCT_LENGTH,
        )
    unit = " ".join(draft.unit.split()) or DEFAULT_UNIT
    if len(unit) > UNIT_LENGTH:
        raise refuse("unit", "line.unit_long", N_("a unit is at most {count} characters"), count=UNIT_LENGTH)
    quantity = read_quantity(draft.quantity)
    if not draft.price.strip():
        raise refuse("price", "line.price_missing", N_("a line needs a price"))
    price = read_amount(draft.price, "price")
    vat = read_vat(draft.vat) if draft.vat.strip() else vat_mode
    total = int((Decimal(price) * quantity / 1000).to_integral_value(ROUND_HALF_UP))
    if total >= MAX_KOPECKS:
        raise refuse("price", "line.total_large", N_("the line comes to more than a trillion rubles"))
    return ReadLine(product, quantity, unit, price, vat, total)


def company_vat(session: Session) -> int | None:
    """The company's VAT mode (a rate, or None: not subject to VAT): a line's rate when none is
    typed."""
    from crm_tui.domain.documents.company import company

    return company(session).vat_rate


def vat_words(rate: int | None) -> str:
    """A line's rate as a confirmation says it: «НДС 20%», «без НДС»."""
    from crm_tui.domain.documents.company import NO_VAT, vat_mode_words

    return vat_mode_words(NO_VAT if rate is None else str(rate))


def vat_in(total: int, rate: int | None) -> int:
    """The VAT included in ``total`` kopecks at ``rate`` percent (rounded half up)."""
    if not rate:
        return 0
    return int((Decimal(total) * rate / (100 + rate)).to_integral_value(ROUND_HALF_UP))


def deal_line_rows(session: Session, deal_id: int) -> list[DealLineRow]:
    ln = deal_lines.c
    rows = session.execute(
        select(ln.id, ln.product, ln.quantity_milli, ln.unit, ln.price, ln.vat_rate, ln.total)
        .where(ln.deal_id == deal_id)
        .order_by(ln.position, ln.id)
    )
    return [DealLineRow(n, *row) for n, row in enumerate(rows, start=1)]


def _sum(session: Session, deal_id: int) -> int:
    return int(
        session.scalar(
            select(func.coalesce(func.sum(deal_lines.c.total), 0)).where(deal_lines.c.deal_id == deal_id)
        )
        or 0
    )


def _changed(
    session: Session,
    ws: Workspace,
    deal_id: int,
    version: int,
    title: str,
    action: str,
    what: dict[str, object],
) -> int:
    amount = _sum(session, deal_id)
    return change(
        session, deals, deal_id, {"amount": amount}, at=ws.now(), user_id=ws.viewer.user_id,
        seen=version, refused=lambda: stale("deal", title), action=action, changes={**what, "amount": amount},
    )  # fmt: skip


@dataclass(frozen=True)
class AddedLines:
    version: int
    """The deal's new version."""
    vat_rates: list[int | None]
    """The rate each line was given, in order (the company's where none was typed): what the
    confirmation says."""


def add_line(ws: Workspace, deal_id: int, version: int, draft: LineDraft) -> int:
    """Append a line to a deal read at ``version``; returns the deal's new version."""
    return add_lines(ws, deal_id, version, [draft]).version


def add_lines(ws: Workspace, deal_id: int, version: int, drafts: Sequence[LineDraft]) -> AddedLines:
    """Append lines, in order, to a deal read at ``version`` as one change (one version, one
    audit row), so a command adding several lines either adds them all or none."""
    with ws.write() as session:
        vat_mode = company_vat(session)
        read = []
        for index, draft in enumerate(drafts):
            try:
                read.append(read_line(draft, vat_mode))
            except InvalidInput as exc:  # which of the lines: ``crm deal lines --add`` names it
                raise with_field(exc, exc.field, line=index) from None
        deal = load_deal(session, deal_id)
        require(ws.viewer, Capability.EDIT_DEALS, deal_target(deal))
        if deal.version != version:
            raise stale("deal", deal.title)
        closed_figures(deal.id, deal.status, "line")
        if _sum(session, deal_id) + sum(line.total for line in read) >= MAX_KOPECKS:
            raise refuse(
                "price", "line.deal_large", N_("the deal's lines would come to more than a trillion rubles")
            )
        last = session.scalar(select(func.max(deal_lines.c.position)).where(deal_lines.c.deal_id == deal_id))
        for offset, line in enumerate(read, start=1):
            session.execute(
                insert(deal_lines).values(
                    deal_id=deal_id, position=(last or 0) + offset, product=line.product,
                    quantity_milli=line.quantity_milli, unit=line.unit, price=line.price,
                    vat_rate=line.vat_rate, total=line.total,
                )
            )  # fmt: skip
        added = "; ".join(f"{x.product} × {plain_quantity(x.quantity_milli)} {x.unit}" for x in read)
        what: dict[str, object] = {"line": [None, added]}
        new_version = _changed(session, ws, deal_id, version, deal.title, "line_add", what)
    return AddedLines(new_version, [line.vat_rate for line in read])


def remove_line(ws: Workspace, deal_id: int, version: int, number: int) -> int:
    """Remove the deal's line ``number`` (1, 2, ... as listed); returns the deal's new version."""
    return remove_lines(ws, deal_id, version, [number])


def remove_lines(ws: Workspace, deal_id: int, version: int, numbers: Sequence[int]) -> int:
    """Remove several of the deal's lines in one change; returns the deal's new version.

    The numbers name the lines as they were listed before any of them went (``--remove 3
    --remove 4`` is the third and the fourth, not the fourth of what is left after the third),
    and a number the deal has no line for refuses them all."""
    with ws.write() as session:
        deal = load_deal(session, deal_id)
        require(ws.viewer, Capability.EDIT_DEALS, deal_target(deal))
        if deal.version != version:
            raise stale("deal", deal.title)
        closed_figures(deal.id, deal.status, "line")
        rows = deal_line_rows(session, deal_id)
        for number in numbers:
            if not 1 <= number <= len(rows):
                raise refuse("line", "line.unknown", N_("the deal has no line {number}"), number=number)
        gone = [rows[number - 1] for number in sorted(set(numbers))]
        session.execute(delete(deal_lines).where(deal_lines.c.id.in_([row.id for row in gone])))
        said = "; ".join(f"{row.product} × {row.plain_quantity} {row.unit}" for row in gone)
        what: dict[str, object] = {"line": [said, None]}
        return _changed(session, ws, deal_id, version, deal.title, "line_remove", what)
