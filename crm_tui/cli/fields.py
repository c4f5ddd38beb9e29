"""`crm fields`: the client portrait's fields and the required contact information."""

from __future__ import annotations

from typing import Annotated

import typer

from crm_tui.cli.common import fail, open_ws, print_json, say
from crm_tui.i18n import _

app = typer.Typer(
    help="The client portrait: custom fields, required contact information.", no_args_is_help=True
)


@app.command("list")
def list_(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="Print as JSON.")] = False,
) -> None:
    """The portrait's fields (required ones marked) and the contact information required."""

    from crm_tui.domain.captions import FIELD_KIND_NAMES
    from crm_tui.domain.portrait.fields import portrait_fields, required_contacts

    ws = open_ws(ctx)
    with ws.read() as session:
        found = portrait_fields(session)
        contacts = required_contacts(session)
    if as_json:
        print_json({"fields": found, "required_contacts": contacts})
        return
    for f in found:
        choices = f" ({', '.join(f.choices)})" if f.choices else ""
        required = " " + _("required") if f.required else ""
        say(f"{f.key:<20} {f.label:<24} {FIELD_KIND_NAMES.caption(f.kind):<7}{required}{choices}")
    say(_required_contacts(contacts))


def _required_contacts(items: list[str]) -> str:
    return _("required contact information: {items}").format(items=", ".join(items) or _("none"))


@app.command("add")
def add(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Field key: latin letters, digits, _.")],
    label: Annotated[str, typer.Option("--label", help="What people read.")] = "",
    kind: Annotated[
        str, typer.Option("--kind", help="text, number, money, date, choice, multi, bool.")
    ] = "text",
    choices: Annotated[str, typer.Option("--choices", help="For choice and multi: a,b,c.")] = "",
    required: Annotated[bool, typer.Option("--required", help="Counts in completeness.")] = False,
) -> None:
    """Add a portrait field (admins)."""
    from crm_tui.domain.captions import FIELD_KIND_NAMES
    from crm_tui.domain.portrait.fields import add_field
    from crm_tui.storage.models import FieldKind

    if kind not in {k.value for k in FieldKind}:
        fail(_("--kind {kind!r}: use text, number, money, date, choice, multi or bool").format(kind=kind))
    options = [c.strip() for c in choices.split(",") if c.strip()]
    added = add_field(open_ws(ctx), key, label or key, FieldKind(kind), options, required)
    said = _("field {key} added ({kind}, required)") if added.required else _("field {key} added ({kind})")
    say(said.format(key=added.key, kind=FIELD_KIND_NAMES.caption(added.kind)))


@app.command("remove")
def remove(ctx: typer.Context, key: Annotated[str, typer.Argument(help="Field key.")]) -> None:
    """Retire a portrait field (admins); the values are kept in case it comes back."""
    from crm_tui.domain.portrait.fields import remove_field

    had = remove_field(open_ws(ctx), key)
    say(_("field {key} removed ({count} clients had a value; kept)").format(key=key, count=had))


@app.command("require")
def require(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="Field key.")],
    optional: Annotated[bool, typer.Option("--optional", help="Make it optional instead.")] = False,
) -> None:
    """Make a portrait field required (it counts in completeness) or optional (admins)."""
    from crm_tui.domain.portrait.fields import set_field_required

    set_field_required(open_ws(ctx), key, not optional)
    say((_("field {key} is optional") if optional else _("field {key} is required")).format(key=key))


@app.command("require-contacts")
def require_contacts(
    ctx: typer.Context,
    items: Annotated[str, typer.Argument(help="Comma-separated: phone, email, contact, contact_position.")],
) -> None:
    """Set the contact information every client must have (admins); empty for none."""
    from crm_tui.domain.portrait.fields import set_required_contacts

    chosen = [i.strip() for i in items.split(",") if i.strip()]
    set_required_contacts(open_ws(ctx), chosen)
    say(_required_contacts(chosen))


@app.command("set")
def set_(
    ctx: typer.Context,
    client: Annotated[int, typer.Argument(help="Client id.")],
    values: Annotated[list[str], typer.Argument(help="key=value pairs (an empty value clears).")],
) -> None:
    """Fill a client's portrait from the command line."""
    from crm_tui.domain.clients.card import load_card
    from crm_tui.domain.portrait.fields import set_values

    pairs: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep:
            fail(_("{item!r} is not key=value").format(item=item))
        pairs[key.strip()] = value
    ws = open_ws(ctx)
    with ws.read() as session:
        version = load_card(session, ws.viewer, client).version
    set_values(ws, client, version, pairs)
    say(_("client {client}: portrait saved").format(client=client))
