"""`crm config path|show`: where the settings file is and where each setting came from, without
Textual; a broken file stops every command with one line."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_support import crm, error_line, textual_loaded


def test_config_path_is_in_the_user_config_folder_or_where_crm_config_says(tmp_path: Path) -> None:
    home = tmp_path / "config-home"
    found = crm("config", "path", extra_env={"XDG_CONFIG_HOME": str(home)}, check=True)
    assert found.stdout.strip() == str(home / "crm_tui" / "config.toml")
    assert not textual_loaded(found)
    named = crm("config", "path", extra_env={"CRM_CONFIG": str(tmp_path / "team.toml")}, check=True)
    assert named.stdout.strip() == str(tmp_path / "team.toml")


def test_config_show_says_where_each_setting_came_from(tmp_path: Path) -> None:
    home = tmp_path / "config-home"
    (home / "crm_tui").mkdir(parents=True)
    settings = home / "crm_tui" / "config.toml"
    settings.write_text(
        f'database = "{tmp_path / "team.db"}"\ntheme = "gruvbox"\n\n[keymap]\n"clients.search" = "ctrl+f"\n',
        encoding="utf-8",
    )
    env = {"XDG_CONFIG_HOME": str(home), "CRM_LOCALE": "ru_RU.UTF-8"}
    shown = crm("config", "show", "--json", data_dir=tmp_path / "data", extra_env=env, check=True)
    report = json.loads(shown.stdout)
    assert report["config_file"] == {
        "value": str(settings),
        "source": "default",
        "from": "the user config folder",
        "exists": True,
    }
    assert report["database"] == {"value": str(tmp_path / "team.db"), "source": "file", "from": "database"}
    assert report["locale"] == {"value": "ru", "source": "environment", "from": "CRM_LOCALE"}
    assert report["timezone"] == {"value": "Europe/Moscow", "source": "environment", "from": "CRM_TZ"}
    assert report["theme"] == {"value": "gruvbox", "source": "file", "from": "theme"}
    assert report["keymap"] == {"value": {"clients.search": "ctrl+f"}, "source": "file", "from": "keymap"}
    assert report["data_dir"]["source"] == "environment"
    assert not textual_loaded(shown)
    assert not (tmp_path / "team.db").exists()  # showing the settings opens no database

    url = "postgresql://crm:secret@db.example/crm"
    flagged = json.loads(crm("--db", url, "config", "show", "--json", extra_env=env, check=True).stdout)
    assert flagged["database"] == {
        "value": "postgresql+psycopg://crm:***@db.example/crm",
        "source": "flag",
        "from": "--db",
    }
    text = crm("config", "show", extra_env={**env, "CRM_LOCALE": "en"}, check=True).stdout  # env says ru
    assert "theme        gruvbox  (file: theme)" in text


def test_a_broken_settings_file_stops_every_command_in_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('[keymap]\n"clients.serch" = "ctrl+f"\n', encoding="utf-8")
    result = crm("--config", str(broken), "user", "list", "--json")
    assert result.returncode == 2
    assert error_line(result) == (
        f'crm: error: settings file {broken}: [keymap] "clients.serch": no binding has the id '
        "'clients.serch': did you mean 'clients.search'?"
    )
    assert crm("--config", str(broken), "config", "path", check=True).stdout.strip() == str(broken)
    missing = crm("config", "show", extra_env={"CRM_CONFIG": str(tmp_path / "nowhere.toml")})
    assert missing.returncode == 2
    assert error_line(missing) == f"crm: error: settings file {tmp_path / 'nowhere.toml'} does not exist"
