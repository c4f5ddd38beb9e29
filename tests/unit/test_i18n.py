"""The interface's languages: catalogues, plural forms, and which language a process speaks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from crm_tui import i18n
from crm_tui.config import load_settings
from crm_tui.i18n import _, counted
from tools import catalogue


@pytest.fixture
def russian() -> Iterator[None]:
    before = i18n.current_locale()
    i18n.set_locale("ru")
    yield
    i18n.set_locale(before)


def test_the_shipped_catalogue_is_compiled_from_its_po_and_knows_every_msgid_of_the_code() -> None:
    assert catalogue.problems() == []


@pytest.mark.parametrize(
    ("count", "said"),
    [
        (0, "0 клиентов на этой странице"),
        (1, "1 клиент на этой странице"),
        (2, "2 клиента на этой странице"),
        (5, "5 клиентов на этой странице"),
        (11, "11 клиентов на этой странице"),
        (21, "21 клиент на этой странице"),
        (22, "22 клиента на этой странице"),
        (25, "25 клиентов на этой странице"),
        (111, "111 клиентов на этой странице"),
        (12_345, "12\u00a0345 клиентов на этой странице"),
    ],
)
def test_russian_has_three_plural_forms(russian: None, count: int, said: str) -> None:
    assert counted(count, "{count} client on this page", "{count} clients on this page") == said


@pytest.mark.parametrize(
    ("count", "said"), [(0, "0 clients"), (1, "1 client"), (2, "2 clients"), (21, "21 clients")]
)
def test_english_has_two(count: int, said: str) -> None:
    assert counted(count, "{count} client", "{count} clients") == said


def test_a_string_is_translated_when_it_is_shown_not_when_it_was_defined(russian: None) -> None:
    defined = i18n.N_("{count} client on this page")
    assert defined == "{count} client on this page"
    assert _(defined) != defined
    i18n.set_locale("en")
    assert _(defined) == defined


@pytest.mark.parametrize(
    ("env", "language"),
    [
        ({"LANG": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "ru_RU.UTF-8"}, "ru"),
        ({"LANG": "ru_RU.UTF-8", "LC_ALL": "C"}, "en"),
        ({"LANG": "de_DE.UTF-8"}, "en"),
        ({"LANG": "ru_RU.UTF-8", "CRM_LOCALE": "en"}, "en"),
        ({}, "en"),
    ],
)
def test_the_language_follows_crm_locale_then_the_process_locale(
    env: dict[str, str], language: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("LANG", "LC_ALL", "LC_MESSAGES", "CRM_LOCALE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))  # no settings file there
    assert load_settings().locale == language


def test_the_settings_file_wins_over_the_process_locale(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("LANG", "ru_RU.UTF-8")
    path = tmp_path / "config.toml"
    path.write_text('locale = "en"\n', encoding="utf-8")
    assert load_settings(config=str(path)).locale == "en"


def test_a_word_with_two_meanings_has_a_translation_per_context(russian: None) -> None:
    """ "Lost" is a segment and a stage: the catalogue files name each with its context."""
    assert i18n.pgettext("segment", "Lost") != i18n.pgettext("stage", "Lost")
    assert i18n.in_language("en", "Lost", context="stage") == "Lost"
    names = {catalogue.key(m) for m in catalogue.read("ru") if m.id == "Lost"}
    assert {"segment | Lost", "stage | Lost"} <= names


def test_the_duplicate_scans_reasons_read_in_russian_and_stay_as_stored_in_english(russian: None) -> None:
    from crm_tui.domain.duplicates.reasons import reasons_text

    stored = (
        "same INN",
        "name 87",
        "same phone +74951112233",
        "different city",
        "a reason of a newer release",
    )
    assert reasons_text(stored) == (
        "тот же ИНН, сходство названий 87%, тот же телефон +74951112233, разные города, "
        "a reason of a newer release"
    )
    i18n.set_locale("en")
    assert reasons_text(stored) == ", ".join(stored)


def test_the_audit_reads_in_russian(russian: None) -> None:
    from datetime import UTC, datetime

    from crm_tui.domain.audit.trail import AuditLine, describe_changes

    line = AuditLine(
        1, datetime(2026, 12, 1, tzinfo=UTC), "admin", "client", 7, "owner_changed", {"owner": ["А", "Б"]}
    )
    assert describe_changes(line, 200) == "клиент: смена ответственного (ответственный: А → Б)"
    i18n.set_locale("en")
    assert describe_changes(line, 200) == "client owner changed (owner: А → Б)"


def test_a_sign_ins_audit_row_reads_in_russian_codes_and_all(russian: None) -> None:
    """The reviewer read «пользователь: вход (адрес: 127.0.0.1; via: browser)» and «роль: manager»."""
    from datetime import UTC, datetime

    from crm_tui.domain.audit.trail import AuditLine, describe_changes

    at = datetime(2026, 12, 1, tzinfo=UTC)
    sign_in = AuditLine(1, at, "ivanova", "user", 3, "sign_in", {"address": "127.0.0.1", "via": "browser"})
    refused = AuditLine(
        2, at, "ivanova", "user", 3, "sign_in_failed", {"why": "wrong_password", "attempt": 2}
    )
    role = AuditLine(3, at, "admin", "user", 3, "update", {"role": ["manager", "accountant"], "by": "admin"})
    assert describe_changes(sign_in, 200) == "пользователь: вход (адрес: 127.0.0.1; через: браузер)"
    assert "причина: неверный пароль; попытка: 2" in describe_changes(refused, 200)
    assert "роль: менеджер → бухгалтер; кем: admin" in describe_changes(role, 200)


def test_every_task_origin_in_the_audit_reads_in_russian_words(russian: None) -> None:
    """«задача: создание (источник: campaign_reply)»: a task's origin is a code, with the record it
    came from after a colon; every origin the system writes reads in words, its number kept."""
    from datetime import UTC, datetime

    from crm_tui.domain.audit.trail import AuditLine, describe_changes
    from crm_tui.domain.deals.moves import LOST_ORIGIN, PLAYBOOK_ORIGIN
    from crm_tui.domain.documents.payments import PAID_ORIGIN
    from crm_tui.domain.interactions.calls import CALLBACK_ORIGIN
    from crm_tui.domain.leads.records import ANSWER_ORIGIN, ESCALATION_ORIGIN
    from crm_tui.scheduling.contact_rules import ORIGIN_PREFIX
    from crm_tui.scheduling.deal_reactions import IDLE, STUCK

    at = datetime(2026, 12, 1, tzinfo=UTC)
    prefixes = (LOST_ORIGIN, PLAYBOOK_ORIGIN, PAID_ORIGIN, CALLBACK_ORIGIN, ANSWER_ORIGIN, ESCALATION_ORIGIN,
                IDLE, STUCK, "campaign:")  # fmt: skip
    codes = ["campaign_reply", f"{ORIGIN_PREFIX}lost", *(f"{p}12" for p in prefixes), IDLE[:-1], STUCK[:-1]]
    shown = {}
    for code in codes:
        line = AuditLine(1, at, "admin", "task", 7, "create", {"title": "Позвонить", "origin": code})
        shown[code] = describe_changes(line, 300)
        assert re.fullmatch(r"[^A-Za-z]+", shown[code]), shown[code]
        if code.endswith("12"):
            assert "12" in shown[code], shown[code]
    assert "«Потерянный»" in shown[f"{ORIGIN_PREFIX}lost"]
    assert len(set(shown.values())) == len(codes)
    i18n.set_locale("en")
    english = AuditLine(1, at, "admin", "task", 7, "create", {"origin": "lead:5"})
    assert describe_changes(english, 200) == "task create (origin: request 5)"
    unknown = AuditLine(1, at, "admin", "task", 7, "create", {"origin": "newer:5"})
    assert describe_changes(unknown, 200) == "task create (origin: newer:5)"
