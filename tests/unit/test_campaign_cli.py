"""`crm campaign` and `crm outbox` end to end: a sender, a campaign from a file, enrolment, a
preview, the sending into a real SMTP server, the figures; and the refusals in one line."""

from __future__ import annotations

import json
import re
from pathlib import Path

from crm_tui.domain.workspace import open_workspace
from crm_tui.storage.database import dispose_engines
from tests.cli_support import crm, error_line
from tests.smtp_server import Mailbox
from tests.unit.campaign_base import add_clients


def test_a_campaign_from_the_command_line_reaches_the_server(
    seeded_db: str, tmp_path: Path, smtp_server: Mailbox
) -> None:
    add_clients(open_workspace(seeded_db, "admin"), 3)
    dispose_engines()
    db = ("--db", seeded_db)
    crm(*db, "outbox", "sender", "ivanova@ourfirm.ru", "--user", "ivanova", "--name", "Светлана Иванова",
        "--host", "127.0.0.1", "--port", str(smtp_server.port), "--security", "none",
        "--signature", "С уважением, Светлана", user="admin", check=True)  # fmt: skip
    steps = tmp_path / "steps.json"
    steps.write_text(
        json.dumps(
            [{"day": 0, "subject": "Для {{ client }}", "text": "Здравствуйте, {{ name_patronymic }}!"}]
        ),
        encoding="utf-8",
    )
    crm(
        *db,
        "campaign",
        "add",
        "Осень",
        "--steps",
        str(steps),
        "--segment",
        "lost",
        user="smirnov",
        check=True,
    )
    crm(*db, "campaign", "add", "Дожим", "--example", "lost-drip", user="smirnov", check=True)
    enrolling = crm(*db, "campaign", "enroll", "Осень", "--json", user="smirnov", check=True)
    enrolled = json.loads(enrolling.stdout)
    assert enrolled["enrolled"] == 3 and enrolled["letters"] == 3
    assert "crm outbox public-url" in enrolling.stderr, "the links would point at localhost, unsaid"
    listed = json.loads(crm(*db, "campaign", "list", "--json", user="smirnov", check=True).stdout)
    assert {c["name"]: c["steps"] for c in listed} == {"Осень": 1, "Дожим": 3}
    client_id = json.loads(crm(*db, "outbox", "list", "--json", user="admin", check=True).stdout)
    assert [r["state"] for r in client_id] == ["pending"] * 3
    shown = crm(
        *db, "campaign", "preview", "Дожим", "--client", "1", "--step", "3", user="smirnov", check=True
    )
    assert "7%" in shown.stdout and "To stop these letters:" in shown.stdout
    sent = json.loads(crm(*db, "outbox", "send", "--once", "--json", user="admin", check=True).stdout)
    assert sent["sent"] == 3 and len(smtp_server.letters) == 3
    stats = json.loads(crm(*db, "campaign", "stats", "Осень", "--json", user="smirnov", check=True).stdout)
    assert stats["total"]["sent"] == 3 and stats["steps"][0]["enrolled"] == 3
    who = json.loads(
        crm(*db, "campaign", "stats", "Осень", "--who", "sent", "--json", user="smirnov", check=True).stdout
    )
    assert sorted(r["address"] for r in who) == [f"client{n}@example.ru" for n in range(3)]
    paused = json.loads(crm(*db, "campaign", "pause", "Осень", "--json", user="smirnov", check=True).stdout)
    assert paused["status"] == "paused"


