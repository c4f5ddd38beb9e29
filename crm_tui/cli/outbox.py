"""`crm outbox`: the letters waiting, sent, failed or uncertain; the sending; the senders."""

from __future__ import annotations

import time
from typing import Annotated

import typer

from crm_tui.cli.common import open_ws, print_json, print_table, say
from crm_tui.i18n import _

app = typer.Typer(help="The outbox: every letter to go out, sent exactly once.", no_args_is_help=True)
AsJson = Annotated[bool, typer.Option("--json", help="Print the result as JSON.")]


@app.command("list")
def list_(
    ctx: typer.Context,
    state: Annotated[
        str | None, typer.Option("--state", help="pending, sending, sent, failed, uncertain, dropped.")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """The letters of the outbox (first 500), the next due first."""
    from crm_tui.domain.campaigns.rows import list_outbox
    from crm_tui.domain.captions import LETTER_STATE_NAMES, letter_error

    ws = open_ws(ctx)
    rows = list_outbox(ws, state)
    if as_json:
        print_json([r.as_json() for r in rows])
        return
    print_table(
        _("id"), _("campaign"), _("address"), _("state"), _("attempts"), _("next try"), _("error"),
        rows=((r.id, r.campaign or "", r.address, LETTER_STATE_NAMES.caption(r.state), r.attempts,
               f"{r.next_try.astimezone(ws.tz):%d.%m.%Y %H:%M}", letter_error(r.last_error))
              for r in rows),
    )  # fmt: skip


@app.command("retry")
def retry(
    ctx: typer.Context,
    letter: Annotated[int, typer.Argument(help="The letter's id.")],
    as_json: AsJson = False,
) -> None:
    """Send an uncertain or failed letter again (you checked it did not arrive)."""
    from crm_tui.domain.campaigns.rows import resend

    state = resend(open_ws(ctx), letter)
    print_json({"id": letter, "state": state}) if as_json else say(
        _("letter {id} will be sent again").format(id=letter)
    )


@app.command("drop")
def drop(
    ctx: typer.Context,
    letter: Annotated[int, typer.Argument(help="The letter's id.")],
    as_json: AsJson = False,
) -> None:
    """Never send a letter (an uncertain one that did arrive, a pending one not wanted)."""
    from crm_tui.domain.campaigns.rows import drop as do_drop

    state = do_drop(open_ws(ctx), letter)
    print_json({"id": letter, "state": state}) if as_json else say(_("letter {id} dropped").format(id=letter))


@app.command("send")
def send(
    ctx: typer.Context,
    once: Annotated[bool, typer.Option("--once", help="Send what is due and stop.")] = False,
    every: Annotated[int, typer.Option("--every", help="Without --once: look again every N seconds.")] = 30,
    as_json: AsJson = False,
) -> None:
    """Send the letters that are due, through each sender's SMTP server."""
    from crm_tui.scheduling.outbox_send import send_outbox

    ws = open_ws(ctx)
    while True:
        report = send_outbox(ws)
        if as_json:
            print_json(report.as_json())
        else:
            say(
                _("sent {sent}, failed {failed}, to retry {retry}, uncertain {uncertain}").format(
                    sent=report.sent, failed=report.failed, retry=report.retry, uncertain=report.uncertain
                )
            )
            for reason in report.unreachable:
                say(_("not reached: {reason}").format(reason=reason))
        if once:
            return
        time.sleep(max(every, 1))


@app.command("sender")
def sender(
    ctx: typer.Context,
    address: Annotated[str, typer.Argument(help="The sending address.")],
    name: Annotated[str | None, typer.Option("--name", help="The name in From.")] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="The manager (login) whose own address it is.")
    ] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="The phone letters sign with.")] = None,
    signature: Annotated[
        str | None, typer.Option("--signature", help="The signature of the letters.")
    ] = None,
    host: Annotated[str | None, typer.Option("--host", help="The SMTP server.")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Its port (587 STARTTLS, 465 TLS).")] = None,
    security: Annotated[
        str | None,
        typer.Option("--security", help="starttls (a new sender's default), tls or none (loopback relay)."),
    ] = None,
    login: Annotated[str | None, typer.Option("--login", help="The SMTP login.")] = None,
    password_file: Annotated[
        str | None, typer.Option("--password-file", help="A file holding the password.")
    ] = None,
    password_env: Annotated[
        str | None, typer.Option("--password-env", help="An environment variable holding the password.")
    ] = None,
    per_minute: Annotated[
        int | None, typer.Option("--per-minute", help="At most this many letters a minute.")
    ] = None,
    per_day: Annotated[
        int | None, typer.Option("--per-day", help="At most this many a day (Yandex: 500).")
    ] = None,
    as_json: AsJson = False,
) -> None:
    """Add or change a sending address. The password is never stored: a file or a variable is named."""
    from crm_tui.domain.campaigns.senders import SenderDraft, set_sender

    sender_id = set_sender(
        open_ws(ctx),
        SenderDraft(address, name, user, phone, signature, host, port, security, login, password_file,
                    password_env, per_minute, per_day),
    )  # fmt: skip
    print_json({"id": sender_id}) if as_json else say(_("sender {address} saved").format(address=address))


@app.command("public-url")
def public_url(
    ctx: typer.Context,
    url: Annotated[
        str, typer.Argument(help="The receiver's address from outside, e.g. https://crm.firm.ru.")
    ],
    as_json: AsJson = False,
) -> None:
    """Set the address the unsubscribe links of the letters point at (the inbound receiver)."""
    from crm_tui.domain.campaigns.senders import set_public_url

    value = set_public_url(open_ws(ctx), url)
    print_json({"public_url": value}) if as_json else say(
        _("unsubscribe links: {url}/unsubscribe/…").format(url=value)
    )
