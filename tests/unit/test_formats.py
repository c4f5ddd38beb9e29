"""Dates, times and money as a person reads them, in Russian and in English; and the names of the
codes the base stores (segments, statuses, kinds, roles, channels) in the language in force."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from crm_tui import i18n
from crm_tui.domain.captions import (
    ACTIVITY_KIND_NAMES,
    CHANNEL_NAMES,
    CLIENT_STATUS_NAMES,
    DEAL_STATUS_NAMES,
    FIELD_KIND_NAMES,
    ROLE_NAMES,
    SEGMENT_NAMES,
    TASK_STATUS_NAMES,
    Captions,
)
from crm_tui.domain.values.formatting import (
    day_time,
    long_date,
    money,
    money_figure,
    money_figures,
    month_of_year,
    plain_quantity,
    quantity,
    relative_day,
    weekday,
    year_month,
)
from crm_tui.storage.models import Segment
from tests.seed import FROZEN_NOW, MOSCOW

NNBSP = "\u202f"
TODAY = FROZEN_NOW.astimezone(MOSCOW).date()  # Friday 20 November 2026; 12:30 in Moscow


@pytest.fixture(params=["ru", "en"])
def language(request: pytest.FixtureRequest) -> Iterator[str]:
    before = i18n.current_locale()
    i18n.set_locale(request.param)
    with i18n.missing_translations() as missing:
        yield str(request.param)
    i18n.set_locale(before)
    assert not missing, f"untranslated: {sorted(missing)}"


@pytest.fixture
def russian() -> Iterator[None]:
    before = i18n.current_locale()
    i18n.set_locale("ru")
    yield
    i18n.set_locale(before)


def said(language: str, ru: str, en: str) -> str:
    return ru if language == "ru" else en


@pytest.mark.parametrize(
    ("milli", "ru", "en"),
    [(10_000, "10", "10"), (20_000, "20", "20"), (100_000, "100", "100"), (2_500, "2,5", "2.5"),
     (125, "0,125", "0.125"), (1_000_000, "1000", "1000")],
)  # fmt: skip
def test_a_quantity_keeps_its_zeros_and_the_languages_decimal_mark(
    language: str, milli: int, ru: str, en: str
) -> None:
    assert quantity(milli) == said(language, ru, en)
    assert plain_quantity(milli) == en


def test_a_date_in_words_puts_the_month_in_the_genitive(language: str) -> None:
    assert long_date(date(2026, 12, 5)) == said(language, "5 декабря 2026", "5 December 2026")
    assert long_date(date(2027, 1, 1)) == said(language, "1 января 2027", "1 January 2027")


def test_every_month_in_the_genitive_in_russian(russian: None) -> None:
    months = [long_date(date(2026, m, 1)).split()[1] for m in range(1, 13)]
    assert months == [
        "января", "февраля", "марта", "апреля", "мая", "июня",
        "июля", "августа", "сентября", "октября", "ноября", "декабря",
    ]  # fmt: skip


def test_a_month_on_its_own_is_in_the_nominative(language: str) -> None:
    assert month_of_year(2026, 12) == said(language, "декабрь 2026", "December 2026")
    assert year_month("2026-05") == said(language, "май 2026", "May 2026")
    assert year_month("none") == "none"


def test_weekdays(language: str) -> None:
    assert weekday(TODAY) == said(language, "пт", "Fri")
    assert weekday(TODAY + timedelta(days=3), short=False) == said(language, "понедельник", "Monday")


@pytest.mark.parametrize(
    ("moment", "ru", "en"),
    [
        (FROZEN_NOW + timedelta(hours=3), "сегодня 15:30", "today 15:30"),
        (FROZEN_NOW - timedelta(hours=20), "вчера 16:30", "yesterday 16:30"),
        (FROZEN_NOW + timedelta(days=1, hours=-3, minutes=-30), "завтра 09:00", "tomorrow 09:00"),
        # 22:00 UTC on the 19th is already the 20th in Moscow: the user's day, not UTC's
        (datetime(2026, 11, 19, 22, 0, tzinfo=UTC), "сегодня 01:00", "today 01:00"),
        (FROZEN_NOW - timedelta(days=2, hours=3), "18.11 09:30", "18.11 09:30"),
        (datetime(2026, 12, 5, 7, 0, tzinfo=UTC), "05.12 10:00", "05.12 10:00"),
        (datetime(2025, 12, 5, 7, 0, tzinfo=UTC), "05.12.2025 10:00", "05.12.2025 10:00"),
    ],
)
def test_when_reads_today_yesterday_tomorrow_in_the_users_time_zone(
    language: str, moment: datetime, ru: str, en: str
) -> None:
    assert day_time(moment, FROZEN_NOW, MOSCOW) == said(language, ru, en)


def test_a_day_relative_to_today(language: str) -> None:
    assert relative_day(TODAY, TODAY) == said(language, "сегодня", "today")
    assert relative_day(TODAY - timedelta(days=1), TODAY) == said(language, "вчера", "yesterday")
    assert relative_day(TODAY + timedelta(days=1), TODAY) == said(language, "завтра", "tomorrow")
    assert relative_day(date(2026, 12, 5), TODAY) == said(language, "5 декабря 2026", "5 December 2026")


def test_money_in_rubles_with_kopecks_in_the_languages_decimal_mark(language: str) -> None:
    assert money(120_000_000) == f"1{NNBSP}200{NNBSP}000 ₽"
    mark = said(language, ",", ".")
    assert money(120_000_050, with_kopecks=True) == f"1{NNBSP}200{NNBSP}000{mark}50 ₽"
    assert money(-5_050, with_kopecks=True) == f"-50{mark}50 ₽"
    assert money(7, with_kopecks=True) == f"0{mark}07 ₽"


def test_a_reports_money_keeps_the_kopecks_it_has(language: str) -> None:
    """A figure alone: its kopecks when it has some, whole rubles when not; figures read together
    (a column): all with kopecks when any has them."""
    mark = said(language, ",", ".")
    assert money_figure(145_997_850) == f"1{NNBSP}459{NNBSP}978{mark}50 ₽"
    assert money_figure(10_000_000) == f"100{NNBSP}000 ₽"
    assert money_figure(-5) == f"-0{mark}05 ₽"
    assert money_figures([10_000_000, 5_050]) == [f"100{NNBSP}000{mark}00 ₽", f"50{mark}50 ₽"]
    assert money_figures([10_000_000, 5_000]) == [f"100{NNBSP}000 ₽", "50 ₽"]


def test_month_names_do_not_slow_down_crm_help() -> None:
    """Babel's calendar data is loaded when a name is first wanted, not when the formatter is."""
    code = "import sys, crm_tui.domain.values.formatting; print('babel.dates' in sys.modules)"
    found = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert found.stdout.strip() == "False"


