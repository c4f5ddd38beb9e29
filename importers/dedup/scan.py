"""The duplicate scan: blocks of likely pairs, names compared inside blocks, rules decide.

Comparing every client with every other is 5 * 10^9 pairs at 100,000 clients. Instead pairs
come only from blocks: clients sharing a valid INN, a phone or an e-mail, and clients sharing
the rarest word of their name (or its first five letters, for typos). A block larger than its
cap says nothing (a business centre's switchboard, the word "строй") and is skipped. Names in a
block are compared all at once with ``rapidfuzz.process.cdist``. The result depends only on
the set of clients, never on their order.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process
from sqlalchemy import select
from sqlmodel import Session

from crm_tui.domain.access import Viewer, visible_clients
from crm_tui.domain.folding import fold
from crm_tui.domain.requisites import is_valid_inn
from importers.dedup.names import company_name
from importers.dedup.rules import SIMILAR_NAME, Record, judge, name_similarity
from storage.models import ChannelKind, channels, clients, not_duplicates

KEY_BLOCK_CAP = 20
"""More clients than this on one phone or e-mail: a switchboard or a shared mailbox."""
NAME_BLOCK_CAP = 400
PREFIX = 5
LOAD_CHUNK = 50_000

Progress = Callable[[str, int, int], None]
"""(stage, done, total)"""


@dataclass(frozen=True)
class Pair:
    left: int
    right: int
    score: int
    sure: bool
    reasons: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {
            "left": self.left,
            "right": self.right,
            "score": self.score,
            "sure": self.sure,
            "reasons": list(self.reasons),
        }


def load_records(session: Session, viewer: Viewer) -> list[Record]:
    """Every client ``viewer`` may see, with its keys, in id order."""
    c = clients.c
    visible = visible_clients(viewer)
    phones: dict[int, set[str]] = defaultdict(set)
    emails: dict[int, set[str]] = defaultdict(set)
    ch = channels.c
    found = session.execute(
        select(ch.client_id, ch.kind, ch.value)
        .join(clients, clients.c.id == ch.client_id)
        .where(visible, ch.kind.in_((ChannelKind.PHONE.value, ChannelKind.EMAIL.value)))
    )
    phone = ChannelKind.PHONE.value
    for client_id, kind, value in found:
        (phones if kind == phone else emails)[client_id].add(value)
    records = []
    rows = session.execute(select(c.id, c.name, c.inn, c.kpp, c.city).where(visible).order_by(c.id))
    for client_id, name, inn, kpp, city in rows:
        records.append(
            Record(
                id=client_id,
                name=company_name(name),
                inn=inn if inn and is_valid_inn(inn) else None,
                kpp=kpp or None,
                city=fold(city) if city else None,
                phones=frozenset(phones.get(client_id, ())),
                emails=frozenset(emails.get(client_id, ())),
            )
        )
    return records


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
    candidates: dict[tuple[int, int], float | None] = {}
    _key_blocks(records, candidates)
    _name_blocks(records, candidates, progress)
    by_id = {r.id: r for r in records}
    skip = set(exclude)
    pairs = []
    total = len(candidates)
    for done, ((left, right), similarity) in enumerate(sorted(candidates.items())):
        if (left, right) in skip:
            continue
        a, b = by_id[left], by_id[right]
        verdict = judge(a, b, similarity if similarity is not None else name_similarity(a.name, b.name))
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


def _key_blocks(records: list[Record], candidates: dict[tuple[int, int], float | None]) -> None:
    blocks: dict[tuple[str, str], list[int]] = defaultdict(list)
    for r in records:
        if r.inn:
            blocks["inn", r.inn].append(r.id)
        for p in r.phones:
            blocks["phone", p].append(r.id)
        for e in r.emails:
            blocks["email", e].append(r.id)
    for (kind, _), ids in blocks.items():
        if len(ids) < 2 or (kind != "inn" and len(ids) > KEY_BLOCK_CAP):
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                _add(candidates, a, b, None)


def _name_blocks(
    records: list[Record], candidates: dict[tuple[int, int], float | None], progress: Progress | None
) -> None:
    frequency: Counter[str] = Counter()
    split = [r.name.split() for r in records]
    for words in split:
        frequency.update(set(words))
    blocks: dict[str, list[int]] = defaultdict(list)
    for index, words in enumerate(split):
        if not words:
            continue
        rare = min(words, key=lambda w: (frequency[w], w))
        blocks["w:" + rare].append(index)
        if len(rare) > PREFIX:
            blocks["p:" + rare[:PREFIX]].append(index)
    cutoff = SIMILAR_NAME - 1
    sized = [b for b in blocks.values() if 2 <= len(b) <= NAME_BLOCK_CAP]
    for done, block in enumerate(sized):
        names = [records[i].name for i in block]
        matrix = process.cdist(
            names, names, scorer=fuzz.token_sort_ratio, score_cutoff=cutoff, dtype=np.uint8
        )
        rows, cols = np.nonzero(np.triu(matrix, 1))
        for i, j in zip(rows.tolist(), cols.tolist(), strict=True):
            _add(candidates, records[block[i]].id, records[block[j]].id, float(matrix[i, j]))
        if progress is not None and done % 1000 == 0:
            progress("names", done, len(sized))


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
