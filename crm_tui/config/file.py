"""The settings file a person keeps (TOML): what it may set and how each value is read and
checked, and the time zone and locale parsers the environment's variables share.

A wrong setting is refused, never skipped: a ``ConfigError`` of one line that names the file and
the line or key (or the variable) and what is wrong. Which source wins (flag, environment, file,
default) is ``crm_tui.config``'s.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from crm_tui.domain.values.file_errors import file_reason
from crm_tui.i18n import LANGUAGES, N_, Message, MessageError, language_of

if TYPE_CHECKING:
    import tomllib

THEMES = (
    "ansi-dark",
    "ansi-light",
    "atom-one-dark",
    "atom-one-light",
    "catppuccin-frappe",
    "catppuccin-latte",
    "catppuccin-macchiato",
    "catppuccin-mocha",
    "dracula",
    "flexoki",
    "gruvbox",
    "monokai",
    "nord",
    "rose-pine",
    "rose-pine-dawn",
    "rose-pine-moon",
    "solarized-dark",
    "solarized-light",
    "textual-dark",
    "textual-light",
    "tokyo-night",
)
"""Textual's built-in themes (the pinned version's ``textual.theme.BUILTIN_THEMES``)."""

FILE_KEYS = ("database", "locale", "timezone", "theme", "keymap")


class ConfigError(MessageError):
    """Bad settings; the message is one line for the user that names where the setting is."""

    default_code = "config.invalid"


@dataclass(frozen=True)
class FileSettings:
    """What a settings file says; a key it does not set is None (the keymap: empty)."""

    database: str | None = None
    locale: str | None = None
    timezone: ZoneInfo | None = None
    theme: str | None = None
    keymap: dict[str, str] = field(default_factory=dict)


def parse_zone(name: str, where: str | Message) -> ZoneInfo:
    """The IANA time zone ``name`` given in ``where`` (a variable, or the file and its key)."""
    try:
        return ZoneInfo(name.strip().lstrip(":"))
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(
            "config.timezone_unknown",
            N_("{where}: unknown time zone {name!r}: use an IANA name like Europe/Moscow"),
            where=where,
            name=name,
        ) from None


def parse_locale(locale: str, where: str | Message) -> str:
    """The language of ``locale`` given in ``where``."""
    language = language_of(locale)
    if language is None:
        raise ConfigError(
            "config.locale_unknown",
            N_("{where}: unknown locale {locale!r}: use one of {languages}"),
            where=where,
            locale=locale,
            languages=", ".join(LANGUAGES),
        )
    return language


_TOML_POSITION = re.compile(r"\s*\(at line (\d+), column (\d+)\)$")


def _syntax_error(path: Path, exc: tomllib.TOMLDecodeError) -> ConfigError:
    message = str(exc)
    found = _TOML_POSITION.search(message)
    what = message[: found.start()] if found else message
    reason = f"{what[:1].lower()}{what[1:]}"
    if found is None:
        return ConfigError(
            "config.not_toml",
            N_("settings file {path}: {reason} (not valid TOML)"),
            path=str(path),
            reason=reason,
        )
    return ConfigError(
        "config.not_toml",
        N_("settings file {path}: line {line}, column {column}: {reason} (not valid TOML)"),
        path=str(path),
        line=int(found.group(1)),
        column=int(found.group(2)),
        reason=reason,
    )


def read_settings_file(path: Path, *, required: bool = False) -> FileSettings:
    """The settings in ``path``; nothing if it does not exist, unless ``required`` (a file named
    by ``--config`` or ``CRM_CONFIG`` must be there)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        if required:
            raise ConfigError(
                "config.file_missing", N_("settings file {path} does not exist"), path=str(path)
            ) from None
        return FileSettings()
    except (OSError, UnicodeDecodeError) as exc:
        reason = file_reason(exc) if isinstance(exc, OSError) else str(exc)
        raise ConfigError(
            "config.file_unreadable",
            N_("cannot read settings file {path}: {reason}"),
            path=str(path),
            reason=reason,
        ) from None
    import tomllib  # only when there is a file: most commands run without one

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(path, exc) from None
    return _file_settings(path, data)


def _file_settings(path: Path, data: dict[str, Any]) -> FileSettings:
    def where(key: str) -> Message:
        return Message("config.file_key", N_("settings file {path}: {key}"), path=str(path), key=key)

    def refuse(key: str, problem: Message) -> ConfigError:
        return ConfigError(problem.code, N_("{where}: {problem}"), where=where(key), problem=problem)

    for key in data:
        if key not in FILE_KEYS:
            import difflib  # only to suggest a key for one the file got wrong

            near = difflib.get_close_matches(key, FILE_KEYS, n=1)
            if near:
                msgid = N_("{where}: unknown setting: did you mean {near!r}? the file may set {keys}")
            else:
                msgid = N_("{where}: unknown setting: the file may set {keys}")
            raise ConfigError(
                "config.key_unknown",
                msgid,
                where=where(key),
                near=near[0] if near else None,
                keys=", ".join(FILE_KEYS),
            )

    def text(key: str) -> str | None:
        value = data.get(key)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise ConfigError(
                "config.not_text",
                N_("{where}: expected a non-empty string, got {value!r}"),
                where=where(key),
                value=value,
            )
        return value.strip()

    locale = text("locale")
    zone = text("timezone")
    theme = text("theme")
    if theme is not None and theme not in THEMES:
        raise ConfigError(
            "config.theme_unknown",
            N_("{where}: unknown theme {theme!r}: use one of {themes}"),
            where=where("theme"),
            theme=theme,
            themes=", ".join(THEMES),
        )
    database = text("database")
    if database and "://" not in database:
        database = str(path.parent / Path(database).expanduser())  # a relative file: beside this one
    return FileSettings(
        database=database,
        locale=parse_locale(locale, where("locale")) if locale else None,
        timezone=parse_zone(zone, where("timezone")) if zone else None,
        theme=theme,
        keymap=_keymap(data.get("keymap", {}), refuse),
    )


def _keymap(table: object, refuse: Callable[[str, Message], ConfigError]) -> dict[str, str]:
    """The ``[keymap]`` table: binding id -> a key, a comma-separated list, or a list of keys."""
    if not isinstance(table, dict):
        not_table = N_('expected a table: [keymap] with lines like "clients.search" = "ctrl+f"')
        raise refuse("keymap", Message("config.keymap_not_table", not_table))
    if not table:
        return {}
    # The bindings and key names: only for a file that rebinds keys (a headless command never).
    from crm_tui.keymap import binding_id_problem, clash_problem, parse_keys

    keymap: dict[str, str] = {}
    for binding_id, value in table.items():
        where = f'[keymap] "{binding_id}"'
        problem = binding_id_problem(binding_id)
        if problem is not None:
            raise refuse(where, problem)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            text = ",".join(value)
        elif isinstance(value, str):
            text = value
        else:
            not_keys = N_('expected a key like "ctrl+f" or a list of keys, got {value!r}')
            raise refuse(where, Message("keymap.not_keys", not_keys, value=value))
        keys, problem = parse_keys(text)
        if problem is not None:
            raise refuse(where, problem)
        keymap[binding_id] = keys
    clash = clash_problem(keymap)
    if clash is not None:
        raise refuse(f'[keymap] "{clash[0]}"', clash[1])
    return keymap
