"""Where the database is, who the user is, their language, time zone, theme and keys.

Resolved once at start-up by ``load_settings``, the one resolver, and then passed down
explicitly (the app factory and every CLI command take a ``Settings``), so tests inject their
own paths, user and clock without touching globals. Each setting comes from the first of:
a command-line flag, an environment variable (``CRM_DATABASE_URL``, ``CRM_LOCALE``, ``CRM_TZ``),
the settings file a person keeps (TOML in the user config folder, or ``--config`` /
``CRM_CONFIG``), and a default; ``Settings.origins`` says which, for ``crm config show``.

A wrong setting is refused, never skipped: a ``ConfigError`` of one line that names the file and
the line or key (or the variable) and what is wrong; the file's keys are read and checked by
``crm_tui.config.file``. Nothing here imports Textual: the theme names are Textual's built-in
ones (a test checks them) and the keymap's ids and key names are checked by ``crm_tui.keymap``.
"""

from __future__ import annotations

import os
import pwd
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TypeVar
from zoneinfo import ZoneInfo

from platformdirs import user_config_path, user_data_path

from crm_tui.config.file import ConfigError as ConfigError
from crm_tui.config.file import FileSettings, parse_locale, parse_zone, read_settings_file
from crm_tui.i18n import N_, process_language

APP_NAME = "crm_tui"
DEFAULT_DB_NAME = "crm.db"
DEMO_DB_NAME = "demo.db"
CONFIG_FILE_NAME = "config.toml"
DEFAULT_LOCALE = "en"
DEFAULT_THEME = "textual-dark"
"""One of ``crm_tui.config.file.THEMES``."""

T = TypeVar("T")


class Source(StrEnum):
    FLAG = "flag"
    ENVIRONMENT = "environment"
    FILE = "file"
    DEFAULT = "default"


@dataclass(frozen=True)
class Origin:
    """Where a setting came from: its source and the flag, variable, file key or default."""

    source: Source
    name: str
    in_words: bool = field(default=False, compare=False)
    """``name`` is words for a person (a msgid, shown translated), not a flag, variable or key."""


def said(words: str) -> Origin:
    """A default described in words: "the user config folder"."""
    return Origin(Source.DEFAULT, words, in_words=True)


@dataclass(frozen=True)
class Settings:
    database: str
    login: str
    act_as: str | None = None
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    data_dir: Path = field(default_factory=lambda: user_data_path(APP_NAME))
    locale: str = DEFAULT_LOCALE
    """The interface's language, one of ``crm_tui.i18n.LANGUAGES``."""
    theme: str = DEFAULT_THEME
    keymap: Mapping[str, str] = field(default_factory=dict)
    """Binding id -> key or comma-separated keys, for ``App.set_keymap``."""
    config_file: Path | None = None
    origins: Mapping[str, Origin] = field(default_factory=dict)
    """Setting name -> where its value came from (``config_file`` included)."""


def data_dir(env: Mapping[str, str]) -> Path:
    override = env.get("CRM_DATA_DIR")
    return Path(override).expanduser() if override else user_data_path(APP_NAME)


def upload_dir(env: Mapping[str, str], data: Path) -> Path:
    """The person's upload folder, where the README's SSH set-up lets sftp put their files and
    the import wizard lists them: ``CRM_UPLOAD_DIR``, else ``uploads`` in the data folder."""
    override = env.get("CRM_UPLOAD_DIR")
    return Path(override).expanduser() if override else data / "uploads"


def default_database(env: Mapping[str, str]) -> str:
    return str(data_dir(env) / DEFAULT_DB_NAME)


def demo_database(env: Mapping[str, str]) -> str:
    return str(data_dir(env) / DEMO_DB_NAME)


def config_path(flag: str | None, env: Mapping[str, str]) -> tuple[Path, Origin]:
    """The settings file: ``--config``, else ``CRM_CONFIG``, else config.toml in the user config
    folder (``$XDG_CONFIG_HOME/crm_tui`` on Linux). It need not exist."""
    if flag:
        return Path(flag).expanduser(), Origin(Source.FLAG, "--config")
    if env.get("CRM_CONFIG"):
        return Path(env["CRM_CONFIG"]).expanduser(), Origin(Source.ENVIRONMENT, "CRM_CONFIG")
    return user_config_path(APP_NAME) / CONFIG_FILE_NAME, said(N_("the user config folder"))


def crm_command(argv0: str | None = None, search_path: str | None = None) -> str:
    """How a person types the `crm` that is running: ``crm`` when that name on ``PATH`` is this
    very program, else its path (``.venv/bin/crm`` below the working folder, ``~/...`` under the
    home folder): a fresh install's virtual environment is not on ``PATH``, and a page that says
    ``crm demo`` sends a new user to "command not found"."""
    running = Path(argv0 if argv0 is not None else (sys.argv[0] if sys.argv else ""))
    if running.name != "crm":
        return "crm"  # started some other way (python -m crm_tui, a test): the name as documented
    found = shutil.which("crm", path=search_path)
    here = running.expanduser().absolute()
    if found is not None and Path(found).resolve() == here.resolve():
        return "crm"
    if here.is_relative_to(Path.cwd()):
        inside = here.relative_to(Path.cwd())
        return str(inside) if inside.parent != Path(".") else f"./{inside}"
    if here.is_relative_to(Path.home()):
        return str(Path("~") / here.relative_to(Path.home()))
    return str(here)


