"""Where the database is, who the user is and which time zone they live in.

Resolved once at start-up from the command line and the environment and then passed down
explicitly (the app factory and every CLI command take a ``Settings``), so tests inject their
own paths, user and clock without touching globals.
"""

from __future__ import annotations

import getpass
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from platformdirs import user_data_path

APP_NAME = "crm_tui"
DEFAULT_DB_NAME = "crm.db"
DEMO_DB_NAME = "demo.db"


class ConfigError(Exception):
    """Bad settings; the message is one line for the user."""


@dataclass(frozen=True)
class Settings:
    database: str
    login: str
    act_as: str | None = None
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("UTC"))
    data_dir: Path = field(default_factory=lambda: user_data_path(APP_NAME))


def data_dir(env: Mapping[str, str]) -> Path:
    override = env.get("CRM_DATA_DIR")
    return Path(override).expanduser() if override else user_data_path(APP_NAME)


def default_database(env: Mapping[str, str]) -> str:
    return str(data_dir(env) / DEFAULT_DB_NAME)


def demo_database(env: Mapping[str, str]) -> str:
    return str(data_dir(env) / DEMO_DB_NAME)


def os_login() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        raise ConfigError("cannot tell who you are: set USER or LOGNAME") from None


def _system_zone_name() -> str | None:
    try:
        target = os.readlink("/etc/localtime")
    except OSError:
        return None
    marker = "zoneinfo/"
    return target.split(marker, 1)[1] if marker in target else None


def resolve_timezone(env: Mapping[str, str]) -> ZoneInfo:
    name = env.get("CRM_TZ") or env.get("TZ") or _system_zone_name() or "UTC"
    try:
        return ZoneInfo(name.lstrip(":"))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown time zone {name!r} in CRM_TZ/TZ: use an IANA name") from None


def load_settings(
    database: str | None = None,
    act_as: str | None = None,
    env: Mapping[str, str] | None = None,
) -> Settings:
    """``--db`` beats ``CRM_DATABASE_URL`` beats the SQLite file in the user data folder.

    The user is always the OS login (managers arrive over SSH); ``act_as`` is what ``--user``
    asked for, which only an admin may use.
    """
    env = os.environ if env is None else env
    db = database or env.get("CRM_DATABASE_URL") or default_database(env)
    return Settings(
        database=db,
        login=os_login(),
        act_as=act_as,
        timezone=resolve_timezone(env),
        data_dir=data_dir(env),
    )
