"""`crm company`: our company's requisites, printed on every contract and invoice."""

from __future__ import annotations

from typing import Annotated

import typer

from crm_tui.cli.common import fail, open_ws, print_json, say
from crm_tui.i18n import _

app = typer.Typer(help="Our company's requisites (printed on contracts and invoices).", no_args_is_help=True)


def _show(values: dict[str, str], as_json: bool) -> None:
    from crm_tui.domain.documents.company import LABELS, vat_mode_words

    if as_json:
        print_json(values)
        return
    for key, value in values.items():
        shown = f"{vat_mode_words(value)} ({value})" if key == "vat" and value else value or "—"
        say(f"{_(LABELS[key])} ({key}): {shown}")


@app.command("show")
def show(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print the requisites as JSON.")] = False,
) -> None:
    """Show our company's requisites."""
    from dataclasses import asdict

    from crm_tui.domain.documents.company import read_company

    _show(asdict(read_company(open_ws(ctx))), as_json)


@app.command("set")
def set_(
    ctx: typer.Context,
    assignments: Annotated[
        list[str],
        typer.Option(
            "--set",
            help="field=value: name, inn, kpp, ogrn, address, bank, bik, corr_account, account, director, "
            "accountant, director_genitive (в лице кого), vat (none or a rate such as 20)",
        ),
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Print the requisites as JSON.")] = False,
) -> None:
    """Set our company's requisites (an admin); INN, KPP, OGRN, BIK and accounts are checked."""
    from dataclasses import asdict

    from crm_tui.domain.documents.company import set_company

    changes: dict[str, str] = {}
    for item in assignments:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            fail(_("--set {item!r}: write field=value, like inn=7707083893").format(item=item))
        changes[key.strip()] = value
    _show(asdict(set_company(open_ws(ctx), changes)), as_json)
