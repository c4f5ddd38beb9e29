"""Document numbers: 1, 2, 3 ... within a year for each kind, with no gap and no repeat.

The number is taken in the transaction that stores the document, from one counter row per kind
and year: ``UPDATE ... SET last = last + 1 RETURNING last`` locks the row, so a second manager
making an invoice at the same moment waits for the first to commit and takes the next number;
a making that fails rolls its number back with it, so no number is skipped. A number the trade
system already used for that kind and year (an imported 1C invoice) is passed over.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crm_tui.storage.models import document_numbers, sales_documents


def _ensure_counter(session: Session, kind: str, year: int) -> None:
    # The dialects' own inserts (ON CONFLICT) load on first use: the PostgreSQL dialect takes a
    # while to import, and the screens that import this module mostly never number a document.
    from sqlalchemy.dialects import postgresql, sqlite

    dialect = session.get_bind().dialect.name
    values = {"kind": kind, "year": year, "last": 0}
    if dialect == "postgresql":
        session.execute(postgresql.insert(document_numbers).values(values).on_conflict_do_nothing())
    else:
        session.execute(sqlite.insert(document_numbers).values(values).on_conflict_do_nothing())


def next_number(session: Session, kind: str, year: int) -> str:
    """The next free number of ``kind`` in ``year``, taken inside the caller's transaction."""
    _ensure_counter(session, kind, year)
    n = document_numbers.c
    s = sales_documents.c
    while True:
        taken = session.execute(
            update(document_numbers)
            .where(n.kind == kind, n.year == year)
            .values(last=n.last + 1)
            .returning(n.last)
        ).scalar_one()
        number = str(taken)
        used = session.scalar(
            select(s.id).where(s.kind == kind, s.doc_year == year, s.number == number).limit(1)
        )
        if used is None:
            return number
