"""What the inbound screen and `crm mailbox list` / `crm inbound source list` show: each
mailbox's last reading (when, how many, why it failed), a mailbox switched off and read by hand,
each source's address, count and last event; against a real dovecot on loopback."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from email.message import EmailMessage

import pytest

from crm_tui.domain.errors import AccessDenied
from crm_tui.domain.inbound.mailboxes import add_mailbox, list_mailboxes, set_enabled
from crm_tui.domain.inbound.sources import add_source, list_sources, remember
from crm_tui.domain.workspace import Workspace
from crm_tui.scheduling import inbound_mail
from tests.cli_support import crm
from tests.imap_server import ImapServer, running_dovecot
from tests.seed import FROZEN_NOW

Open = Callable[[str], Workspace]


@pytest.fixture
def imap() -> Iterator[ImapServer]:
    with running_dovecot(user="sales@our-firm.ru") as server:
        yield server


def _letter(n: int) -> bytes:
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = (
        "kotov@stroidvor.ru",
        "sales@our-firm.ru",
        f"Заявка {n}",
    )
    message["Message-ID"] = f"<s{n}@stroidvor.ru>"
    message.set_content(f"Письмо {n}")
    return message.as_bytes()


def test_a_reading_is_kept_on_the_mailbox_and_an_off_mailbox_is_read_only_by_hand(
    workspace_for: Open, imap: ImapServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    admin = workspace_for("admin")
    add_mailbox(admin, "sales", imap.url, password_env="CRM_SALES_PASSWORD")
    wrong = inbound_mail.run(admin)  # the variable is not set: said, kept, nothing read
    [line] = list_mailboxes(admin)
    assert wrong.read == 0 and line.read_error == wrong.failed["sales"]
    assert "CRM_SALES_PASSWORD" in (line.read_error or "") and line.read_at == FROZEN_NOW

    monkeypatch.setenv("CRM_SALES_PASSWORD", imap.password)
    imap.deliver(_letter(1))
    imap.deliver(_letter(2))
    set_enabled(admin, "sales", False)
    assert inbound_mail.run(admin).read == 0  # off: the tick leaves it alone
    [line] = list_mailboxes(admin)
    assert not line.enabled and line.mails == 0
    by_hand = inbound_mail.read_one(admin, "sales")  # "read now" reads it all the same
    assert (by_hand.read, by_hand.error, by_hand.outcomes) == (2, None, {"new": 1, "request": 1})
    [line] = list_mailboxes(admin)
    assert (line.read_count, line.read_error, line.mails) == (2, None, 2)
    assert imap.password not in repr(line)
    set_enabled(admin, "sales", True)
    imap.deliver(_letter(3))
    assert inbound_mail.run(admin).read == 1
    [line] = list_mailboxes(admin)
    assert line.enabled and (line.read_count, line.mails) == (1, 3)
    with pytest.raises(AccessDenied):
        inbound_mail.read_one(workspace_for("ivanova"), "sales")


def test_a_source_is_listed_with_its_address_count_and_last_event(workspace_for: Open) -> None:
    admin = workspace_for("admin")
    site = add_source(admin, "site", "form").source
    add_source(admin, "pbx", "uis")
    remember(admin, site, "e1", "new")
    remember(admin, site, "e2", "touch")
    lines = {s.name: s for s in list_sources(admin)}
    assert lines["site"].path == "/hooks/form/site?token=<token>" and site.secret not in repr(lines)
    assert (lines["site"].events, lines["site"].last_outcome, lines["site"].last_at) == (
        2,
        "touch",
        FROZEN_NOW,
    )
    assert (lines["pbx"].path, lines["pbx"].events, lines["pbx"].last_at) == (
        "/hooks/uis/pbx/<token>",
        0,
        None,
    )


def test_mailbox_switch_and_reading_by_cli(seeded_db: str, imap: ImapServer) -> None:
    crm("--db", seeded_db, "mailbox", "add", "sales", "--url", imap.url, "--password-env", "CRM_PW",
        user="admin", check=True)  # fmt: skip
    crm("--db", seeded_db, "mailbox", "disable", "sales", user="admin", check=True)
    imap.deliver(_letter(1))
    read = crm("--db", seeded_db, "mailbox", "read", "sales", "--json", user="admin",
               extra_env={"CRM_PW": imap.password}, check=True)  # fmt: skip
    assert json.loads(read.stdout) == {"name": "sales", "read": 1, "outcomes": {"new": 1}, "error": None}
    listed = json.loads(crm("--db", seeded_db, "mailbox", "list", "--json", user="admin", check=True).stdout)
    assert listed[0]["enabled"] is False and listed[0]["read_count"] == 1 and listed[0]["mails"] == 1
    failed = crm("--db", seeded_db, "mailbox", "read", "sales", user="admin")
    assert failed.returncode == 2 and "CRM_PW" in failed.stdout
    sources = crm("--db", seeded_db, "inbound", "source", "add", "site", "--kind", "form", "--json",
                  user="admin", check=True)  # fmt: skip
    secret = json.loads(sources.stdout)["secret"]
    listed_sources = crm("--db", seeded_db, "inbound", "source", "list", "--json", user="admin", check=True)
    assert json.loads(listed_sources.stdout)[0]["path"] == "/hooks/form/site?token=<token>"
    assert secret not in listed_sources.stdout


def test_a_form_and_its_note_commit_together_and_a_half_done_one_answers_again(workspace_for: Open) -> None:
    """The receiver's form is one transaction (the request, its touch and the note of the event):
    taken twice, the second is 'again'; a form whose touch is there but whose note is not (written
    by an older receiver that crashed between its two commits) is 'again' too, noted, no second
    request."""
    from sqlalchemy import delete, func, select

    from crm_tui.domain.inbound.forms import take_form
    from crm_tui.domain.leads.intake import Request
    from crm_tui.storage.models import inbound_events, leads

    admin = workspace_for("admin")
    site = add_source(admin, "site", "form").source
    form = Request(name="Олег", phone="+7 916 555-05-05", message="Прайс")
    first, second = take_form(admin, site, "e1", form), take_form(admin, site, "e1", form)
    assert (first.outcome, first.again, second.outcome, second.again) == ("new", False, "new", True)
    with admin.write() as session:
        session.execute(delete(inbound_events))
    half = take_form(admin, site, "e1", form)
    assert (half.outcome, half.again) == ("again", True)
    with admin.read() as session:
        assert session.scalar(select(func.count()).select_from(leads)) == 1
        assert session.scalars(select(inbound_events.c.outcome)).all() == ["again"]
