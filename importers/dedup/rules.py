"""When two client records are one company: the rules that protect data, in one function.

The import (should a row enrich an existing client?), the scan (which pairs to propose or merge)
and the review screen all ask ``judge``. What it guards against, from the managers' bases of
seeds 000 and 003:

- two valid, different INNs are two legal entities, whatever the names say;
- one INN with two different KPPs is a company and its branch: worth a look, never merged alone;
  one INN in two cities with a KPP unknown may be the same (a head office and a branch): a look;
- a phone shared with an unrelated name is a business centre's switchboard, not a duplicate;
- a company's own e-mail domain (not a public mailbox service) shared with a near-identical name
  is one company; with a similar name, or a name one or two letters off for its length, or a
  name the domain spells ("kvartsko.com", «Кварц Ко»), a candidate;
- the same contact person (surname and first name) at two clients with a similar name is one
  company a manager typed twice, the person being the one thing both knew;
- a similar name in the same city with no conflicting key is a candidate for a person, unless
  the names differ in a number ("Аптека 5", "Аптека 6"); with no city in common, nothing (a
  common name, "Техсервис", is in every town), unless one has no city and the rest of its record
  places it in the other's region (an INN of 78, a 812 landline, "olimp-novosibirsk.ru"): then
  it is proposed below a same-city pair; or unless one has no city and no other client bears the
  name: then it is proposed last, if nothing places the two in different regions.

"Sure" pairs may be merged by ``crm dedup merge --auto``; the rest wait for review.
"""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from crm_tui.importers.dedup.names import domain_name

SIMILAR_NAME = 90
"""A name-only pair needs this similarity (0-100) and no conflicting key or city."""

PHONE_SURE_NAME = 85
PHONE_CANDIDATE_NAME = 70
EMAIL_SURE_NAME = 80
INN_SURE_NAME = 60
RARE_NAME = 97
"""A name-only pair with a city on one side only is proposed (last) when the names are this
alike and no other client bears either: "Зенит Плюс" twice, not "Техсервис" in every town."""
PERSON_NAME = 85
"""A shared contact person counts with a name this alike: the person alone is a namesake."""
DIFFERENT_DOMAINS = 35
DIFFERENT_PHONES = 15
"""What a name-only pair loses when both records have their own domains or phones and none is
shared (shared ones are judged above): a common name in one town, two companies."""
DOMAIN_SURE_NAME = 95
DOMAIN_NAME = 85
"""How well a name must match the name its company's domain spells to count as that name."""


@dataclass(frozen=True, slots=True)
class Record:
    """What the rules look at. ``inn`` is set only when its checksum is valid; ``name`` is
    ``names.company_name`` of the client's name; ``city`` is folded."""

    id: int
    name: str
    inn: str | None
    kpp: str | None
    city: str | None
    phones: frozenset[str]
    emails: frozenset[str]
    domains: frozenset[str] = frozenset()
    """The record's own company e-mail domains (public mailbox services left out)."""
    people: frozenset[str] = frozenset()
    """Its contacts' ``person_key``: surname and first name, folded."""
    regions: frozenset[str] = frozenset()
    """Where its city, INN, landlines and domain place it (``domain.values.regions``)."""


@dataclass(frozen=True, slots=True)
class Verdict:
    score: int
    sure: bool
    reasons: tuple[str, ...]


def name_similarity(a: str, b: str) -> float:
    """0-100; word order does not matter ("Иванов Иван" = "Иван Иванов")."""
    if not a or not b:
        return 0.0
    return float(fuzz.token_sort_ratio(a, b))


def conflicting(a: Record, b: Record) -> bool:
    """Certainly two legal entities: both INNs valid and different."""
    return a.inn is not None and b.inn is not None and a.inn != b.inn


