"""The duplicate scan: blocks of likely pairs, names compared inside blocks, rules decide.

Comparing every client with every other is 5 * 10^9 pairs at 100,000 clients. Instead pairs
come only from blocks: clients sharing a valid INN, a phone or an e-mail, and clients sharing
the rarest word of their name, its first letters, or (in one city) the rest of the name: a typo
must hit every one of these to hide a pair. A block larger than its
cap says nothing (a business centre's switchboard, the word "строй") and is skipped. Names in a
block are compared all at once with ``rapidfuzz.process.cdist``. The result depends only on
the set of clients, never on their order.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from itertools import combinations

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlalchemy.orm import Session

from crm_tui.domain.access.capabilities import Capability, Viewer
from crm_tui.domain.access.visibility import clients_within
from crm_tui.domain.duplicates.pairs import Pair
from crm_tui.domain.values.emails import company_domain
from crm_tui.domain.values.folding import fold
from crm_tui.domain.values.regions import region_of_inn, region_of_phone, regions_in_words, regions_of_city
from crm_tui.domain.values.requisites import is_valid_inn
from crm_tui.importers.dedup.names import company_name, domain_name
from crm_tui.importers.dedup.rules import SIMILAR_NAME, Record, judge, name_similarity, person_key
from crm_tui.storage.bulk import fetch_rows
from crm_tui.storage.models import ChannelKind, channels, clients, contacts, not_duplicates

KEY_BLOCK_CAP = 20
"""More clients than this on one phone, e-mail or domain: a switchboard, a shared mailbox, a
holding's domain."""
PERSON_BLOCK_CAP = 4
"""One person at more firms of one name than this is a namesake: "Иванов Александр" is legion."""
NAME_BLOCK_CAP = 400
PREFIX = 5
PARALLEL_BLOCK = 100
SMALL_BLOCK = 12
REST_BLOCK_CAP = 40
"""The rest of a name in one city is a weak key (first name and patronymic of a sole trader)."""
LOAD_CHUNK = 50_000
SWITCHBOARD = 2
"""A phone more clients give than this is a switchboard: it says nothing of where they are."""

Progress = Callable[[str, int, int], None]
"""(stage, done, total)"""


def load_records(session: Session, viewer: Viewer) -> list[Record]:
    """Every client ``viewer`` may review for duplicates, with its keys, in id order.

    ``Record.inn`` is the stored INN, not yet checked: most INNs are unique and never need
    their checksum, so ``find_pairs`` checks only those that can matter.
    """
    c = clients.c
    visible = clients_within(viewer, Capability.REVIEW_DUPLICATES)
    phones: dict[int, set[str]] = defaultdict(set)
    emails: dict[int, set[str]] = defaultdict(set)
    ch = channels.c
    found = fetch_rows(
        session,
        select(ch.client_id, ch.kind, ch.value)
        .join(clients, clients.c.id == ch.client_id)
        .where(visible, ch.kind.in_((ChannelKind.PHONE.value, ChannelKind.EMAIL.value))),
    )
    phone = ChannelKind.PHONE.value
    for client_id, kind, value in found:
        (phones if kind == phone else emails)[client_id].add(value)
    del found
    people: dict[int, set[str]] = defaultdict(set)
    keys: dict[str, str | None] = {}
    for client_id, full_name in fetch_rows(
        session,
        select(contacts.c.client_id, contacts.c.full_name)
        .join(clients, clients.c.id == contacts.c.client_id)
        .where(visible),
    ):
        key = keys[full_name] if full_name in keys else keys.setdefault(full_name, person_key(full_name))
        if key is not None:
            people[client_id].add(key)
    rows = fetch_rows(session, select(c.id, c.name, c.inn, c.kpp, c.city).where(visible).order_by(c.id))
    no_keys: frozenset[str] = frozenset()
    cities: dict[str, str] = {}
    holders = Counter(phone for own in phones.values() for phone in own)
    places = _Places({phone for phone, n in holders.items() if n > SWITCHBOARD})
    records = []
    for client_id, name, inn, kpp, city in rows:
        own_phones = frozenset(phones[client_id]) if client_id in phones else no_keys
        domains = _domains(emails[client_id]) if client_id in emails else no_keys
        records.append(
            Record(
                id=client_id,
                name=company_name(name),
                inn=inn or None,
                kpp=kpp or None,
                city=(cities.get(city) or cities.setdefault(city, fold(city))) if city else None,
                phones=own_phones,
                emails=frozenset(emails[client_id]) if client_id in emails else no_keys,
                domains=domains,
                people=frozenset(people[client_id]) if client_id in people else no_keys,
                regions=places.of(city, inn, own_phones, domains),
            )
        )
    return records


