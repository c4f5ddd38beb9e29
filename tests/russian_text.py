"""What may be written in Latin letters on a screen in Russian, and the finder of what is left.

A Russian-speaking manager should meet no English word (issue 18): every Latin word on a Russian
screen is either data (a client typed in Latin, an e-mail address, a file name), a name that is
Latin in Russian too (a key on the keyboard, a file format, the program's command), or a leftover.
``english_left`` returns the leftovers, so a test fails listing them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'’-]*")

KEYS = frozenset(
    {"esc", "tab", "enter", "shift", "ctrl", "alt", "super", "del", "home", "end", "pgup", "pgdn", "space"}
)
"""Key names as Textual shows them in the footer and the keys panel (a single letter is a key too:
«x Отказ», «(w)»)."""
FORMATS = frozenset({"CSV", "XLSX", "XLS", "ODS", "JSON", "SVG", "Excel", "CRM", "Telegram", "WhatsApp"})
"""File formats, and the messengers' names, that Russian writes in Latin (GLOSSARY.md)."""
COMMAND = re.compile(r'\bcrm(?: (?:--\w+|"[^"]*"|[\w-]+))+')
"""A command of the program, which a person types as it is (``crm user add ЛОГИН --role manager``,
``crm handover undo 3``)."""
ROLES = frozenset({"manager", "head", "admin", "ops"})
"""The role values ``crm user add --role`` takes; ``admin`` and ``root`` are also logins."""
DATA = frozenset(
    {
        "root",
        "ivanova",  # a login of the seeded team (the owner and assignee fields hold logins)
        "Romashka",  # the managers' workbook: a client typed in Latin
        "John",
        "Smith",
        "HYPERLINK",  # a formula typed into a cell
        "E-mail",  # a column header of the workbook
        "Logano",  # the placeholder of a product (a boiler model: «Котёл Logano G334»)
        "G334",
        "crm_tui",  # the program's name in the header
    }
)
"""Latin text of the seeded team and the test files."""
ADDRESS = re.compile(
    r"\S+@\S+|\b(?:https?://|mailto:|www\.)\S*|[\w./~-]*\.(?:xlsx|xls|ods|csv|svg|json|db)\b"
    r"|~?[\w.-]*(?:/[\w.-]+)+/?",  # a folder's path (the upload folder): a slash in it
    re.I,
)
"""E-mail addresses, URLs, file names and paths."""

ELSEWHERE: dict[str, str] = {}
"""Text that the screens show from other branches' areas, still English on this branch: a line
that matches is not searched. Each pattern must still match a line of the Russian snapshots (a
stale one fails, tests/snapshots/test_russian_text.py), so the list shrinks as those branches are
merged."""
ELSEWHERE_IN_WALKS: dict[str, str] = {}
"""The same for text only the walks of tests/app/test_russian.py show (each must still match a
line of its walk)."""


def in_dialog(line: str) -> str:
    """A line of a dialog (drawn with a thick border, █) without the screen behind it, cut
    anywhere and checked in that screen's own snapshot."""
    first, last = line.find("█"), line.rfind("█")
    return line[first + 1 : last] if first != last else line


def cut_data(word: str) -> bool:
    """A word cut with "…" that is the beginning of data."""
    return any(data.startswith(word) for data in DATA)


def allowed(word: str) -> bool:
    return len(word) == 1 or word.lower() in KEYS or word in FORMATS or word in ROLES or word in DATA


def english_left(lines: Iterable[str]) -> list[str]:
    """The lines that have a Latin word that is neither data nor allowed, with the words."""
    found = []
    for line in lines:
        if any(re.search(pattern, line) for pattern in (*ELSEWHERE, *ELSEWHERE_IN_WALKS)):
            continue
        text = COMMAND.sub(" ", ADDRESS.sub(" ", in_dialog(line).replace("^", " ")))
        words = [
            w.group()
            for w in WORD.finditer(text)
            if not allowed(w.group()) and not (text[w.end() : w.end() + 1] == "…" and cut_data(w.group()))
        ]
        if words:
            found.append(f"{' '.join(dict.fromkeys(words))}   ← {line.strip()}")
    return found


def elsewhere_seen(lines: Iterable[str]) -> set[str]:
    """The ``ELSEWHERE`` and ``ELSEWHERE_IN_WALKS`` patterns that match one of ``lines``."""
    text = list(lines)
    patterns = (*ELSEWHERE, *ELSEWHERE_IN_WALKS)
    return {pattern for pattern in patterns if any(re.search(pattern, line) for line in text)}
