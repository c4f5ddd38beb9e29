"""`crm inbound source`: the receiver's sources and their secrets."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crm_tui.cli.common import fail, open_ws, print_json, print_table, say
from crm_tui.i18n import _

app = typer.Typer(help="The receiver's sources: a site's form, a PBX, a Telegram bot.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The source's name, part of its address (site, zadarma).")],
    kind: Annotated[str, typer.Option("--kind", help="form, zadarma, mango, sipuni, uis or telegram.")],
    secret_file: Annotated[
        Path | None,
        typer.Option(
            "--secret-file", help="A file holding the vendor's API secret (Zadarma) or salt (Mango)."
        ),
    ] = None,
    key: Annotated[str | None, typer.Option("--key", help="Mango's vpbx_api_key.")] = None,
    per_minute: Annotated[int, typer.Option("--per-minute", help="Events a minute before 429.")] = 600,
    zone: Annotated[
        str | None, typer.Option("--tz", help="The PBX's time zone, where its events carry local times.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the source and its secret as JSON.")] = False,
) -> None:
    """Add a source; a secret made here is printed this once (keep it in the sender's settings)."""
    from crm_tui.domain.errors import DomainError
    from crm_tui.domain.inbound.sources import add_source, address

    secret = None
    if secret_file is not None:
        from crm_tui.domain.values.file_errors import file_reason

        try:
            secret = secret_file.read_text(encoding="utf-8").strip()
        except OSError as exc:
            fail(_("--secret-file {file}: {reason}").format(file=secret_file, reason=file_reason(exc)))
        except UnicodeDecodeError:
            fail(_("--secret-file {file}: not text in UTF-8").format(file=secret_file))
    try:
        added = add_source(
            open_ws(ctx), name, kind, secret=secret, api_key=key, per_minute=per_minute, tz=zone
        )
    except DomainError as exc:
        fail(str(exc))
    source = added.source
    shown = source.secret if added.secret_made else None
    path = address(source.kind.value, source.name, shown or "<token>")
    if as_json:
        print_json({"name": source.name, "kind": source.kind.value, "path": path, "secret": shown})
        return
    say(_("source {name} ({kind}): {path}").format(name=source.name, kind=source.kind.value, path=path))
    if shown is not None:
        say(_("its secret, shown this once: {secret}").format(secret=shown))


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the sources as JSON.")] = False,
) -> None:
    """The sources (never their secrets) and how many events each has sent."""
    from crm_tui.domain.captions import INBOUND_OUTCOME_NAMES, inbound_refusal
    from crm_tui.domain.inbound.sources import list_sources
    from crm_tui.domain.values.formatting import local_time

    ws = open_ws(ctx)
    lines = list_sources(ws)
    if as_json:
        print_json(
            [
                {"name": s.name, "kind": s.kind, "path": s.path, "per_minute": s.per_minute,
                 "events": s.events, "last_at": s.last_at.isoformat() if s.last_at else None,
                 "last_outcome": s.last_outcome, "refused": s.refused,
                 "last_refused_at": s.refused_at.isoformat() if s.refused_at else None,
                 "last_refused_status": s.refused_status, "last_refused_code": s.refused_code}
                for s in lines
            ]
        )  # fmt: skip
        return
    print_table(
        _("source"), _("kind"), _("address"), _("per minute"), _("events"), _("last event"), _("refused"),
        rows=[
            (s.name, s.kind, s.path, s.per_minute, s.events,
             f"{local_time(s.last_at, ws.tz)} {INBOUND_OUTCOME_NAMES.caption(s.last_outcome or '')}"
             if s.last_at else "—",
             _("{count}, the last {when}: {why}").format(
                 count=s.refused, when=local_time(s.refused_at, ws.tz),
                 why=inbound_refusal(s.refused_status),
             ) if s.refused_at else "0")
            for s in lines
        ],
    )  # fmt: skip


@app.command("remove")
def remove(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The source's name.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Remove a source: its address answers 404 from now on; what it logged stays."""
    from crm_tui.domain.errors import DomainError
    from crm_tui.domain.inbound.sources import remove_source

    try:
        remove_source(open_ws(ctx), name)
    except DomainError as exc:
        fail(str(exc))
    if as_json:
        print_json({"removed": name})
        return
    say(_("source {name} removed").format(name=name))