def _domains(emails: set[str]) -> frozenset[str]:
    return frozenset(d for d in map(company_domain, emails) if d is not None)


class _Places:
    """A record's regions, each city and domain read once for the whole scan. A switchboard
    places nobody: a business centre's reception answers for tenants from anywhere."""

    def __init__(self, switchboards: set[str]) -> None:
        self._switchboards = switchboards
        self._cities: dict[str, frozenset[str]] = {}
        self._domains: dict[str, frozenset[str]] = {}
        self._seen: dict[frozenset[str], frozenset[str]] = {}

    def of(
        self, city: str | None, inn: str | None, phones: frozenset[str], domains: frozenset[str]
    ) -> frozenset[str]:
        """A town the table knows is enough (the rules weigh the rest only for a record without
        a city): a base's records mostly have one, and reading every phone's area code and
        every domain cost a quarter of the scan."""
        if city:
            known = self._cities.get(city)
            if known is None:
                known = self._cities[city] = regions_of_city(city)
            if known:
                return known
        found: set[str] = set()
        if inn and (region := region_of_inn(inn)) is not None:
            found.add(region)
        for phone in phones:
            if phone not in self._switchboards and (region := region_of_phone(phone)) is not None:
                found.add(region)
        for domain in domains:
            spelled = self._domains.get(domain)
            if spelled is None:
                spelled = self._domains[domain] = regions_in_words(domain_name(domain, whole=True))
            found |= spelled
        place = frozenset(found)
        return self._seen.setdefault(place, place)  # a hundred thousand records, a few places


class _Inns:
    """INN checksums, computed once per INN and only when asked."""

    def __init__(self) -> None:
        self._valid: dict[str, bool] = {}

    def valid(self, inn: str | None) -> bool:
        if inn is None:
            return False
        known = self._valid.get(inn)
        if known is None:
            known = self._valid[inn] = is_valid_inn(inn)
        return known

    def checked(self, record: Record) -> Record:
        """``record`` as the rules expect it: an invalid INN is no INN."""
        return record if record.inn is None or self.valid(record.inn) else replace(record, inn=None)


def rejected_pairs(session: Session) -> set[tuple[int, int]]:
    return {(a, b) for a, b in session.execute(select(not_duplicates.c.left_id, not_duplicates.c.right_id))}


def find_pairs(
    records: list[Record],
    *,
    min_score: int = 0,
    exclude: Iterable[tuple[int, int]] = (),
    progress: Progress | None = None,
) -> list[Pair]:
    """Duplicate pairs among ``records``, best first (``left < right``)."""
    inns = _Inns()
    candidates: dict[tuple[int, int], float | None] = {}
    shared = _key_blocks(records, candidates, inns)
    families, star = _inn_families(shared, candidates)
    family_of = {record.id: inn for inn, members in shared.items() for record in members}
    _name_blocks(records, candidates, inns, progress, family_of)
    by_id = {r.id: r for r in records}
    bearers = Counter(r.name for r in records)
    skip = set(exclude)
    pairs = [f for f in families if (f.left, f.right) not in skip and f.score >= min_score]
    total = len(candidates)
    for done, ((left, right), similarity) in enumerate(sorted(candidates.items())):
        if (left, right) in skip:
            continue
        inn = family_of.get(left)
        if inn is not None and inn == family_of.get(right) and (left, right) not in star:
            continue  # one INN's records meet through their oldest, or as a family of branches
        a, b = inns.checked(by_id[left]), inns.checked(by_id[right])
        rare = bearers[a.name] + (bearers[b.name] if b.name != a.name else 0) == 2
        verdict = judge(
            a, b, similarity if similarity is not None else name_similarity(a.name, b.name), rare=rare
        )
        if verdict is not None and verdict.score >= min_score:
            pairs.append(Pair(left, right, verdict.score, verdict.sure, verdict.reasons))
        if progress is not None and done % 10_000 == 0:
            progress("judge", done, total)
    pairs.sort(key=lambda p: (-p.score, p.left, p.right))
    return pairs


