"""What every command shares: the parsed global options, opening the workspace, output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields, is_dataclass
from typing import TYPE_CHECKING, Any, NoReturn, TypeVar

import typer

from crm_tui.config import Settings, load_settings
from crm_tui.i18n import N_, _, current_locale, number

if TYPE_CHECKING:
    from crm_tui.domain.reports.table import Column, Report
    from crm_tui.domain.segments.recompute import RecomputeResult
    from crm_tui.domain.workspace import Workspace

EXIT_USER_ERROR = 2
R = TypeVar("R")
ERROR_LINE = N_("crm: error: {message}")
"""How `crm` says what went wrong: one line on stderr."""
UNKNOWN_USER = N_("unknown user {login!r} in {option}")
UNKNOWN_OWNER = N_("unknown owner {login!r} in {option}")


@dataclass
class Globals:
    db: str | None = None
    user: str | None = None
    config: str | None = None

    def settings(self, database: str | None = None) -> Settings:
        """The settings (``database`` in place of ``--db`` if given), their language put in force
        before any command imports a screen."""
        from crm_tui.i18n import set_locale

        settings = load_settings(database or self.db, act_as=self.user, config=self.config)
        set_locale(settings.locale)
        return settings


def globals_of(ctx: typer.Context) -> Globals:
    obj = ctx.find_root().obj
    assert isinstance(obj, Globals)
    return obj


def open_ws(ctx: typer.Context) -> Workspace:
    """The workspace of a headless command, on a database that exists (a mistyped ``--db`` in a
    cron job must not run against a new, empty base)."""
    from crm_tui.domain.workspace import open_workspace
    from crm_tui.storage.database import require_existing

    settings = globals_of(ctx).settings()
    require_existing(settings.database)
    return open_workspace(settings.database, settings.login, act_as=settings.act_as, tz=settings.timezone)


def error_line(message: object) -> str:
    """The one line: whatever the message quotes from the base or the command line is shown as
    plain text (``inert``), on one line."""
    from crm_tui.domain.values.text import inert

    return _(ERROR_LINE).format(message=inert(message))


def fail(message: str) -> NoReturn:
    """Say ``message`` (already in the language in force) as the one error line; exit 2."""
    typer.echo(error_line(message), err=True)
    raise typer.Exit(EXIT_USER_ERROR)


def say(line: str) -> None:
    """One line of a command's human output. Its values came from outside (names, comments, file
    names): they are shown as the characters they hold, with no control characters
    (``crm_tui.domain.values.text.inert``), so an escape sequence in a name cannot clear the
    screen, colour what follows or plant a link, and a line break in a comment cannot start a
    line that looks like the command's own. Every human line goes through here."""
    from crm_tui.domain.values.text import inert

    typer.echo(inert(line))


def warn(line: str) -> None:
    """A warning on standard error, shown as ``say`` shows a line: the command goes on (its
    output, JSON or not, stays clean on standard output)."""
    from crm_tui.domain.values.text import inert

    typer.echo(inert(line), err=True)


def capped(rows: list[R], limit: int, narrow: str) -> list[R]:
    """The first ``limit`` of ``rows``, read with one more than that: when there were more, a
    list that stops short says so on standard error (with --json too: a script must not take a
    page for the whole) and how to narrow it (``narrow``: the command's filtering options)."""
    if len(rows) > limit:
        warn(
            _("only the first {limit} are shown: more match; narrow the list with {options}").format(
                limit=limit, options=narrow
            )
        )
    return rows[:limit]


def print_rows(*columns: str, rows: Sequence[Sequence[object]]) -> int:
    """``print_table``, or «nothing found» for no rows rather than an empty frame of headers."""
    if not rows:
        say(_("nothing found"))
        return 0
    return print_table(*columns, rows=rows)


def print_table(*columns: str, rows: Iterable[Sequence[object]]) -> int:
    """A Rich table of ``rows`` under ``columns`` (headers in the language in force), every cell
    shown as the text it holds (``literal``): a name like ``[bold red]x`` or ``[/]`` is printed
    as typed, not read as console markup. Returns the number of rows."""
    from rich.cells import cell_len
    from rich.console import Console
    from rich.table import Table

    from crm_tui.domain.values.text import literal

    table = Table()
    cells = [[literal(cell) for cell in row] for row in rows]
    for n, column in enumerate(columns):
        values = [row[n].plain for row in cells if n < len(row) and row[n].plain]
        # A column of figures is as wide as its widest: never wrapped, its header may be.
        width = max(map(cell_len, [*values, *column.split()])) if _unbreakable(values) else None
        table.add_column(literal(column), width=width)
    for row in cells:
        table.add_row(*row)
    Console().print(table)
    return table.row_count


def print_figures(columns: Sequence[Column], rows: Iterable[dict[str, Any]]) -> None:
    """Rows of figures that are not a KPI report (the campaigns, a campaign's steps) printed as a
    report is (``print_report``): piped into cron mail at 80 columns their headings were cut
    («получате…») by a table of their own."""
    from crm_tui.domain.reports.kpi import shown_rows
    from crm_tui.domain.reports.table import Report

    report = Report("", list(columns), list(rows))
    print_report(report, shown_rows(report))