def test_refusals_are_one_line(seeded_db: str, tmp_path: Path) -> None:
    db = ("--db", seeded_db)
    steps = tmp_path / "steps.json"
    steps.write_text(json.dumps([{"day": 8, "subject": "x", "text": "{{ clinet }}"}]), encoding="utf-8")
    unknown = crm(*db, "campaign", "add", "X", "--steps", str(steps), user="smirnov")
    assert unknown.returncode == 2
    assert "step 1 text: unknown merge fields clinet" in error_line(unknown)
    broken = tmp_path / "broken.json"
    broken.write_text(json.dumps([{"day": 8, "subject": "x", "text": "{% if %}"}]), encoding="utf-8")
    syntax = crm(*db, "campaign", "add", "X", "--steps", str(broken), user="smirnov")
    assert syntax.returncode == 2 and "step 1 text: the template breaks at line 1" in error_line(syntax)
    # Found only by making a letter: it was accepted, and its letters then stopped the outbox.
    attribute = tmp_path / "attribute.json"
    attribute.write_text(
        json.dumps([{"day": 0, "subject": "x", "text": "{{ client.name }}"}]), encoding="utf-8"
    )
    fails = crm(*db, "campaign", "add", "X", "--steps", str(attribute), user="smirnov")
    assert fails.returncode == 2 and "step 1 text: the template cannot make a letter" in error_line(fails)
    manager = crm(*db, "campaign", "add", "X", "--example", "lost-drip", user="ivanova")
    assert manager.returncode == 2 and "campaigns are run by a head of sales or an admin" in error_line(
        manager
    )
    missing = crm(*db, "campaign", "enroll", "Нет такой", user="smirnov")
    assert missing.returncode == 2 and "no campaign 'Нет такой'" in error_line(missing)
    sandboxed = tmp_path / "sandbox.json"
    sandboxed.write_text(
        json.dumps([{"day": 0, "subject": "x", "text": "{{ client.__class__.__mro__ }}"}]), encoding="utf-8"
    )
    escape = crm(*db, "campaign", "add", "S", "--steps", str(sandboxed), user="smirnov")
    assert escape.returncode == 2 and "the template cannot make a letter" in error_line(escape)
    assert "unsafe" in error_line(escape)


def test_the_unsubscribe_links_point_at_the_public_address(seeded_db: str) -> None:
    db = ("--db", seeded_db)
    bad = crm(*db, "outbox", "public-url", "crm.firm.ru", user="admin")
    assert bad.returncode == 2 and "is not an http(s) address" in error_line(bad)
    crm(*db, "outbox", "public-url", "https://crm.firm.ru/", user="admin", check=True)
    ws = open_workspace(seeded_db, "admin")
    add_clients(ws, 1)
    from crm_tui.domain.campaigns.rows import preview
    from tests.unit.campaign_base import mail_setup

    mail_setup(ws, 25)
    letter = preview(ws, "Drip", 1, max(add_clients(ws, 1, prefix="x")))
    assert letter.unsubscribe_url.startswith("https://crm.firm.ru/unsubscribe/")


def test_changing_a_senders_port_keeps_its_manager_signature_and_limits(seeded_db: str) -> None:
    """The reviewer moved a demo sender to another port: its manager, name, signature and the
    500-a-day limit were wiped, and its letters went out unsigned."""
    from sqlalchemy import select

    from crm_tui.storage.database import get_engine
    from crm_tui.storage.models import mail_senders

    db = ("--db", seeded_db)
    crm(*db, "outbox", "sender", "ivanova@ourfirm.ru", "--user", "ivanova", "--name", "Светлана Иванова",
        "--host", "smtp.yandex.ru", "--signature", "С уважением, Светлана", "--per-day", "500",
        user="admin", check=True)  # fmt: skip
    crm(*db, "outbox", "sender", "ivanova@ourfirm.ru", "--host", "127.0.0.1", "--port", "8025",
        "--security", "none", user="admin", check=True)  # fmt: skip
    with get_engine(seeded_db).connect() as conn:
        row = conn.execute(select(mail_senders).where(mail_senders.c.address == "ivanova@ourfirm.ru")).one()
    dispose_engines()
    assert (row.smtp_host, row.smtp_port, row.smtp_security) == ("127.0.0.1", 8025, "none")
    assert row.user_id is not None and row.display_name == "Светлана Иванова"
    assert (row.signature, row.per_day) == ("С уважением, Светлана", 500)