def _add(candidates: dict[tuple[int, int], float | None], a: int, b: int, score: float | None) -> None:
    key = (a, b) if a < b else (b, a)
    if candidates.get(key) is None:
        candidates[key] = score


def _key_blocks(
    records: list[Record], candidates: dict[tuple[int, int], float | None], inns: _Inns
) -> dict[str, list[Record]]:
    """Pairs that share a phone, an e-mail, a company's e-mail domain or a contact person (a block
    over ``KEY_BLOCK_CAP`` says nothing: a switchboard, a shared mailbox, a holding's domain, a
    common name), and
    the records of every valid INN held by two or more clients (``_inn_families``)."""
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    by_inn: dict[str, list[Record]] = defaultdict(list)
    for r in records:
        if r.inn:
            by_inn[r.inn].append(r)
        for p in r.phones:
            blocks["phone", p].append(r.id)
        for e in r.emails:
            blocks["email", e].append(r.id)
        for d in r.domains:
            blocks["domain", d].append(r.id)
        for person in r.people:  # with the name's first letters: a namesake at another firm is common
            blocks["person", f"{person}|{r.name[:2]}"].append(r.id)
    for (kind, _), ids in blocks.items():
        if 2 <= len(ids) <= (PERSON_BLOCK_CAP if kind == "person" else KEY_BLOCK_CAP):
            for a, b in combinations(ids, 2):
                _add(candidates, a, b, None)
    return {inn: members for inn, members in by_inn.items() if len(members) > 1 and inns.valid(inn)}


def _inn_families(
    shared: dict[str, list[Record]], candidates: dict[tuple[int, int], float | None]
) -> tuple[list[Pair], set[tuple[int, int]]]:
    """Clients that share a valid INN, in time and memory linear in their number.

    One INN is one legal entity. Records with one KPP (or none) are that entity entered twice:
    each is paired with the oldest of them (a star, not every pair: the sure groups come out the
    same, and a thousand copies cost a thousand pairs, not half a million). Records with
    different KPPs are a company and its branches (a retail chain, a bank: thousands of
    branches): they are one family, proposed once, oldest record against the oldest of another
    KPP, for a person to look at; never merged alone. A record without a KPP in a family of
    several KPPs may be any of them: it is one of the family, not a sure copy of a branch.
    Returns the families and the star's pairs (no other pair of one INN is judged).
    """
    families = []
    star: set[tuple[int, int]] = set()
    for members in shared.values():
        by_kpp: dict[str | None, list[Record]] = defaultdict(list)
        for record in members:
            by_kpp[record.kpp].append(record)
        no_kpp = by_kpp.pop(None, [])
        groups = sorted((sorted(g, key=lambda r: r.id) for g in by_kpp.values()), key=lambda g: g[0].id)
        if len(groups) <= 1:
            groups = [sorted([*no_kpp, *(groups[0] if groups else [])], key=lambda r: r.id)]
        elif no_kpp:
            groups.append(sorted(no_kpp, key=lambda r: r.id))
        for group in groups:
            for other in group[1:]:
                _add(candidates, group[0].id, other.id, None)
                star.add((group[0].id, other.id))
        if len(groups) > 1:
            heads = sorted(group[0].id for group in groups)
            families.append(
                Pair(
                    heads[0],
                    heads[1],
                    70,
                    False,
                    ("same INN", "different KPP: branches", f"family {len(members)} {len(by_kpp)}"),
                    family=tuple(sorted(r.id for r in members)),
                )
            )
    return families, star


