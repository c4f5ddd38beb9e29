"""Russian output without English leaking in (a reviewer's findings): a forecast's deals without
a close date, an unknown stage, an unreadable --secret-file, a form's body that is not JSON, and
one word for the ops role in every refusal."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crm_tui import i18n
from crm_tui.importers.channels.forms import fields_of
from crm_tui.importers.channels.refusals import Malformed
from tests.cli_support import crm, error_line

RUSSIAN = {"LANG": "ru_RU.UTF-8", "COLUMNS": "200"}


def test_the_forecast_month_of_a_deal_without_a_close_date_reads_in_words(seeded_db: str) -> None:
    crm("--db", seeded_db, "deal", "add", "Ромашка", "--title", "Без даты", user="ivanova", check=True)
    said = crm("--db", seeded_db, "report", "forecast", user="admin", extra_env=RUSSIAN, check=True).stdout
    assert "без даты" in said and "none" not in said


def test_an_unknown_stage_is_answered_with_the_stages_names(seeded_db: str) -> None:
    got = crm("--db", seeded_db, "deal", "list", "--stage", "X", user="admin", extra_env=RUSSIAN)
    line = error_line(got)
    assert got.returncode == 2 and "«X»" in line and "«Qualification»" in line, line
    assert "qualification," not in line, "the names, not the codes"


def test_an_unreadable_secret_file_names_the_option_not_the_errno(seeded_db: str, tmp_path: Path) -> None:
    missing = tmp_path / "nonexistent"
    got = crm("--db", seeded_db, "inbound", "source", "add", "zd", "--kind", "zadarma", "--secret-file",
              str(missing), user="admin", extra_env=RUSSIAN)  # fmt: skip
    assert got.returncode == 2
    assert error_line(got) == f"crm: ошибка: --secret-file {missing}: такого файла нет"


def test_a_form_whose_body_is_not_json_is_told_where_it_breaks_in_russian() -> None:
    before = i18n.current_locale()
    i18n.set_locale("ru")
    try:
        with pytest.raises(Malformed) as refused:
            fields_of(b"not json", "application/json")
        said = str(refused.value)
    finally:
        i18n.set_locale(before)
    assert "Expecting" not in said and "символе 1" in said, said


def test_the_ops_role_has_one_russian_word_in_every_refusal() -> None:
    po = (Path(i18n.__file__).parent / "locale" / "ru" / "LC_MESSAGES" / "crm_tui.po").read_text(
        encoding="utf-8"
    )
    assert "или ops" not in po and "или эксплуатация" not in po


def test_names_in_refusals_are_quoted_and_each_says_what_was_refused(seeded_db: str) -> None:
    def said(user: str, *args: str) -> str:
        got = crm("--db", seeded_db, *args, user=user, extra_env=RUSSIAN)
        return error_line(got) if got.returncode else got.stdout.strip()

    assert "«petrov» работает не в вашем регионе" in said(
        "ivanova", "task", "add", "Позвонить", "--due", "завтра 10:00", "--to", "petrov"
    )
    deal = json.loads(
        crm(
            "--db", seeded_db, "deal", "add", "Ромашка", "--title", "Т", "--json", user="ivanova", check=True
        ).stdout
    )["id"]
    given = said("ivanova", "deal", "edit", str(deal), "--set", "owner=smirnov")
    assert given.startswith("crm: ошибка: --set owner: отдать сделку «smirnov» нельзя: "), given
    crm("--db", seeded_db, "user", "extension", "ivanova", "101", user="admin", check=True)
    assert "внутренний номер 101 уже у «ivanova»" in said("admin", "user", "extension", "petrov", "101")
    extension = said("ivanova", "user", "extension", "ivanova", "555")
    assert "добавлять" not in extension and "внутренние номера" in extension, extension


def test_a_mailbox_s_refusal_is_said_once_with_its_name_quoted(seeded_db: str) -> None:
    crm("--db", seeded_db, "mailbox", "add", "Ящик", "--url", "imaps://u@127.0.0.1:1",
        "--password-env", "NOPE", user="admin", check=True)  # fmt: skip
    got = crm("--db", seeded_db, "mailbox", "read", "Ящик", user="admin", extra_env={**RUSSIAN, "NOPE": ""})
    assert got.stdout.count("Ящик") == 1 and "ящик «Ящик»: переменная окружения NOPE не задана" in got.stdout


def test_taking_one_s_own_lead_again_says_it_is_yours_already(seeded_db: str) -> None:
    from sqlalchemy import select, update

    from crm_tui.storage.database import dispose_engines, get_engine
    from crm_tui.storage.models import ClientStatus, clients

    engine = get_engine(seeded_db)
    with engine.begin() as conn:
        lead = conn.scalar(select(clients.c.id).where(clients.c.status == ClientStatus.LEAD.value).limit(1))
        conn.execute(update(clients).where(clients.c.id == lead).values(owner_id=None, region="Москва"))
    dispose_engines()
    first = crm(
        "--db", seeded_db, "clients", "take", str(lead), user="ivanova", extra_env=RUSSIAN, check=True
    )
    again = crm(
        "--db", seeded_db, "clients", "take", str(lead), user="ivanova", extra_env=RUSSIAN, check=True
    )
    assert "теперь ваш" in first.stdout and "теперь" not in again.stdout and "уже ваш" in again.stdout