def judge(a: Record, b: Record, similarity: float | None = None, *, rare: bool = False) -> Verdict | None:
    """Whether ``a`` and ``b`` are one company, how sure, and why; ``None`` for "no". ``rare``:
    no other client bears either name (so one without a city may still be the other)."""
    if conflicting(a, b):
        return None
    name = round(similarity if similarity is not None else name_similarity(a.name, b.name))
    same_city = a.city is not None and a.city == b.city
    other_city = a.city is not None and b.city is not None and a.city != b.city
    reasons: list[str] = []
    if a.inn is not None and a.inn == b.inn:
        reasons.append("same INN")
        if a.kpp and b.kpp and a.kpp != b.kpp:
            reasons += ["different KPP: branches", f"name {name}"]
            return Verdict(70, False, tuple(reasons))
        # One INN is one legal entity by law, whatever it is called in a manager's file.
        reasons.append(f"name {name}")
        if other_city and not (a.kpp and b.kpp):
            return Verdict(80, False, (*reasons, "different city: a branch?"))
        return Verdict(
            100 if name >= INN_SURE_NAME else 90, True, tuple(reasons + _city(same_city, other_city))
        )
    shared_emails = a.emails & b.emails
    shared_phones = a.phones & b.phones
    if shared_emails:
        reasons.append("same e-mail " + min(shared_emails))
        if shared_phones:
            reasons.append("same phone " + min(shared_phones))
        reasons.append(f"name {name}")
        if name >= EMAIL_SURE_NAME:
            return Verdict(95, True, tuple(reasons + _city(same_city, other_city)))
        return Verdict(75 if name >= 50 else 60, False, tuple(reasons + _city(same_city, other_city)))
    if shared_phones:
        reasons += ["same phone " + min(shared_phones), f"name {name}"]
        if name >= PHONE_SURE_NAME and not other_city:
            return Verdict(90, True, tuple(reasons + _city(same_city, other_city)))
        if name >= PHONE_CANDIDATE_NAME or typo(a.name, b.name):
            return Verdict(75, False, tuple(reasons + _city(same_city, other_city)))
        return None  # a shared switchboard: the phone alone proves nothing
    shared_domains = a.domains & b.domains
    if shared_domains and _numbers(a.name) == _numbers(b.name):
        domain = min(shared_domains)
        reasons += ["same domain " + domain, f"name {name}"]
        if name >= DOMAIN_SURE_NAME and not other_city:
            return Verdict(85, True, tuple(reasons + _city(same_city, other_city)))
        if name >= PHONE_CANDIDATE_NAME or typo(a.name, b.name) or _spelled_by(domain, a.name, b.name):
            return Verdict(70, False, tuple(reasons + _city(same_city, other_city)))
        return None  # one holding's domain, two companies
    shared_people = a.people & b.people
    alike = name >= PERSON_NAME or typo(a.name, b.name)
    if shared_people and alike and _numbers(a.name) == _numbers(b.name):
        reasons += ["same contact " + min(shared_people), f"name {name}"]
        if other_city and name < SIMILAR_NAME:
            return None
        return Verdict(65, False, tuple(reasons + _city(same_city, other_city)))
    same_numbers = _numbers(a.name) == _numbers(b.name)
    if name >= SIMILAR_NAME and same_city and same_numbers:
        return _name_only(a, b, min(70, 50 + (name - SIMILAR_NAME) * 2), [f"name {name}", "same city"])
    region = a.regions & b.regions
    if name >= SIMILAR_NAME and not other_city and region and same_numbers:
        return _name_only(
            a, b, min(60, 46 + (name - SIMILAR_NAME) * 2), [f"name {name}", "same region " + min(region)]
        )
    apart = bool(a.regions and b.regions and not region)
    if name >= RARE_NAME and rare and not other_city and not apart and same_numbers:
        return Verdict(40, False, (f"name {name}", "a name no one else bears"))
    return None


def _name_only(a: Record, b: Record, score: int, reasons: list[str]) -> Verdict:
    """A pair with nothing but a name and a place in common, less likely when each record has
    its own site or phones and none is shared (shared ones are judged before)."""
    if a.domains and b.domains:  # one company, one site: granit1.ru is not granit-voronezh.ru
        reasons.append("different e-mail domains")
        score -= DIFFERENT_DOMAINS
    if a.phones and b.phones:
        reasons.append("different phones")
        score -= DIFFERENT_PHONES
    return Verdict(score, False, tuple(reasons))


def typo(a: str, b: str) -> bool:
    """Names one or two letters apart, weighed by length: one edit in a name of up to eight
    letters ("Квац Плюс" / "Кварц Плюс" counts the words' letters), two in a longer one; the
    numbers in them must agree ("Сигал-12" / "Сигнал-12", never "Аптека 5" / "Аптека 6")."""
    if not a or not b or _numbers(a) != _numbers(b):
        return False
    left, right = a.replace(" ", ""), b.replace(" ", "")
    allowed = 1 if min(len(left), len(right)) <= 8 else 2
    if min(len(left), len(right)) < 4:
        return False
    return Levenshtein.distance(left, right, score_cutoff=allowed) <= allowed


def _spelled_by(domain: str, *names: str) -> bool:
    """A name the company's domain spells: «Кварц Ко» and ``kvartsko.com``."""
    spelled = domain_name(domain)
    return any(fuzz.ratio(name.replace(" ", ""), spelled) >= DOMAIN_NAME for name in names)


def _numbers(name: str) -> set[str]:
    """ "Аптека 5" and "Аптека 6" are two shops: names that differ in a number are two companies
    unless a key says otherwise."""
    return {word for word in name.split() if any(ch.isdigit() for ch in word)}


def _city(same: bool, other: bool) -> list[str]:
    if same:
        return ["same city"]
    if other:
        return ["different city"]
    return []


def person_key(full_name: str) -> str | None:
    """Surname and first name of a contact as typed ("Иванов Иван Петрович" and "Иван Иванов"
    are one key); ``None`` for a single word, which could be anybody. Cheap on purpose: a base
    has a contact or two per client, and the scan keys them all."""
    words = full_name.lower().replace("ё", "е").replace(".", " ").split()
    if len(words) < 2:
        return None
    first, second = words[0], words[1]
    return f"{first} {second}" if first <= second else f"{second} {first}"
