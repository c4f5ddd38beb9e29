"""Company names reduced to what identifies the company, for comparing and blocking.

"ООО «Ромашка»", "Ромашка ООО", "ромашка" and "Romashka LLC" must compare as one name: the legal
form and quotes go, case is folded (ё as е), Latin is read as Cyrillic the way managers
transliterate, punctuation becomes space.
"""

from __future__ import annotations

import re
from functools import lru_cache

from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.legal_forms import split_legal_form

_LATIN_PAIRS = (
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"), ("ts", "ц"),
    ("yu", "ю"), ("ya", "я"), ("yo", "е"), ("ye", "е"), ("ph", "ф"),
    # a vowel and "y" before a consonant or at the end: Treyd, Stroy, Novyy, Energiy
    ("yy", "ый"), ("iy", "ий"), ("ey", "ей"), ("ay", "ай"), ("oy", "ой"), ("uy", "уй"),
)  # fmt: skip
_LATIN_SINGLE = str.maketrans(
    {
        "a": "а", "b": "б", "v": "в", "g": "г", "d": "д", "e": "е", "z": "з", "i": "и", "y": "ы",
        "k": "к", "l": "л", "m": "м", "n": "н", "o": "о", "p": "п", "r": "р", "s": "с", "t": "т",
        "u": "у", "f": "ф", "h": "х", "c": "к", "w": "в", "x": "кс", "q": "к", "j": "дж",
    }
)  # fmt: skip
_HAS_LATIN = re.compile(r"[a-z]")
_NOT_WORD = re.compile(r"[^\w]+")


def to_cyrillic(text: str) -> str:
    """Latin letters read as a Russian manager would have typed them ("romashka" -> "ромашка")."""
    if not _HAS_LATIN.search(text):
        return text
    for latin, cyrillic in _LATIN_PAIRS:
        text = text.replace(latin, cyrillic)
    return text.translate(_LATIN_SINGLE)


@lru_cache(maxsize=65536)
def company_name(name: str) -> str:
    """The comparable name: tokens of the bare name, in their order, space-separated. "Э" reads
    as "е", as a transliteration gives it back ("Energiya" / "Энергия")."""
    bare = split_legal_form(name).value.name or name
    return comparable_name(fold(bare))


def comparable_name(folded_bare: str) -> str:
    """``company_name`` of a name whose legal form is off already, given folded: the import's
    parser has split the name cell and folded the name for its key, and a second split and
    fold of each row's name cost it a twentieth of its time."""
    text = to_cyrillic(folded_bare).replace("э", "е")
    return " ".join(t for t in _NOT_WORD.split(text) if t)


def domain_name(domain: str, *, whole: bool = False) -> str:
    """A company domain's own name, read as a name: ``kvartsko.com`` -> ``кварцко``,
    ``tekhnovektor12.ru`` -> ``техновектор12`` (compared with a name's letters run together);
    ``whole`` keeps its hyphens, to read its words: ``olimp-novosibirsk.ru`` -> ``олимп-новосибирск``."""
    label = domain.rpartition(".")[0].rpartition(".")[2] or domain
    return to_cyrillic(label if whole else label.replace("-", ""))


def tokens(name: str) -> list[str]:
    return name.split()
