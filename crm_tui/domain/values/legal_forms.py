"""Splitting "ООО «Ромашка»" into a legal form and a name.

The same company is written "ООО «Ромашка»", "Ромашка ООО", "ооо ромашка", 'ООО "Ромашка"',
"Общество с ограниченной ответственностью «Ромашка»" or "Romashka LLC". Duplicate detection and
sorting need the bare name and one canonical form, so the form is taken off either end (as an
abbreviation or spelled out, in any case), quotes around the name are dropped and the rest of
the name is kept as written.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from crm_tui.domain.values.cells import Normalised, cell_text, collapse_spaces, is_blank, shorten
from crm_tui.i18n import N_, Message

# Canonical form -> every spelling seen in managers' files (matched case-insensitively).
LEGAL_FORMS: dict[str, tuple[str, ...]] = {
    "ООО": ("ООО", "общество с ограниченной ответственностью", "OOO", "LLC", "Ltd"),
    "АО": ("АО", "акционерное общество", "JSC"),
    "ПАО": ("ПАО", "публичное акционерное общество", "PJSC", "PAO"),
    "НАО": ("НАО", "непубличное акционерное общество"),
    "ЗАО": ("ЗАО", "закрытое акционерное общество", "CJSC", "ZAO"),
    "ОАО": ("ОАО", "открытое акционерное общество", "OJSC", "OAO"),
    "НКО": ("НКО", "некоммерческая организация"),
    "АНО": ("АНО", "автономная некоммерческая организация"),
    "ФГУП": ("ФГУП", "федеральное государственное унитарное предприятие"),
    "ГУП": ("ГУП", "государственное унитарное предприятие"),
    "МУП": ("МУП", "муниципальное унитарное предприятие"),
    "ИП": ("ИП", "индивидуальный предприниматель", "ИП.", "И.П."),
}
ENTREPRENEUR = "ИП"
"""An individual entrepreneur's form: a person trading under her own name (a contract names her
in full words and she signs for herself; the card calls her «ИП», not «организация»)."""

_QUOTES = "«»\"'„“”‘’`"
_OPENING = "«„“‘\"'`"
_CLOSING = "»“”’\"'`"
_LEAD_JUNK = " ,;.:-–—"
_TRAIL_JUNK = " ,;:-–—"
_EDGES = frozenset(_QUOTES + _LEAD_JUNK + _TRAIL_JUNK)


def _spelling_pattern(spelling: str) -> str:
    return r"\s+".join(re.escape(word) for word in spelling.split())


_BY_SPELLING = {s.casefold().rstrip("."): form for form, spellings in LEGAL_FORMS.items() for s in spellings}
_SPELLINGS = sorted({s for spellings in LEGAL_FORMS.values() for s in spellings}, key=len, reverse=True)
_ALTERNATIVES = "|".join(_spelling_pattern(s) for s in _SPELLINGS)
_BOUNDARY = rf"\s,;{re.escape(_QUOTES)}()"
_AT_START = re.compile(rf"^(?P<form>{_ALTERNATIVES})(?=$|[{_BOUNDARY}])", re.IGNORECASE)
# A form at the end is matched on the reversed text, so the match is anchored (fast) too.
_REVERSED = "|".join(_spelling_pattern(s[::-1]) for s in _SPELLINGS)
_AT_END_REVERSED = re.compile(rf"\.?(?P<form>{_REVERSED})(?=$|[{_BOUNDARY}])", re.IGNORECASE)
# Words a form can start with: the start regex only runs when the first word is one of these.
_FIRST_WORDS = frozenset(s.split()[0].casefold() for s in _SPELLINGS)
_FIRST_CHARS = frozenset(c for s in _SPELLINGS for c in (s[0].lower(), s[0].upper()))
_LAST_CHARS = frozenset(c for s in _SPELLINGS for c in (s[-1].lower(), s[-1].upper(), "."))


_EDGE_WORD = re.compile(r"[\W_]*([^\W_][\w.]*)")
_DROP_QUOTES = str.maketrans("", "", _QUOTES)


def _first_word(text: str) -> str:
    """The first word, casefolded: "ооо" of 'ООО"Ромашка"', "и.п." of "И.П. Иванов"."""
    match = _EDGE_WORD.match(text)
    return match.group(1).casefold() if match else ""


class LegalName(NamedTuple):
    """A company (or sole trader) name without its legal form; ``form`` is canonical ("ООО")."""

    form: str | None
    name: str

    def display(self) -> str:
        return f"{self.form} «{self.name}»" if self.form and self.name else self.form or self.name


def canonical_form(text: str) -> str | None:
    """ "общество с ограниченной ответственностью" -> "ООО"; unknown spellings -> ``None``."""
    return _BY_SPELLING.get(collapse_spaces(text).casefold().rstrip("."))


def _balanced(text: str) -> bool:
    """Could the guillemets and straight quotes in ``text`` pair up? (counts and order)"""
    opening, closing = text.count("«"), text.count("»")
    if opening != closing or text.count('"') % 2:
        return False
    return not opening or (text.find("«") < text.find("»") and text.rfind("«") < text.rfind("»"))


def _strip_quotes(text: str) -> str:
    """Quotes around the whole name go; quotes inside it ("ТД «Ромашка»") stay."""
    if not text or (text[0] not in _QUOTES and text[-1] not in _QUOTES):
        return text
    if len(text) >= 2 and text[0] in _OPENING and text[-1] in _CLOSING and _balanced(text[1:-1]):
        return text[1:-1].strip()
    inner = text[1:-1]
    inner_quotes = len(inner) - len(inner.translate(_DROP_QUOTES))
    if text and text[0] in _QUOTES and inner_quotes == 0 and text[-1] not in _QUOTES:
        return text[1:].strip()
    if text and text[-1] in _QUOTES and inner_quotes == 0 and text[0] not in _QUOTES:
        return text[:-1].strip()
    return text


def _peel(text: str) -> tuple[str | None, str]:
    """Take legal forms and outer quotes off both ends until nothing changes."""
    form: str | None = None
    for _ in range(8):
        before = text
        # cheap looks at the edge characters first: most names have no form at one end or both
        if (
            text[:1] in _FIRST_CHARS
            and _first_word(text) in _FIRST_WORDS
            and (match := _AT_START.match(text))
        ):
            form = form or canonical_form(match.group("form"))
            text = text[match.end() :].lstrip(_LEAD_JUNK)
        if text[-1:] in _LAST_CHARS and (match := _AT_END_REVERSED.match(text[::-1])):
            form = form or canonical_form(match.group("form")[::-1])
            text = text[: len(text) - match.end()].rstrip(_TRAIL_JUNK)
        if text and (text[0] in _EDGES or text[-1] in _EDGES):
            text = _strip_quotes(text.lstrip(_LEAD_JUNK).rstrip(_TRAIL_JUNK))
        if text == before:
            break
    return form, text


def split_legal_form(value: object) -> Normalised[LegalName]:
    """``LegalName(form, name)`` for a company cell; the name keeps its own capitals.

    A name typed all in lower case gets a capital first letter (a sole trader's name gets a
    capital on every word). A cell that is only a legal form has an empty name and a warning.
    """
    raw = cell_text(value)
    if is_blank(value):
        return Normalised(LegalName(None, ""), raw)
    form, name = _peel(collapse_spaces(raw))
    if name.islower():
        name = name.title() if form == "ИП" else name[0].upper() + name[1:]
    warnings: tuple[Message, ...] = ()
    if form and not name:
        warnings = (
            Message("name.only_form", N_("'{text}' has a legal form but no name"), text=shorten(raw)),
        )
    elif not name:
        warnings = (Message("name.missing", N_("'{text}' has no name"), text=shorten(raw)),)
    return Normalised(LegalName(form, name), raw, warnings)


def normalise_legal_form(value: object) -> Normalised[str | None]:
    """A legal-form column: the canonical form for any spelling ("Общество с ограниченной
    ответственностью" -> "ООО"); an unknown form is kept as written, with a warning."""
    raw = cell_text(value)
    text = collapse_spaces(raw).strip(_QUOTES + _TRAIL_JUNK + ".")
    if not text:
        return Normalised(None, raw)
    form = canonical_form(text)
    if form is None:
        unknown = Message(
            "legal_form.unknown", N_("'{text}' is not a known legal form; kept as written"), text=shorten(raw)
        )
        return Normalised(text, raw, (unknown,))
    return Normalised(form, raw)