def test_preview_and_test_take_a_client_by_name_inn_or_phone(seeded_db: str, smtp_server: Mailbox) -> None:
    """`--client` took only an id; a person knows the client by name or phone. Read as `crm deal
    add` reads a client: several fitting are listed, none fitting is said, each in one line."""
    db = ("--db", seeded_db)
    crm(*db, "campaign", "add", "Дожим", "--example", "lost-drip", user="smirnov", check=True)
    for login in ("smirnov", "ivanova"):  # the viewer's address (the test's) and the owner's (the letter's)
        crm(*db, "outbox", "sender", f"{login}@ourfirm.ru", "--user", login, "--host", "127.0.0.1",
            "--port", str(smtp_server.port), "--security", "none", user="admin", check=True)  # fmt: skip
    for client in ("Ромашка", "+7 495 111-22-33", "1"):
        shown = crm(
            *db, "campaign", "preview", "Дожим", "--client", client, "--json", user="smirnov", check=True
        )
        assert json.loads(shown.stdout)["to"] == "info@romashka.ru", client
    several = crm(*db, "campaign", "preview", "Дожим", "--client", "+7495", user="smirnov")
    assert several.returncode == 2
    assert "'+7495' matches several clients: Ромашка, Москва (1); СтройМонтаж, Химки (3)" in error_line(
        several
    )
    nobody = crm(*db, "campaign", "test", "Дожим", "--client", "Нет такого", user="smirnov")
    assert nobody.returncode == 2 and "no client matches 'Нет такого'" in error_line(nobody)
    sent = crm(*db, "campaign", "test", "Дожим", "--client", "Ромашка", "--json", user="smirnov", check=True)
    assert json.loads(sent.stdout) == {"sent_to": "smirnov@ourfirm.ru"} and len(smtp_server.letters) == 1


def test_the_campaigns_list_and_figures_fit_80_columns_in_russian(seeded_db: str) -> None:
    """Piped (cron mail) at 80 columns in Russian, `campaign list` and `campaign stats` cut their
    headings («отписал…»): now printed as the reports are, headings wrapped at their spaces and
    the figures whole."""
    from rich.cells import cell_len

    from crm_tui.i18n import in_language

    add_clients(open_workspace(seeded_db, "admin"), 3)
    dispose_engines()
    db = ("--db", seeded_db)
    russian = {"LANG": "ru_RU.UTF-8"}
    name = "Дожим потерянных клиентов северо-западного округа"
    crm(
        *db,
        "campaign",
        "add",
        name,
        "--example",
        "lost-drip",
        "--segment",
        "lost",
        user="smirnov",
        check=True,
    )
    crm(*db, "outbox", "sender", "ivanova@ourfirm.ru", "--user", "ivanova", "--host", "127.0.0.1",
        user="admin", check=True)  # fmt: skip
    crm(*db, "campaign", "enroll", name, user="smirnov", check=True)
    headings = {
        "list": ("id", "name", "kind", "status", "steps", "recipients", "pending", "sent"),
        "stats": ("step", "day", "enrolled", "sent", "failed", "uncertain", "bounced", "unsubscribed",
                  "replied", "reply rate", "deals"),
    }  # fmt: skip
    for command, args in (("list", ()), ("stats", (name,))):
        shown = crm(*db, "campaign", command, *args, user="smirnov", extra_env=russian)
        assert shown.returncode == 0, shown.stderr
        lines = shown.stdout.splitlines()
        assert lines and max(map(cell_len, lines)) <= 80, shown.stdout
        headings_end = next(n for n, line in enumerate(lines) if line.startswith("─"))
        assert "…" not in "\n".join(lines[:headings_end]), shown.stdout
        words = shown.stdout.split()
        for heading in headings[command]:
            for word in in_language("ru", heading).split():
                assert word in words, (command, word, shown.stdout)
        figures = json.loads(crm(*db, "campaign", command, *args, "--json", user="smirnov").stdout)
        totals = figures[0] if command == "list" else figures["total"]
        for key in ("recipients", "pending", "sent") if command == "list" else ("enrolled", "sent"):
            assert re.search(rf"(?<![\d,.]){totals[key]}(?![\d,.])", shown.stdout), (key, shown.stdout)
