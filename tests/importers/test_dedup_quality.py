"""What the duplicate review proposes (issue 27): a company's own e-mail domain is evidence and a
public mailbox service's is not; Latin names meet their Cyrillic spelling; a name one or two
letters off counts where a key is shared; a name alone with no city in common is not proposed; a
contact person both records name counts; one INN in two cities waits for a person."""

from __future__ import annotations

from typing import Any

import pytest

from crm_tui.domain.duplicates.threshold import DEFAULT_THRESHOLD
from crm_tui.domain.values.emails import company_domain
from crm_tui.importers.dedup.names import company_name, domain_name
from crm_tui.importers.dedup.rules import Record, judge, person_key, typo
from crm_tui.importers.dedup.scan import find_pairs


def record(i: int, name: str, *, emails: tuple[str, ...] = (), **kw: Any) -> Record:
    values: dict[str, Any] = {
        "inn": None,
        "kpp": None,
        "city": None,
        "phones": frozenset(),
        "people": frozenset(),
    }
    values.update(kw)
    domains = frozenset(d for d in map(company_domain, emails) if d)
    return Record(i, company_name(name), emails=frozenset(emails), domains=domains, **values)


def found(*records: Record) -> dict[tuple[int, int], bool]:
    """The pairs the scan proposes, and whether each is sure."""
    return {(p.left, p.right): p.sure for p in find_pairs(list(records))}


@pytest.mark.parametrize(
    ("latin", "cyrillic"),
    [
        ("Energiya", "Энергия"), ("Kholding", "Холдинг"), ("Servis", "Сервис"), ("Treyd", "Трейд"),
        ("Grupp", "Групп"), ("Tsentr", "Центр"), ("Stroyresurs Servis", "Стройресурс сервис"),
        ("Kvarts Ko", "Кварц Ко"), ("Novyy Mir", "Новый мир"), ("Yug-Treyd", "Юг-Трейд"),
        ("Zhemchuzhina", "Жемчужина"), ("Sibir Energiya", "Сибирь Энергия"),
    ],
)  # fmt: skip
def test_a_latin_name_meets_its_cyrillic_spelling(latin: str, cyrillic: str) -> None:
    assert judge(record(1, latin), record(2, cyrillic, city="москва")) is None  # no key: a name alone
    left, right = company_name(latin), company_name(cyrillic)
    assert left.replace("ь", "") == right.replace("ь", ""), (left, right)


def test_a_company_domain_with_a_typo_in_the_name_is_found_and_a_public_one_says_nothing() -> None:
    pairs = found(
        record(1, "Техновектор 12", emails=("petrova@tekhnovektor12.ru",), city="москва"),
        record(2, "ООО Техновектр 12", emails=("snab@tekhnovektor12.ru",)),
        record(3, "Ромашка", emails=("romashka77@mail.ru",), city="москва"),
        record(4, "Ромашкино", emails=("romashkino@mail.ru",), city="москва"),
    )
    assert pairs == {(1, 2): True}


def test_a_short_name_one_letter_off_with_a_shared_domain_or_phone_is_proposed_numbers_still_part() -> None:
    pairs = found(
        record(1, "Квац Плюс", emails=("info@kvarcplus.ru",), city="тверь"),
        record(2, "Кварц Плюс", emails=("zakaz@kvarcplus.ru",), city="тверь"),
        record(3, "Сигал-12", phones=frozenset({"+74951230000"}), city="казань"),
        record(4, "Сигнал-12", phones=frozenset({"+74951230000"})),
        record(5, "Аптека 5", emails=("a5@apteki-nord.ru",), city="липецк"),
        record(6, "Аптека 6", emails=("a6@apteki-nord.ru",), city="липецк"),
    )
    assert set(pairs) == {(1, 2), (3, 4)}
    assert typo("сигал 12", "сигнал 12") and not typo("аптека 5", "аптека 6")
    assert not typo("кот", "код")  # three letters: one edit is a third of the name


def test_a_name_the_domain_spells_is_evidence_but_a_holding_s_domain_with_other_names_is_not() -> None:
    assert domain_name("kvartsko.com") == "кварцко"
    pairs = found(
        record(1, "Кварц Ко", emails=("info@kvartsko.com",), city="москва"),
        record(2, "КК Снабжение", emails=("snab@kvartsko.com",), city="москва"),
        record(3, "Альфа Строй", emails=("a@gk-alfa.ru",), city="москва"),
        record(4, "Альфа Логистика", emails=("b@gk-alfa.ru",), city="москва"),
    )
    assert pairs == {(1, 2): False}