def test_codes_read_in_russian(russian: None) -> None:
    with i18n.missing_translations() as missing:
        assert [SEGMENT_NAMES[s] for s in Segment] == ["Тёплый", "Лояльный", "Потерянный"]
        assert [CLIENT_STATUS_NAMES[s] for s in ("lead", "prospect", "customer")] == [
            "лид", "потенциальный", "действующий",
        ]  # fmt: skip
        assert [DEAL_STATUS_NAMES[s] for s in ("open", "won", "lost")] == [
            "в работе",
            "выиграна",
            "проиграна",
        ]
        assert ACTIVITY_KIND_NAMES["email"] == "письмо" and ACTIVITY_KIND_NAMES["todo"] == "дело"
        assert [ROLE_NAMES[r] for r in ("manager", "head", "admin", "ops")] == [
            "менеджер", "руководитель", "администратор", "оператор",
        ]  # fmt: skip
        assert CHANNEL_NAMES["email"] == "эл. почта" and CHANNEL_NAMES["vk"] == "ВКонтакте"
        tables: tuple[Captions[Any], ...] = (
            SEGMENT_NAMES,
            CLIENT_STATUS_NAMES,
            DEAL_STATUS_NAMES,
            TASK_STATUS_NAMES,
        )
        tables += (ACTIVITY_KIND_NAMES, ROLE_NAMES, CHANNEL_NAMES, FIELD_KIND_NAMES)
        for table in tables:
            for code in table:
                assert table[code] != table.in_language("en", code), (table.context, code)
    assert not missing


def test_codes_read_in_english_as_before() -> None:
    assert [SEGMENT_NAMES[s] for s in Segment] == ["Warm", "Loyal", "Lost"]
    assert ACTIVITY_KIND_NAMES["email"] == "e-mail" and CHANNEL_NAMES["phone"] == "phone"
    assert CLIENT_STATUS_NAMES.caption("archived") == "archived"  # a code no table knows reads as itself


def test_the_same_english_word_is_two_things_in_russian(russian: None) -> None:
    """ "Lost" is a segment (потерянный) and a deal's status (проиграна): a context each."""
    assert SEGMENT_NAMES["lost"] == "Потерянный"
    assert DEAL_STATUS_NAMES["lost"] == "проиграна"
    assert i18n.in_language("en", "Lost", context="segment") == "Lost"


def test_shares_and_minutes_in_the_languages_decimal_mark(language: str) -> None:
    from crm_tui.domain.values.formatting import fraction, percent

    assert percent(20.0) == said(language, "20,0%", "20.0%")
    assert fraction(10.14) == said(language, "10,1", "10.1")
    assert percent(None) == fraction(None) == "—"


def test_an_amount_in_a_cli_table_never_breaks_across_lines(
    russian: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from crm_tui.cli.common import print_table

    monkeypatch.setenv("COLUMNS", "80")
    words = "Поставка станков и оснастки для цеха номер три"
    heads = ("Сделка", "Клиент", "Этап", "Контакт", "Заметка", "Сумма")
    print_table(*heads, rows=[(*[words] * 5, money(431_690_041, with_kopecks=True))])
    out = capsys.readouterr().out
    assert f"4{NNBSP}316{NNBSP}900,41 ₽" in out
    assert max(len(line) for line in out.splitlines()) <= 80