def _name_blocks(
    records: list[Record],
    candidates: dict[tuple[int, int], float | None],
    inns: _Inns,
    progress: Progress | None,
    family_of: dict[int, str],
) -> None:
    """Pairs with similar names that could be duplicates on their names alone: the same city
    or a city unknown, and no two different valid INNs (pairs that share a key come from
    ``_key_blocks`` whatever their cities, and two records of one INN from ``_inn_families``)."""
    frequency: Counter[str] = Counter()
    split = [r.name.split() for r in records]
    for words in split:
        frequency.update(set(words))
    blocks: dict[str, list[int]] = defaultdict(list)
    rarest: list[list[str]] = []
    for index, words in enumerate(split):
        ranked = sorted(set(words), key=lambda w: (frequency[w], w))
        rarest.append(ranked)
        if not ranked:
            continue
        rare = ranked[0]
        blocks["w:" + rare].append(index)
        if len(rare) >= 4 and rare.isalpha():  # a typo in the rarest word: its first letters meet
            blocks["p:" + (rare[:PREFIX] if len(rare) > PREFIX else rare[:-1])].append(index)
        # A typo in one of the two rarest words (it may make that word the rarest of one name and
        # not of the other): the rest of the name, in town.
        for left_out in ranked[:2] if len(ranked) >= 2 else ():
            rest = " ".join(sorted(w for w in ranked if w != left_out))
            blocks[f"r:{rest}|{records[index].city}"].append(index)
    # A word shared by too many names ("строй", a surname) says little alone: such a block is
    # split by the two rarest words and the city, which a name-only duplicate must share.
    for key in [k for k, b in blocks.items() if k.startswith("w:") and len(b) > NAME_BLOCK_CAP]:
        for index in blocks[key]:
            ranked = rarest[index]
            blocks[f"s:{' '.join(ranked[:2])}|{records[index].city}"].append(index)
    cutoff = SIMILAR_NAME - 1
    sized = [
        b
        for k, b in blocks.items()
        if 2 <= len(b) <= (REST_BLOCK_CAP if k.startswith("r:") else NAME_BLOCK_CAP)
    ]
    for done, block in enumerate(sized):
        for members in _by_city(records[i] for i in block):
            for a, b, score in _similar(members, cutoff):
                if a.inn and b.inn and a.inn != b.inn and inns.valid(a.inn) and inns.valid(b.inn):
                    continue
                if a.id in family_of and family_of[a.id] == family_of.get(b.id):
                    continue
                _add(candidates, a.id, b.id, score)
        if progress is not None and done % 1000 == 0:
            progress("names", done, len(sized))


def _by_city(members: Iterable[Record]) -> Iterator[list[Record]]:
    """A block split by city: a name-only pair must be in one city, or have a city unknown."""
    cities: dict[str | None, list[Record]] = defaultdict(list)
    for record in members:
        cities[record.city].append(record)
    unknown = cities.pop(None, [])
    if not cities:
        yield unknown
    for group in cities.values():
        yield group + unknown


def _similar(members: list[Record], cutoff: int) -> Iterator[tuple[Record, Record, float]]:
    """Pairs of ``members`` whose names score ``cutoff`` or more. ``cdist`` compares a block in
    C, but setting it up costs a quarter of a millisecond: small blocks are cheaper one by one."""
    if len(members) <= SMALL_BLOCK:
        for a, b in combinations(members, 2):
            score = fuzz.token_sort_ratio(a.name, b.name, score_cutoff=cutoff)
            if score:
                yield a, b, score
        return
    names = [r.name for r in members]
    matrix = process.cdist(
        names,
        names,
        scorer=fuzz.token_sort_ratio,
        score_cutoff=cutoff,
        dtype=np.uint8,
        workers=-1 if len(names) > PARALLEL_BLOCK else 1,  # threads cost more than small blocks
    )
    rows, cols = np.nonzero(np.triu(matrix, 1))
    for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
        yield members[i], members[j], float(matrix[i, j])


def sure_clusters(pairs: list[Pair], records: Iterable[Record]) -> list[list[int]]:
    """Groups of clients joined by sure pairs, each to be merged into its oldest (lowest id).

    Pairs are taken best first; one that would put two certainly different legal entities
    (different valid INNs) into one group is left for a person.
    """
    inn = {r.id: r.inn for r in records}
    parent: dict[int, int] = {}
    inns: dict[int, set[str]] = {}

    def root(x: int) -> int:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for pair in pairs:
        if not pair.sure:
            continue
        a, b = root(pair.left), root(pair.right)
        if a == b:
            continue
        group_inns = inns.get(a, {i for i in [inn.get(pair.left)] if i}) | inns.get(
            b, {i for i in [inn.get(pair.right)] if i}
        )
        if len(group_inns) > 1:
            continue
        low, high = min(a, b), max(a, b)
        parent[high] = low
        inns[low] = group_inns
    groups: dict[int, list[int]] = defaultdict(list)
    for x in list(parent):
        groups[root(x)].append(x)
    return sorted(sorted(g) for g in groups.values() if len(g) > 1)