def test_a_name_alone_needs_a_city_in_common_or_a_name_no_one_else_bears() -> None:
    pairs = found(
        record(1, "Техсервис", city="москва"),
        record(2, "Техсервис", city="казань"),
        record(3, "Техсервис"),
        record(4, "Техсервис", city="москва"),
        record(5, "Зенит Плюс", city="тверь"),
        record(6, "ООО Зенит Плюс"),
    )
    assert pairs == {(1, 4): False, (5, 6): False}
    ranked = find_pairs([record(1, "Техсервис", city="москва"), record(4, "Техсервис", city="москва"),
                         record(5, "Зенит Плюс", city="тверь"), record(6, "Зенит Плюс")])  # fmt: skip
    assert [(p.left, p.right, p.score) for p in ranked] == [(1, 4, 70), (5, 6, 40)]


def test_the_new_reasons_read_in_words() -> None:
    from crm_tui import i18n
    from crm_tui.domain.duplicates.reasons import reasons_text

    reasons = ("same domain kvartsko.com", "name 96", "a name no one else bears")
    assert reasons_text(reasons) == "same e-mail domain kvartsko.com, name 96, a name no one else bears"
    before = i18n.current_locale()
    i18n.set_locale("ru")
    try:
        assert (
            reasons_text(reasons)
            == "тот же домен почты kvartsko.com, сходство названий 96%, такого названия больше ни у кого"
        )
    finally:
        i18n.set_locale(before)


def test_one_inn_in_two_cities_with_a_kpp_unknown_is_a_look_not_a_merge() -> None:
    """A head office in Москва and its branch in Борисоглебск, one file giving no KPP: the
    branch merged into the head would lose a client; a head decides."""
    inn = "7707083893"
    head, branch = record(1, "Тандем", inn=inn, city="москва"), record(2, "Тандем", inn=inn, kpp="772605001",
                                                                     city="борисоглебск")  # fmt: skip
    verdict = judge(head, branch)
    assert verdict is not None and not verdict.sure and "different city: a branch?" in verdict.reasons
    same = judge(head, record(3, "ООО Тандем", inn=inn, city="москва"))
    assert same is not None and same.sure
    unknown = judge(head, record(4, "Тандем", inn=inn))
    assert unknown is not None and unknown.sure


def test_the_same_contact_person_at_two_clients_of_one_name_is_a_pair_a_namesake_alone_is_not() -> None:
    suvorova = frozenset({person_key("Суворова Яна")})
    assert person_key("Яна Суворова") == person_key("СУВОРОВА Яна Игоревна") == "суворова яна"
    assert person_key("Яна") is None
    pairs = found(
        record(1, "ООО «Прогресс»", inn="3624680137", people=suvorova),
        record(2, "Прогресс", city="воронеж", people=suvorova),
        record(3, "Ромашка", city="воронеж", people=suvorova),  # her other employer, another company
        record(4, "Монолит", city="тверь", people=frozenset({person_key("Иванов Александр")})),
        record(5, "Монолит", city="казань", people=frozenset({person_key("Иванов Александр")})),
    )
    assert pairs == {(1, 2): False, (4, 5): False}


def test_a_common_name_in_one_town_ranks_below_when_its_own_keys_disagree() -> None:
    """Two «Гранит» in Воронеж at two domains are two companies; with nothing to compare they
    might be one; phones that differ weigh less (a firm has several)."""
    plain = judge(record(1, "Гранит", city="воронеж"), record(2, "Гранит", city="воронеж"))
    phones = judge(record(1, "Гранит", city="воронеж", phones=frozenset({"+74730000001"})),
                   record(2, "Гранит", city="воронеж", phones=frozenset({"+74730000002"})))  # fmt: skip
    sites = judge(record(1, "Гранит", emails=("a@granit1.ru",), city="воронеж"),
                  record(2, "Гранит", emails=("b@granit-voronezh.ru",), city="воронеж"))  # fmt: skip
    assert plain is not None and phones is not None and sites is not None
    assert plain.score > phones.score > sites.score >= 0
    assert sites.score < DEFAULT_THRESHOLD <= phones.score