def os_login() -> str:
    """The login of the process's real user id: who runs `crm`, as the operating system knows it.

    Not ``USER`` or ``LOGNAME`` (``getpass.getuser`` believes them): anybody can set those, and
    ``LOGNAME=root crm clients list`` acted as the admin. Acting as another person is ``--user``,
    which only an admin may use.
    """
    uid = os.getuid()
    try:
        return pwd.getpwuid(uid).pw_name
    except KeyError:
        raise ConfigError(
            "config.no_login",
            N_("cannot tell who you are: user id {uid} is not in the system's users"),
            uid=uid,
        ) from None


def _system_zone_name() -> str | None:
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        return None
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else None


def load_settings(
    database: str | None = None,
    act_as: str | None = None,
    env: Mapping[str, str] | None = None,
    config: str | None = None,
) -> Settings:
    """The settings: each from a flag (``database`` is ``--db``, ``config`` is ``--config``),
    else the environment, else the settings file, else the default.

    The time zone is ``CRM_TZ``, else the file's, else the system's (``TZ``, /etc/localtime),
    else UTC. The user is always the OS login (managers arrive over SSH); ``act_as`` is what
    ``--user`` asked for, which only an admin may use.
    """
    env = os.environ if env is None else env
    path, path_origin = config_path(config, env)
    found = read_settings_file(path, required=path_origin.source is not Source.DEFAULT)
    origins: dict[str, Origin] = {"config_file": path_origin}

    def pick(name: str, *candidates: tuple[T | None, Origin]) -> T:
        for value, origin in candidates:
            if value is not None:
                origins[name] = origin
                return value
        raise AssertionError(f"no default for {name}")

    timezone, origins["timezone"] = _zone_setting(env, found)
    locale, origins["locale"] = _locale_setting(env, found)
    return Settings(
        database=pick(
            "database",
            (database or None, Origin(Source.FLAG, "--db")),
            (env.get("CRM_DATABASE_URL") or None, Origin(Source.ENVIRONMENT, "CRM_DATABASE_URL")),
            (found.database, Origin(Source.FILE, "database")),
            (default_database(env), said(N_("crm.db in the user data folder"))),
        ),
        login=os_login(),
        act_as=act_as,
        timezone=timezone,
        data_dir=pick(
            "data_dir",
            (data_dir(env) if env.get("CRM_DATA_DIR") else None, Origin(Source.ENVIRONMENT, "CRM_DATA_DIR")),
            (data_dir(env), said(N_("the user data folder"))),
        ),
        locale=locale,
        theme=pick(
            "theme",
            (found.theme, Origin(Source.FILE, "theme")),
            (DEFAULT_THEME, said(N_("Textual's default"))),
        ),
        keymap=pick(
            "keymap",
            (found.keymap or None, Origin(Source.FILE, "keymap")),
            ({}, said(N_("the keys in README.md"))),
        ),
        config_file=path,
        origins=origins,
    )


def _locale_setting(env: Mapping[str, str], found: FileSettings) -> tuple[str, Origin]:
    """``CRM_LOCALE``, the file's, the process's locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``),
    English: the first that is set."""
    if env.get("CRM_LOCALE"):
        return parse_locale(env["CRM_LOCALE"], "CRM_LOCALE"), Origin(Source.ENVIRONMENT, "CRM_LOCALE")
    if found.locale is not None:
        return found.locale, Origin(Source.FILE, "locale")
    process = process_language(env)
    if process is not None:
        return process[0], Origin(Source.ENVIRONMENT, process[1])
    return DEFAULT_LOCALE, said(N_("English"))


def interface_language(config: str | None = None, env: Mapping[str, str] | None = None) -> str:
    """The language ``load_settings`` would choose, for what is shown before the settings are
    loaded (``crm --help``, a mistyped option). A wrong setting is passed over here, not
    reported: the command that loads the settings reports it."""
    env = os.environ if env is None else env
    try:
        path, origin = config_path(config, env)
        found = read_settings_file(path, required=origin.source is not Source.DEFAULT)
    except ConfigError:
        found = FileSettings()
    try:
        return _locale_setting(env, found)[0]
    except ConfigError:  # CRM_LOCALE names a language we do not speak
        return _locale_setting({k: v for k, v in env.items() if k != "CRM_LOCALE"}, found)[0]


def _zone_setting(env: Mapping[str, str], found: FileSettings) -> tuple[ZoneInfo, Origin]:
    """``CRM_TZ``, the file's, ``TZ``, /etc/localtime, UTC: the first that is set (and only
    that one is read, so a stray ``TZ`` does not matter when ``CRM_TZ`` is set)."""
    if env.get("CRM_TZ"):
        return parse_zone(env["CRM_TZ"], "CRM_TZ"), Origin(Source.ENVIRONMENT, "CRM_TZ")
    if found.timezone is not None:
        return found.timezone, Origin(Source.FILE, "timezone")
    if env.get("TZ"):
        return parse_zone(env["TZ"], "TZ"), Origin(Source.DEFAULT, "TZ")
    system = _system_zone_name()
    if system:
        return parse_zone(system, "/etc/localtime"), Origin(Source.DEFAULT, "/etc/localtime")
    return ZoneInfo("UTC"), Origin(Source.DEFAULT, "UTC")