def _unbreakable(values: list[str]) -> bool:
    """A column of figures (amounts, counts, shares), some with their thousands grouped by
    no-break spaces ("4 316 900,41 ₽"): Rich breaks a line at any space, no-break or not, so
    such a column keeps its width (the columns of words around it are wrapped)."""
    import re

    figure = re.compile(r"[-+]?\d[\d\u00a0\u202f]*(?:[.,]\d+)?(?: ?(?:₽|%))?")
    spaced = any(" " in v or "\u00a0" in v or "\u202f" in v for v in values)
    return spaced and all(figure.fullmatch(v) for v in values)


def grouped(value: int) -> str:
    """A count with its thousands grouped: 12,345 in English (as `crm` always wrote it), 12 345
    in Russian (``i18n.number``)."""
    return f"{value:,}" if current_locale() == "en" else number(value)


def segment_counts(result: RecomputeResult) -> str:
    """After a recompute: how many clients each segment holds, and how many moved."""
    from crm_tui.domain.captions import segment_name

    counts = ", ".join(f"{segment_name(c.segment)} {c.clients}" for c in result.counts)
    return _("segments: {counts}; moved {moved}").format(counts=counts, moved=result.moved)


def print_json(value: Any) -> None:
    """One JSON line, written at once: ``json.dump`` writes a value piece by piece, a write (and,
    unbuffered, a system call) for every key and value of a list of hundreds of rows. A
    dataclass is written as its fields (``json_fields``), nested ones too."""
    sys.stdout.write(json.dumps(value, ensure_ascii=False, default=_json_value) + "\n")


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def json_fields(record: Any) -> dict[str, Any]:
    """A dataclass's fields by name, one level deep: what ``dataclasses.asdict`` gives once JSON
    has written it (``print_json`` converts the dataclasses inside the same way), without
    ``asdict``'s deep copy of every value, which was half of `crm clients list --json`'s time
    on a base of 100,000 clients."""
    kind = type(record)
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(record))
    return {name: getattr(record, name) for name in names}


def person_json(key: str, login: str | None, name: str | None) -> dict[str, str | None]:
    """A person in ``--json``, the same in every deal and task command: the login under ``key``
    (``owner``, ``assignee``, ``set_by``, ``closed_by``: what a script passes back to ``--owner``
    or ``--to``, and the same person whatever their name), the full name under ``key_name``."""
    return {key: login, f"{key}_name": name}


ON_OPTION = N_("{option}: {reason}")
"""A refusal led by the option the person typed (``--to: ...``), not the field's name."""


@contextmanager
def options_named(option_of: Callable[[str, dict[str, object]], str | None]) -> Iterator[None]:
    """A domain refusal about a field (its ``field`` param) said as about the option it came
    from on the command line: ``option_of(field, params)`` names it (``--to``, ``--set
    amount``, ``--add «Болт;много»``), or None to leave the refusal as it is. A record's "not
    found" names the record already and is left alone."""
    from crm_tui.domain.deals.new_deal import ON_FIELD
    from crm_tui.domain.errors import RECORD_KINDS, DomainError
    from crm_tui.i18n import Message

    try:
        yield
    except DomainError as exc:
        field = str(exc.params.get("field", ""))
        a_record = exc.code.removesuffix(".not_found") in RECORD_KINDS  # «deal 13 not found»
        option = option_of(field, exc.params) if field and not a_record else None
        if option is None:
            raise
        message = exc.message
        reason = message.params["reason"] if message.msgid == ON_FIELD else message
        said = Message(message.code, ON_OPTION, option=option, reason=reason, field=field)
        raise type(exc)(said) from None


def _json_value(value: object) -> Any:
    """A value JSON has no type for: a dataclass as its fields, a moment or a day in ISO 8601
    (``2026-12-04T10:15:03+00:00``, as every --json writes them: a script parses one format),
    anything else as its text."""
    from datetime import date

    if is_dataclass(value) and not isinstance(value, type):
        return json_fields(value)
    return value.isoformat() if isinstance(value, date) else str(value)


def user_id_of(ws: Workspace, login: str | None, option: str, unknown: str = UNKNOWN_USER) -> int | None:
    """The id of the user ``login`` named in ``option``; one line (``unknown``, a msgid) and exit
    2 if there is none."""
    if login is None:
        return None
    from sqlalchemy import select

    from crm_tui.storage.tables.team import users

    with ws.read_core() as session:
        found = session.scalar(select(users.c.id).where(users.c.login == login))
    if found is None:
        fail(_(unknown).format(login=login, option=option))
    return int(found)


def print_report(report: Report, cells: Sequence[Sequence[str]]) -> None:
    """``report`` (its rows as ``cells`` show them) as one table or several in the terminal's
    width; every cell shown as the text it holds (``literal``: a name like ``[bold]x`` is
    printed as typed)."""
    from rich import box
    from rich.console import Console
    from rich.table import Table

    from crm_tui.cli.report_table import GAP, LABEL_KINDS, layout
    from crm_tui.domain.values.text import literal

    console = Console()
    plan = layout(report, cells, console.width)
    for index, columns in enumerate(plan.tables):
        table = Table(
            box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, GAP // 2), collapse_padding=True
        )
        for n in columns:
            column = report.columns[n]
            label = column.kind in LABEL_KINDS
            table.add_column(
                literal(column.title),
                width=plan.widths[n],
                justify="left" if label else "right",
                no_wrap=label,
                overflow="ellipsis" if label else "fold",
            )
        for row in cells:
            table.add_row(*(literal(row[n]) for n in columns))
        if index:
            console.print()
        console.print(table)
