"""`crm db`: the schema."""

from __future__ import annotations

from typing import Annotated

import typer

from crm_tui.cli.common import globals_of, grouped, print_json, say
from crm_tui.i18n import _

app = typer.Typer(help="Database schema: create and upgrade.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Create the schema on a new database or bring an old one up to date."""
    from crm_tui.domain.workspace import prepare_database
    from crm_tui.storage.database import describe, get_engine
    from crm_tui.storage.schema import HEAD_REVISION, current_revision

    settings = globals_of(ctx).settings()
    before = current_revision(get_engine(settings.database))
    engine = prepare_database(settings.database)
    result = {"database": describe(engine), "from": before, "to": HEAD_REVISION}
    if as_json:
        print_json(result)
    elif before == HEAD_REVISION:
        say(
            _("{database}: already at revision {revision}").format(
                database=result["database"], revision=HEAD_REVISION
            )
        )
    else:
        say(
            _("{database}: upgraded from {before} to {revision}").format(
                database=result["database"], before=before or _("empty"), revision=HEAD_REVISION
            )
        )


@app.command("copy")
def copy(
    ctx: typer.Context,
    to: Annotated[
        str, typer.Option("--to", help="The new database: postgresql+psycopg://user@host/db or a path.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the counts per table as JSON.")] = False,
) -> None:
    """Copy this base into a new, empty one (SQLite to PostgreSQL), verified by counts."""
    from crm_tui.cli.common import open_ws
    from crm_tui.domain.workspace import copy_base
    from crm_tui.storage.database import describe

    target, counts = copy_base(open_ws(ctx), to)
    if as_json:
        print_json({"to": describe(target), "tables": {c.table: c.target for c in counts}})
        return
    for c in counts:
        say(f"{c.table:<24} {grouped(c.target):>12}")
    say(_("copied into {database}; every table's count matches").format(database=describe(target)))
