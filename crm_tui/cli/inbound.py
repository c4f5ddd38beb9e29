"""`crm inbound`: what comes in by itself: a PBX's call records, the receiver, its sources, mail."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from crm_tui.cli import inbound_sources
from crm_tui.cli.common import fail, open_ws, print_json, say
from crm_tui.i18n import _

app = typer.Typer(help="Calls and other requests that come in by themselves.", no_args_is_help=True)
app.add_typer(inbound_sources.app, name="source")


@app.command("mail")
def mail(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Read every mailbox once and stop.")] = False,
    every: Annotated[int, typer.Option("--every", help="Seconds between readings, without --once.")] = 60,
    as_json: Annotated[bool, typer.Option("--json", help="Print each reading as JSON.")] = False,
) -> None:
    """Read the mailboxes (crm mailbox add): new mail on the timelines, each mail once; without
    --once, again every --every seconds until stopped."""
    import time

    from crm_tui.scheduling.inbound_mail import run

    ws = open_ws(ctx)
    while True:
        report = run(ws)
        if as_json:
            print_json(report.as_json())
        else:
            outcomes = ", ".join(f"{k} {n}" for k, n in sorted(report.outcomes.items())) or "—"
            say(_("mail read: {read} ({outcomes})").format(read=report.read, outcomes=outcomes))
            for name, why in report.failed.items():
                say(_("mailbox {name}: {reason}").format(name=name, reason=why))
        if once:
            if report.failed and not report.read:
                raise typer.Exit(2)
            return
        time.sleep(max(5, every))


@app.command("serve")
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option("--host", help="The address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="The port to listen on.")] = 8080,
    workers: Annotated[
        int | None,
        typer.Option(
            "--workers", min=1, max=64, help="Threads for the database work (default: 1 on SQLite, 4 else)."
        ),
    ] = None,
) -> None:
    """Receive the site's forms, the PBXs' call events and the bot's messages over HTTP, until
    stopped; behind a reverse proxy that terminates TLS (see the README)."""
    from crm_tui.domain.access.capabilities import Capability, can

    ws = open_ws(ctx)
    if not can(ws.viewer, Capability.RECEIVE_INBOUND):
        fail(
            _("{login} may not receive what comes in (an admin's or ops' account runs the receiver)").format(
                login=ws.viewer.login
            )
        )
    from crm_tui.web.inbound.app import serve as run

    run(ws, host, port, workers=workers)


@app.command("calls")
def calls(
    ctx: typer.Context,
    file: Annotated[
        Path, typer.Argument(help="Asterisk's Master.csv (cdr_csv, no header), or a cloud PBX's export.")
    ],
    file_format: Annotated[
        str,
        typer.Option("--format", help="asterisk (Master.csv) or csv (an export with a header row, or xlsx)."),
    ] = "asterisk",
    zone: Annotated[
        str, typer.Option("--tz", help="The PBX's time zone, as its CDR times are local (IANA name).")
    ] = "Europe/Moscow",
    as_json: Annotated[bool, typer.Option("--json", help="Print what was logged as JSON.")] = False,
) -> None:
    """Log a PBX's calls on the timelines: each call once, however often the file is read."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from crm_tui.domain.interactions.calls import log_calls
    from crm_tui.importers.channels.calls.asterisk import read_master_csv

    try:
        tz = ZoneInfo(zone)
    except (ZoneInfoNotFoundError, ValueError):
        fail(
            _("--tz: {zone!r} is not a time zone (Europe/Moscow, Asia/Yekaterinburg, ...)").format(zone=zone)
        )
    try:
        data = file.read_bytes()
    except FileNotFoundError:
        fail(_("{file}: no such file").format(file=file))
    except IsADirectoryError:
        fail(_("{file}: a folder, not a file of calls").format(file=file))
    except PermissionError:
        fail(_("{file}: no permission to read it").format(file=file))
    except OSError:  # the system's own words are English: the catalogue's say what and where
        fail(_("{file}: the file cannot be read").format(file=file))
    if file_format not in ("csv", "asterisk"):
        fail(_("--format: asterisk or csv, not {value!r}").format(value=file_format))
    ws = open_ws(ctx)  # its clock says which start is ahead of now
    if file_format == "csv":
        from crm_tui.domain.imports.errors import ImportFileError
        from crm_tui.importers.channels.calls.csv_export import read_export

        try:
            read = read_export(file, tz, now=ws.now())
        except (ValueError, ImportFileError) as exc:
            fail(_("{file}: {reason}").format(file=file, reason=exc))
    else:
        read = read_master_csv(data, tz, now=ws.now())
    if not read.calls and read.rejected:
        first = read.rejected[0]
        fail(
            _("{file}: no line reads as a call record; line {line}: {reason}").format(
                file=file, line=first.line, reason=first.reason
            )
        )
    logged = log_calls(ws, read.calls)
    if as_json:
        print_json(
            {
                "file": str(file),
                "calls": len(read.calls),
                "legs": read.legs,
                "outcomes": dict(sorted(logged.outcomes.items())),
                "callbacks": logged.callbacks,
                "new_requests": logged.leads,
                "rejected": [{"line": r.line, "reason": r.reason} for r in read.rejected],
            }
        )
        return
    say(
        _("{file}: {calls} calls; on clients' timelines {client}, on requests {request}, new requests {new}, "
          "logged before {again}; callback tasks {callbacks}").format(
            file=file.name, calls=len(read.calls), client=logged.outcomes["client"],
            request=logged.outcomes["request"], new=logged.outcomes["new request"],
            again=logged.outcomes["again"], callbacks=logged.callbacks,
        )
    )  # fmt: skip
    for rejected in read.rejected:
        say(_("line {line}: {reason}").format(line=rejected.line, reason=rejected.reason))
