"""`crm config`: where the settings file is, and the settings in force with where each came from."""

from __future__ import annotations

import os
from typing import Annotated

import typer

from crm_tui.cli.common import globals_of, print_json, say
from crm_tui.i18n import N_, _

SETTING_NAMES = {
    "config_file": N_("config_file"),
    "database": N_("database"),
    "data_dir": N_("data_dir"),
    "locale": N_("locale"),
    "timezone": N_("timezone"),
    "theme": N_("theme"),
    "keymap": N_("keymap"),
}
"""The settings as `crm config show` names them: by their keys (of the file, and of --json), and
in words in another language."""
SOURCE_NAMES = {
    "flag": N_("flag"),
    "environment": N_("environment"),
    "file": N_("file"),
    "default": N_("default"),
}

app = typer.Typer(help="The settings: the file a person keeps, and what is in force.", no_args_is_help=True)


@app.command("path")
def path(ctx: typer.Context) -> None:
    """Print the settings file's path (--config, else CRM_CONFIG, else the user config folder's)."""
    from crm_tui.config import config_path

    found, _origin = config_path(globals_of(ctx).config, os.environ)
    say(str(found))


@app.command("show")
def show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the settings as JSON.")] = False,
) -> None:
    """Show the settings in force and where each came from: flag, environment, file or default."""
    from crm_tui.storage.database import describe_url, parse_database_url

    settings = globals_of(ctx).settings()
    config_file = settings.config_file
    values: dict[str, object] = {
        "config_file": str(config_file),
        "database": describe_url(parse_database_url(settings.database)),
        "data_dir": str(settings.data_dir),
        "locale": settings.locale,
        "timezone": settings.timezone.key,
        "theme": settings.theme,
        "keymap": dict(settings.keymap),
    }
    report: dict[str, dict[str, object]] = {}
    for name, value in values.items():
        origin = settings.origins[name]
        report[name] = {"value": value, "source": origin.source.value, "from": origin.name}
    report["config_file"]["exists"] = config_file is not None and config_file.is_file()
    if as_json:
        print_json(report)
        return
    names = {name: _(SETTING_NAMES[name]) for name in report}
    width = max(12, *(len(n) for n in names.values()))
    for name, entry in report.items():
        origin = settings.origins[name]
        where = (
            f"{_(SOURCE_NAMES[origin.source.value])}: {_(origin.name) if origin.in_words else origin.name}"
        )
        if name == "config_file" and not entry["exists"]:
            where += _("; not found")
        value = entry["value"]
        if isinstance(value, dict):
            lines = [f"{binding} = {keys}" for binding, keys in value.items()] or [_("(none)")]
        else:
            lines = [str(value)]
        say(f"{names[name]:<{width}} {lines[0]}  ({where})")
        for line in lines[1:]:
            say(f"{'':<{width}} {line}")
