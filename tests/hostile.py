"""Text an attacker would put into a client's name, a comment or a file: console markup, escape
sequences, links, bidi overrides; what a person must see of it; and a seeded base that holds it.

``shown`` is the rule written a second time, from Unicode's categories rather than from the
code's tables: what was typed, without control characters (C0, DEL, C1: category Cc) and bidi
controls, tabs and line breaks as spaces. Markup stays exactly as typed.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from hypothesis import strategies as st
from sqlalchemy import update
from sqlalchemy.engine import Engine

from crm_tui.storage.models import clients, contacts, deals, interactions, stages, tasks, users
from tests.seed import Seeded

PIECES = (
    "[/]",
    "[",
    "]",
    "[b]",
    "[/b]",
    "[bold red]",
    "[dim]",
    "[link=http://evil.example]",
    "[link=http://e]",
    "[/link]",
    "[@click=app.quit]",
    "[$accent]",
    "$var",
    ":smile:",
    "\\[",
    "\x1b[2J\x1b[H",
    "\x1b[31m",
    "\x1b[0m",
    "\x1b]8;;http://evil.example\x1b\\",
    "\x1b]8;;\x07",
    "\x1b]0;title\x07",
    "\x07",
    "\x08",
    "\x7f",
    "\x9b31m",
    "\x85",
    "\u202e",
    "\u202a",
    "\u2066",
    "\u2069",
    "\r",
    "\t",
    "\n",
    "ООО ",
    "Ромашка",
    "x",
    " ",
)
"""What a hostile value is made of: markup, escape sequences (CSI, OSC 8 links, a window
title), single controls, bidi overrides and isolates, line breaks, and ordinary words."""

BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
LINE_BREAKS = frozenset("\t\n\r\x0b\x0c\x85\u2028\u2029")


def hostile_text(max_pieces: int = 5, *, longest: int | None = None) -> st.SearchStrategy[str]:
    """A value of 1 to ``max_pieces`` pieces, with a Cyrillic letter so it is never blank;
    ``longest``: at most this many characters shown (for a narrow column)."""
    pieces = st.lists(st.sampled_from(PIECES), min_size=1, max_size=max_pieces).map("".join)
    text = st.tuples(pieces, st.sampled_from("ЖЩЮЯ")).map(lambda parts: parts[0] + parts[1])
    return text if longest is None else text.filter(lambda value: len(shown(value)) <= longest)


def shown(text: str) -> str:
    """What a person must read of ``text`` on one line."""
    out = []
    for char in text.replace("\r\n", "\n"):
        if char in LINE_BREAKS:
            out.append(" ")
        elif unicodedata.category(char) == "Cc" or char in BIDI:
            continue
        else:
            out.append(char)
    return "".join(out)


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a character a terminal would act on (newlines excepted)."""
    return any((unicodedata.category(c) == "Cc" and c != "\n") or c in BIDI for c in text)


@dataclass(frozen=True)
class Planted:
    """Hostile values written straight into the base (as if they came before the way in was
    guarded): a client's name, its contact, a deal and its stage, a task, a touch, a user."""

    client: str
    contact: str
    deal: str
    stage: str
    task: str
    touch: str
    user: str


def plant(engine: Engine, seeded: Seeded, values: Planted) -> None:
    """Put ``values`` on Иванова's client Ромашка and what hangs on it."""
    romashka = seeded.clients["romashka"]
    deal_id = seeded.deals["d_await_romashka"]
    with engine.begin() as conn:
        conn.execute(update(clients).where(clients.c.id == romashka).values(name=values.client))
        conn.execute(
            update(contacts).where(contacts.c.client_id == romashka).values(full_name=values.contact)
        )
        conn.execute(update(deals).where(deals.c.id == deal_id).values(title=values.deal))
        stage_id = conn.scalar(
            deals.select().with_only_columns(deals.c.stage_id).where(deals.c.id == deal_id)
        )
        conn.execute(update(stages).where(stages.c.id == stage_id).values(name=values.stage))
        conn.execute(
            update(tasks).where(tasks.c.id == seeded.tasks["overdue_invoice"]).values(title=values.task)
        )
        conn.execute(
            update(interactions).where(interactions.c.client_id == romashka).values(summary=values.touch)
        )
        conn.execute(update(users).where(users.c.id == seeded.users["ivanova"]).values(full_name=values.user))


def planted_values(max_pieces: int = 4, *, longest: int | None = None) -> st.SearchStrategy[Planted]:
    text = hostile_text(max_pieces, longest=longest)
    return st.builds(
        Planted, client=text, contact=text, deal=text, stage=text, task=text, touch=text, user=text
    )
