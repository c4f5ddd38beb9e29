"""Settings: the file a person keeps < the environment < the flags, and a broken file refused in
one line that names the file, the line or key, and what is wrong."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crm_tui.config import (
    DEFAULT_THEME,
    ConfigError,
    Origin,
    Source,
    config_path,
    load_settings,
)

FULL = """\
database = "/srv/crm/team.db"
locale = "ru_RU.UTF-8"
timezone = "Asia/Yekaterinburg"
theme = "nord"

[keymap]
"clients.search" = "ctrl+f"
"app.quit" = "q, ctrl+q"
"dedup.next" = ["l", "]"]
"""


def settings_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def env_with(path: Path, **extra: str) -> dict[str, str]:
    return {"CRM_CONFIG": str(path), "USER": "ivanova", "CRM_DATA_DIR": "/tmp/crm-data", **extra}


def test_the_file_gives_every_setting(tmp_path: Path) -> None:
    path = settings_file(tmp_path, FULL)
    settings = load_settings(env=env_with(path))
    assert settings.database == "/srv/crm/team.db"
    assert settings.locale == "ru"
    assert settings.timezone == ZoneInfo("Asia/Yekaterinburg")
    assert settings.theme == "nord"
    assert settings.keymap == {"clients.search": "ctrl+f", "app.quit": "q,ctrl+q", "dedup.next": "l,]"}
    assert settings.config_file == path
    for name in ("database", "locale", "timezone", "theme", "keymap"):
        assert settings.origins[name] == Origin(Source.FILE, name)
    assert settings.origins["config_file"] == Origin(Source.ENVIRONMENT, "CRM_CONFIG")


def test_the_environment_beats_the_file_and_a_flag_beats_both(tmp_path: Path) -> None:
    path = settings_file(tmp_path, FULL)
    env = env_with(path, CRM_DATABASE_URL="/env/crm.db", CRM_LOCALE="en_GB", CRM_TZ="Europe/Moscow")
    settings = load_settings(env=env)
    assert (settings.database, settings.locale, settings.timezone.key) == (
        "/env/crm.db",
        "en",
        "Europe/Moscow",
    )
    assert settings.origins["database"] == Origin(Source.ENVIRONMENT, "CRM_DATABASE_URL")
    assert settings.origins["locale"] == Origin(Source.ENVIRONMENT, "CRM_LOCALE")
    assert settings.origins["timezone"] == Origin(Source.ENVIRONMENT, "CRM_TZ")
    flagged = load_settings("/flag/crm.db", env=env)
    assert flagged.database == "/flag/crm.db"
    assert flagged.origins["database"] == Origin(Source.FLAG, "--db")


def test_the_files_time_zone_beats_the_systems(tmp_path: Path) -> None:
    path = settings_file(tmp_path, 'timezone = "Asia/Omsk"\n')
    assert load_settings(env=env_with(path, TZ="Europe/Kaliningrad")).timezone.key == "Asia/Omsk"
    without = settings_file(tmp_path, "")
    settings = load_settings(env=env_with(without, TZ="Europe/Kaliningrad"))
    assert settings.timezone.key == "Europe/Kaliningrad"
    assert settings.origins["timezone"] == Origin(Source.DEFAULT, "TZ")


def test_without_a_file_everything_is_a_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    env = {"USER": "ivanova", "CRM_DATA_DIR": str(tmp_path / "data"), "TZ": "UTC"}
    settings = load_settings(env=env)
    assert settings.config_file == tmp_path / "crm_tui" / "config.toml"
    assert settings.database == str(tmp_path / "data" / "crm.db")
    assert (settings.locale, settings.theme, dict(settings.keymap)) == ("en", DEFAULT_THEME, {})
    assert settings.origins["config_file"].source is Source.DEFAULT
    for name in ("database", "locale", "theme", "keymap"):
        assert settings.origins[name].source is Source.DEFAULT, name


def test_a_relative_database_file_is_beside_the_settings_file(tmp_path: Path) -> None:
    path = settings_file(tmp_path, 'database = "team/crm.db"\n')
    assert load_settings(env=env_with(path)).database == str(tmp_path / "team" / "crm.db")
    url = settings_file(tmp_path, 'database = "postgresql+psycopg://crm@dbhost/crm"\n')
    assert load_settings(env=env_with(url)).database == "postgresql+psycopg://crm@dbhost/crm"


def test_config_flag_beats_crm_config(tmp_path: Path) -> None:
    env = {"CRM_CONFIG": str(tmp_path / "env.toml")}
    assert config_path(str(tmp_path / "flag.toml"), env) == (
        tmp_path / "flag.toml",
        Origin(Source.FLAG, "--config"),
    )
    assert config_path(None, env)[0] == tmp_path / "env.toml"


def test_a_named_file_must_exist_the_default_one_need_not(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(ConfigError, match=f"^settings file {missing} does not exist$"):
        load_settings(env=env_with(missing))
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(env={"USER": "ivanova"}, config=str(missing))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('theme = "nord"\ndatabase = \n', r": line 2, column 12: invalid value \(not valid TOML\)$"),
        ('databse = "x.db"\n', r": databse: unknown setting: did you mean 'database'\?"),
        ('theme = "norde"\n', r": theme: unknown theme 'norde': use one of ansi-dark, "),
        ('locale = "de"\n', r": locale: unknown locale 'de': use one of en, ru$"),
        ('timezone = "Europe/Moskva"\n', r": timezone: unknown time zone 'Europe/Moskva'"),
        ("theme = 3\n", r": theme: expected a non-empty string, got 3$"),
        ("keymap = 5\n", r": keymap: expected a table"),
        (
            '[keymap]\n"clients.serch" = "ctrl+f"\n',
            r": \[keymap\] \"clients.serch\": no binding has the id 'clients.serch': "
            r"did you mean 'clients.search'\?$",
        ),
        (
            '[keymap]\n"clients.search" = "ctr+f"\n',
            r": \[keymap\] \"clients.search\": unknown modifier 'ctr'",
        ),
        ('[keymap]\n"clients.search" = "ctrl+fx"\n', r": \[keymap\] \"clients.search\": unknown key 'fx'"),
        ('[keymap]\n"clients.search" = "a,,b"\n', r": \[keymap\] \"clients.search\": an empty key"),
        ('[keymap]\n"clients.search" = 7\n', r": \[keymap\] \"clients.search\": expected a key"),
        (
            '[keymap]\n"clients.search" = "ctrl+/"\n',
            r": \[keymap\] \"clients.search\": write 'ctrl\+slash' instead of 'ctrl\+/'",
        ),
        ('[keymap]\n"clients.search" = ","\n', r"write comma for the , key$"),
        (
            '[keymap]\n"clients.search" = "a"\n',
            r": \[keymap\] \"clients.search\": a is also the key of clients.new: give that one another key",
        ),
        (
            '[keymap]\n"table.down" = "j"\n"table.up" = "j, up"\n',
            r": \[keymap\] \"table.down\": j is also the key of table.up",
        ),
    ],
)
def test_a_broken_file_is_one_line_naming_the_file_and_the_place(
    tmp_path: Path, text: str, message: str
) -> None:
    path = settings_file(tmp_path, text)
    with pytest.raises(ConfigError) as caught:
        load_settings(env=env_with(path))
    line = str(caught.value)
    assert "\n" not in line
    assert line.startswith(f"settings file {path}: ")
    assert re.search(message, line), line


def test_a_key_may_move_to_where_another_screen_or_a_moved_binding_had_it(tmp_path: Path) -> None:
    text = '[keymap]\n"clients.search" = "x"\n"clients.new" = "/"\n"desk.refresh" = "a"\n'
    settings = load_settings(env=env_with(settings_file(tmp_path, text)))
    assert settings.keymap == {"clients.search": "x", "clients.new": "/", "desk.refresh": "a"}
    swapped = '[keymap]\n"clients.search" = "a"\n"clients.new" = "slash"\n'
    assert load_settings(env=env_with(settings_file(tmp_path, swapped))).keymap["clients.new"] == "slash"


def test_a_bad_environment_variable_is_named(tmp_path: Path) -> None:
    path = settings_file(tmp_path, "")
    with pytest.raises(ConfigError, match=r"^CRM_LOCALE: unknown locale 'klingon'"):
        load_settings(env=env_with(path, CRM_LOCALE="klingon"))
    with pytest.raises(ConfigError, match=r"^CRM_TZ: unknown time zone 'Mars/Olympus'"):
        load_settings(env=env_with(path, CRM_TZ="Mars/Olympus"))


def test_the_readme_example_is_a_valid_settings_file(tmp_path: Path) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    example = re.search(r"```toml\n(.*?)```", readme, re.S)
    assert example is not None
    settings = load_settings(env=env_with(settings_file(tmp_path, example.group(1))))
    assert settings.theme == "nord" and settings.keymap["clients.search"] == "ctrl+f"
