"""`crm` in Russian: every help page, Click's own words, the one-line errors and the human output;
`--json` and the English CLI as they were."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.core
from typer._click import Command

from crm_tui import i18n
from crm_tui.cli.main import app, command
from tests.cli_support import crm, crm_process, error_line, textual_loaded

RUSSIAN = {"LANG": "ru_RU.UTF-8"}

KEPT_LATIN = frozenset(
    {
        # names of products and formats a Russian reader knows by them
        "CRM", "GDPR", "JSON", "TOML", "SQLite", "SQLAlchemy", "PostgreSQL", "cron", "systemd", "Jinja2",
        "crm_tui",
        # an example's product («Котёл Buderus Logano»), and N for a number in "every N days"
        "Asterisk", "cdr_csv", "IANA", "Europe", "Moscow",
        # the inbound channels' protocols and vendors, and the values their options take
        "IMAP", "HTTP", "TLS", "README", "API", "Telegram", "Zadarma", "Mango", "xlsx", "vpbx_api_key",
        "asterisk", "csv", "form", "zadarma", "mango", "sipuni", "uis", "telegram", "site", "sales",
        "ivanova",
        "Buderus", "Logano", "N",
        # values typed after an option, explained in Russian beside them
        "lead", "prospect", "customer", "warm", "loyal", "lost", "none", "auto", "competitor", "ours",
        "default", "call", "email", "message", "meeting", "note", "todo", "manager", "head", "admin", "ops",
        "order", "invoice", "sale", "payment", "text", "number", "money", "date", "choice", "multi",
        "bool", "small", "large", "next", "prev", "phone", "contact", "contact_position",
        # keys: of the settings file, the mapping file, --set and --map (name, inn, ..., a,b,c)
        "database", "columns", "document", "name", "inn", "kpp", "ogrn", "legal_address", "bik",
        "account", "city", "a", "b", "c", "portrait", "headcount",
        # crm deal edit --set keys, crm task list --status values
        "title", "amount", "close", "owner", "open", "done", "cancelled", "all",
        # crm leads: channels, statuses, junk reasons, exclusion actions, report groupings, UTM tags
        "web_form", "messenger", "walk_in", "manual", "import", "new", "in_work", "converted", "junk",
        "spam", "wrong_number", "duplicate", "not_our_product", "no_contact", "test", "other", "drop",
        "source", "channel", "region", "day", "week", "UTM", "utm_source", "utm_medium", "utm_campaign",
        # documents: formats, template names, crm company set keys, crm template add --kind
        "DOCX", "PDF", "Word", "Windows", "supply", "services", "contract", "accountant", "address", "bank",
        "corr_account", "director", "director_genitive", "vat", "CClientBankExchange", "Windows-1251", "QR",
        "client",
        # crm serve: the way people come in, and HTTP's own names for headers and a cookie's flag
        "SSH", "X-Forwarded-Proto", "X-Forwarded-For", "Secure",
        # campaigns and the outbox: mail's protocols, a letter's parts (--steps keys), kinds, the
        # shipped example's name, the outbox's states and the figures' keys, typed as they are
        "SMTP", "SMTP-сервер", "STARTTLS", "starttls", "tls", "URL", "HTML-часть", "html", "subject",
        "personal", "advertising", "lost-drip", "pending", "sending", "sent", "failed", "uncertain",
        "dropped", "enrolled", "bounced", "unsubscribed", "replied", "deals", "any",
    }
)  # fmt: skip
"""Latin words a Russian help page may show besides command and option names, file names and
URLs and variables: what is typed as it is, and names that have no Russian word."""
NOT_WORDS = re.compile(
    r"(?<![\w-])--?[\w-]+"  # an option
    r"|<[^<>]*\|[^<>]*>"  # a choice of values, typed as they are
    r"|\S+://\S*"  # a URL
    r"|[\w.]*\.(?:toml|db|xlsx|xls|ods|csv|md)\b"  # a file or its extension
    r"|\b[A-Z][A-Z0-9]*_[A-Z0-9_]+\b"  # an environment variable
    r"|\{\w+\}"  # a placeholder typed in a template: {days}
)


def commands(root: Command, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield path
    if isinstance(root, typer.core.TyperGroup):
        for name, sub in root.commands.items():
            yield from commands(sub, (*path, name))


PATHS = list(commands(typer.main.get_command(app)))
COMMAND_NAMES = frozenset(name for path in PATHS for name in path) | {"crm"}


@pytest.fixture
def fresh_russian_tree() -> Iterator[None]:
    """The Russian command tree built anew in the test, so that every msgid it asks for is asked
    for under ``missing_translations``, not once by whichever test came first."""
    command.cache_clear()
    yield
    command.cache_clear()


def latin_words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z][\w-]*", NOT_WORDS.sub(" ", text))) - COMMAND_NAMES


def test_every_help_page_is_russian_to_the_last_word(fresh_russian_tree: None) -> None:
    pages = {}
    with i18n.missing_translations() as missing:
        for path in PATHS:
            shown = crm(*path, "--help", extra_env=RUSSIAN, check=True)
            pages[path] = shown.stdout
    assert missing == set()
    for path, page in pages.items():
        assert page.startswith(f"Использование: {' '.join(('crm', *path))} [ПАРАМЕТРЫ]"), page
        assert "Параметры:" in page and "Показать эту справку и выйти." in page
        assert latin_words(page) <= KEPT_LATIN, (path, latin_words(page) - KEPT_LATIN)


def test_the_help_says_click_s_words_types_defaults_and_ranges_in_russian() -> None:
    page = crm("clients", "timeline", "--help", extra_env=RUSSIAN, check=True).stdout
    assert "Использование: crm clients timeline [ПАРАМЕТРЫ] {КЛИЕНТ}" in page
    assert "Аргументы:\n  КЛИЕНТ <число>  Номер клиента.  [обязательно]" in page
    assert "--limit <число>   Записей на странице.  [по\u00a0умолчанию: 30; от 1 до 1000]" in page
    root = crm("--help", extra_env=RUSSIAN, check=True).stdout
    assert "Использование: crm [ПАРАМЕТРЫ] КОМАНДА [АРГУМЕНТЫ]..." in root
    assert "Команды:\n  demo       Создать демонстрационную базу" in root
    flags = crm("demo", "--help", extra_env=RUSSIAN, check=True).stdout
    assert "по\u00a0умолчанию: --tui]" in flags  # a --flag/--no-flag's default by its name


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("clients", "timeline", "x"), "Ошибка: Неверное значение «КЛИЕНТ»: «x» — не целое число"),
        (("clients", "timeline", "1", "--limit", "0"), "Ошибка: Неверное значение «--limit»: «0» меньше 1"),
        (("clients", "timeline"), "Ошибка: Не указан аргумент «КЛИЕНТ»."),
        (("clients", "edit", "1"), "Ошибка: Не указан параметр «--set»."),
        (
            ("clients", "list", "--bogus"),
            "Ошибка: Нет такого параметра: --bogus (возможно, имелось в виду: --owns)",
        ),
        (("clients", "lst"), "Ошибка: Нет команды «lst». Может быть, «list»?"),
        (("clients", "timeline", "1", "2"), "Ошибка: Лишние аргументы: 2"),
        (("clients", "timeline", "1", "--limit"), "Ошибка: Параметру «--limit» нужно значение."),
        (("--version=3",), "Ошибка: Параметр «--version» не принимает значения."),
        (
            ("demo", "--size", "huge"),
            "Ошибка: Неверное значение «--size»: «huge» — такого варианта нет; возможны: «small», «large».",
        ),
    ],
)
def test_a_mistyped_command_line_is_told_in_russian(args: tuple[str, ...], said: str) -> None:
    with i18n.missing_translations() as missing:
        result = crm(*args, extra_env=RUSSIAN)
    assert missing == set()
    assert result.returncode == 2
    assert result.stderr.rstrip("\n").splitlines()[-1] == said
    if "Справка" in result.stderr:
        assert result.stderr.startswith("Использование: crm ")
        assert "Справка: «crm " in result.stderr and " --help»." in result.stderr


def test_click_s_english_is_as_it_was() -> None:
    result = crm("clients", "timeline", "x")
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "Usage: crm clients timeline [OPTIONS] {client_id}",
        "Try 'crm clients timeline --help' for help.",
        "",
        "Error: Invalid value for 'client_id': 'x' is not a valid int.",
    ]
    page = crm("clients", "timeline", "--help", check=True).stdout
    assert "client_id <int>  The client's id.  [required]" in page
    assert "--limit <int range>  Entries per page.  [default: 30; 1<=x<=1000]" in page
    assert "Show this message and exit." in page


def test_the_settings_choose_the_language_before_the_help_is_printed(tmp_path: Path) -> None:
    settings = tmp_path / "team.toml"
    settings.write_text('locale = "ru"\n', encoding="utf-8")
    named = crm("--config", str(settings), "clients", "--help", check=True)
    assert named.stdout.startswith("Использование: crm clients [ПАРАМЕТРЫ] КОМАНДА [АРГУМЕНТЫ]...")
    by_variable = crm("user", "--help", extra_env={"CRM_CONFIG": str(settings)}, check=True)
    assert "Пользователи CRM" in by_variable.stdout
    english = crm("--config", str(settings), "--help", extra_env={"CRM_LOCALE": "en"}, check=True)
    assert english.stdout.startswith("Usage: crm [OPTIONS]")
    broken = tmp_path / "broken.toml"
    broken.write_text("locale = \n", encoding="utf-8")
    shown = crm("--config", str(broken), "--help", extra_env=RUSSIAN, check=True)  # help still shown
    assert shown.stdout.startswith("Использование: crm [ПАРАМЕТРЫ]")


def test_russian_help_loads_nothing_heavy() -> None:
    shown = crm_process("--help", extra_env=RUSSIAN, check=True)
    assert shown.stdout.startswith("Использование: crm")
    assert not textual_loaded(shown)


def test_clients_list_and_an_error_line_in_russian(seeded_db: str) -> None:
    with i18n.missing_translations() as missing:
        table = crm("--db", seeded_db, "clients", "list", user="ivanova", extra_env=RUSSIAN, check=True)
        refused = crm(
            "--db", seeded_db, "clients", "list", "--status", "vip", user="ivanova", extra_env=RUSSIAN
        )
        listed = crm("--db", seeded_db, "clients", "list", "--json", user="ivanova", extra_env=RUSSIAN)
    assert missing == set()
    header = "".join(table.stdout.splitlines()[1:3])
    for title in ("№", "Название", "ИНН", "Телефон", "Регион", "Статус"):
        assert title in header
    assert "Ромашка" in table.stdout
    assert refused.returncode == 2
    assert error_line(refused) == "crm: ошибка: неизвестный статус «vip»: укажите lead, prospect или customer"
    first = json.loads(listed.stdout.splitlines()[0])
    assert {"id", "name", "inn", "owner", "status"} <= set(first)  # --json keeps its English keys


def test_config_show_in_russian(tmp_path: Path) -> None:
    env = {**RUSSIAN, "XDG_CONFIG_HOME": str(tmp_path / "config-home")}
    with i18n.missing_translations() as missing:
        shown = crm("config", "show", data_dir=tmp_path / "data", extra_env=env, check=True)
        as_json = crm("config", "show", "--json", data_dir=tmp_path / "data", extra_env=env, check=True)
    assert missing == set()
    lines = shown.stdout.splitlines()
    assert lines[0].startswith("файл настроек ") and lines[0].endswith(
        "(по умолчанию: папка настроек пользователя; не найден)"
    )
    assert "язык          ru  (окружение: LANG)" in lines
    assert "клавиши       (нет)  (по умолчанию: клавиши из README.md)" in lines
    report = json.loads(as_json.stdout)
    assert report["locale"] == {"value": "ru", "source": "environment", "from": "LANG"}
    assert report["keymap"]["from"] == "the keys in README.md"


HUMAN_OUTPUT = [
    ("report", "funnel"),
    ("report", "forecast"),
    ("report", "stuck"),
    ("report", "completeness"),
    ("pipeline", "list"),
    ("segments", "rules"),
    ("segments", "recompute"),
    ("schedule", "tick"),
    ("fields", "list"),
    ("dedup", "scan"),
    ("import", "list"),
    ("user", "list"),
    ("contacts", "history", "1"),
    ("handover", "--from", "ivanova", "--to", "petrov", "--dry-run"),
    ("clients", "timeline", "1"),
]


def test_human_output_asks_for_no_untranslated_message(seeded_db: str) -> None:
    with i18n.missing_translations() as missing:
        for args in HUMAN_OUTPUT:
            crm("--db", seeded_db, *args, user="admin", extra_env=RUSSIAN, check=True)
    assert missing == set()
    forecast = crm("--db", seeded_db, "report", "forecast", user="admin", extra_env=RUSSIAN, check=True)
    assert forecast.stdout.splitlines()[-1].startswith("итого ")
    handover = crm("--db", seeded_db, *HUMAN_OUTPUT[-2], user="admin", extra_env=RUSSIAN, check=True)
    assert handover.stdout == (
        "будет передано пользователю petrov: клиентов — 6, открытых сделок — 8, открытых задач — 13\n"
    )
