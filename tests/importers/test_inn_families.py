"""Clients sharing one INN (issue 29): copies of one record are paired through their oldest, in
pairs linear in their number; branches with their own KPPs are one family proposed once, never
a quadratic list of pairs and never merged alone."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from typing import Any

from rich.console import Console

from crm_tui import i18n
from crm_tui.domain.clients.card import load_card
from crm_tui.domain.clients.records import ClientDraft, create_client
from crm_tui.domain.duplicates.reasons import reasons_text
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.dedup.rules import Record
from crm_tui.importers.dedup.scan import find_pairs, sure_clusters
from crm_tui.screens.card.sections import requisites_view
from tests.seed import FROZEN_NOW, Seeded, valid_inn

BANK = valid_inn("770708389")  # the seeded «Ромашка»'s
OTHER = valid_inn("771234567")


def record(i: int, name: str = "Сбербанк", **kw: Any) -> Record:
    values: dict[str, Any] = {
        "inn": BANK,
        "kpp": None,
        "city": "москва",
        "phones": frozenset(),
        "emails": frozenset(),
    }
    values.update(kw)
    return Record(id=i, name=name, **values)


def kpp(n: int) -> str:
    return f"77{n:07d}"


def test_two_thousand_branches_are_one_family_and_nothing_is_sure() -> None:
    branches = [record(i, kpp=kpp(i)) for i in range(1, 2001)]
    others = [record(5000 + i, f"Ромашка {i}", inn=None) for i in range(200)]
    tracemalloc.start()
    pairs = find_pairs(branches + others)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    families = [p for p in pairs if p.family]
    assert len(families) == 1
    family = families[0]
    assert (family.left, family.right, family.sure) == (1, 2, False)
    assert family.family == tuple(range(1, 2001))
    assert family.reasons == ("same INN", "different KPP: branches", "family 2000 2000")
    assert not any(set(p.family or (p.left, p.right)) & set(range(1, 2001)) for p in pairs if p is not family)
    assert sure_clusters(pairs, branches + others) == []
    assert peak < 50_000_000  # the 2,000,000 pairs of old needed over a gigabyte


def test_copies_of_one_record_are_paired_through_the_oldest_and_merge_as_one_group() -> None:
    copies = [record(i, kpp="770101001") for i in range(10, 1010)]
    pairs = find_pairs(copies)
    assert len(pairs) == 999 and all(p.sure and p.left == 10 for p in pairs)
    assert sure_clusters(pairs, copies) == [list(range(10, 1010))]


def test_a_record_without_kpp_joins_a_single_kpp_but_not_a_family_of_branches() -> None:
    single = [record(1, kpp="770101001"), record(2), record(3, kpp="770101001")]
    assert sure_clusters(find_pairs(single), single) == [[1, 2, 3]]

    mixed = [
        record(1, kpp="770101001"), record(2, kpp="770101001"), record(3, kpp="770201001"),
        record(4, kpp="770201001"), record(5), record(6), record(7, "Вектор", inn=OTHER),
    ]  # fmt: skip
    pairs = find_pairs(mixed)
    assert sure_clusters(pairs, mixed) == [[1, 2], [3, 4], [5, 6]]
    families = [p for p in pairs if p.family]
    assert [(p.left, p.right, p.family) for p in families] == [(1, 3, (1, 2, 3, 4, 5, 6))]
    assert families[0].reasons[-1] == "family 6 2"


def test_a_family_marked_as_not_duplicates_is_not_proposed_again() -> None:
    branches = [record(i, kpp=kpp(i)) for i in range(1, 50)]
    assert any(p.family for p in find_pairs(branches))
    assert find_pairs(branches, exclude={(1, 2)}) == []


def test_a_shared_phone_or_mailbox_between_branches_adds_no_pair() -> None:
    switchboard = frozenset({"+74957770000"})
    branches = [record(i, kpp=kpp(i), phones=switchboard) for i in range(1, 6)]
    pairs = find_pairs(branches)
    assert [(p.left, p.right) for p in pairs] == [(1, 2)] and pairs[0].family == (1, 2, 3, 4, 5)


def test_the_family_reads_in_words() -> None:
    reasons = ("same INN", "different KPP: branches", "family 2000 1998")
    assert reasons_text(reasons) == "same INN, different KPP: branches, 2000 clients of one INN, 1998 KPPs"
    before = i18n.current_locale()
    i18n.set_locale("ru")
    try:
        assert reasons_text(reasons) == "тот же ИНН, разные КПП: филиалы, 2000 клиентов с одним ИНН, 1998 КПП"
    finally:
        i18n.set_locale(before)


def test_the_card_says_how_many_more_clients_the_viewer_sees_with_its_inn(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    admin = workspace_for("admin")
    with admin.write() as session:
        for kpp_, owner in (("771001001", "ivanova"), ("481001001", "petrov")):
            draft = ClientDraft("Ромашка филиал", inn=BANK, kpp=kpp_, owner_id=seeded.users[owner])
            create_client(session, admin.viewer, draft, FROZEN_NOW)
    romashka = seeded.clients["romashka"]
    with admin.read() as session:
        assert load_card(session, admin.viewer, romashka).same_inn == 2
    ivanova = workspace_for("ivanova")  # Петров's branch in Липецк is not hers to see
    with ivanova.read() as session:
        card = load_card(session, ivanova.viewer, romashka)
    assert card.same_inn == 1
    shown = Console(width=100, record=True)
    shown.print(requisites_view(card))
    assert "1 more client has this INN: a branch (another KPP) or a copy" in shown.export_text()
