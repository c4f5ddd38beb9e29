"""What a hostile user could learn or do outside their reach (a reviewer's findings): a hidden
record answers exactly as a missing id does, whatever the command; nobody gives a client to a
stranger by `--owner` or an import's owner column; `--manager` outside one's figures is refused;
a task is not set about a client its assignee cannot open; a head's campaign lists show the
region's clients only."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.engine import Engine

from crm_tui.domain.access.users import add_user
from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.campaigns.nonresponders import nonresponders
from crm_tui.domain.campaigns.rows import list_outbox
from crm_tui.domain.campaigns.senders import SenderDraft, set_sender
from crm_tui.domain.campaigns.stats import campaign_stats, recipients_behind
from crm_tui.domain.clients.new_client import NewClient, add_client
from crm_tui.domain.errors import DomainError, InvalidInput
from crm_tui.domain.leads.intake import Request, receive
from crm_tui.domain.tasks.manual import TaskDraft, reassign_task, set_task
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.database import dispose_engines, write_session
from crm_tui.storage.models import Role, clients, contacts, deals, leads, outbox, tasks, users
from tests.cli_support import CliResult, crm
from tests.seed import FROZEN_NOW, Seeded, seed_team
from tests.unit.campaign_base import add_clients, at, mail_setup

Open = Callable[[str], Workspace]
MISSING = 999_999


@pytest.fixture
def team(tmp_path: Path, prepared: Callable[[str], Engine]) -> tuple[str, Engine, Seeded]:
    """The seeded team in a file (for `crm`), with a second manager of Москва (Козлова) and a
    request of Липецк."""
    path = str(tmp_path / "team.db")
    engine = prepared(path)
    seeded = seed_team(engine)
    with write_session(engine) as session:
        seeded.users["kozlova"] = add_user(
            session, login="kozlova", full_name="Козлова Анна", role=Role.MANAGER, region="Москва",
            now=FROZEN_NOW, by_user_id=None,
        ).id  # fmt: skip
    dispose_engines()
    return path, engine, seeded


RUSSIAN = {"LANG": "ru_RU.UTF-8"}


def _run(db: str, user: str, *args: str, env: dict[str, str] | None = None) -> CliResult:
    return crm("--db", db, *args, user=user, extra_env={"COLUMNS": "300", **(env or {})})


def _same_answer(db: str, user: str, hidden: int, command: Callable[[int], tuple[str, ...]]) -> str:
    """The refusal of ``command`` on the hidden id, which must read as the one on a missing id,
    in English and in Russian (where «не найдено: сделка 98» once differed from «сделка 99999 не
    найдена»); returns the English one."""
    said = []
    for env in (None, RUSSIAN):
        seen, missing = _run(db, user, *command(hidden), env=env), _run(db, user, *command(MISSING), env=env)
        assert (seen.returncode, missing.returncode) == (2, 2), (seen.stderr, missing.stderr)
        assert missing.stderr.replace(str(MISSING), "N") == seen.stderr.replace(str(hidden), "N"), (
            f"hidden {hidden}: {seen.stderr!r}, missing: {missing.stderr!r}"
        )
        said.append(seen.stderr)
    return said[0]


def test_a_record_one_may_not_see_answers_as_a_missing_id(team: tuple[str, Engine, Seeded]) -> None:
    db, engine, seeded = team
    deal = seeded.deals["d_prop_metall"]  # Петров's (Липецк)
    task = seeded.tasks["petrov_call"]
    with engine.connect() as conn:
        person = conn.scalar(select(contacts.c.id).where(contacts.c.client_id == seeded.clients["metall"]))
    assert person is not None
    romashka = str(seeded.clients["romashka"])
    said = [
        _same_answer(db, "ivanova", deal, lambda d: ("deal", "move", str(d), "next")),
        _same_answer(db, "ivanova", deal, lambda d: ("deal", "edit", str(d), "--set", "title=x")),
        _same_answer(db, "ivanova", deal, lambda d: ("deal", "lines", str(d), "--add", "Монтаж;2;ч;3500;20")),
        _same_answer(db, "ivanova", task, lambda t: ("task", "done", str(t), "--result", "ok")),
        _same_answer(db, "ivanova", task, lambda t: ("task", "move", str(t), "--due", "завтра 10:00")),
        _same_answer(db, "ivanova", task, lambda t: ("task", "cancel", str(t), "--reason", "x")),
        _same_answer(db, "ivanova", person, lambda c: ("contacts", "history", str(c))),
        _same_answer(db, "ivanova", person, lambda c: ("contacts", "move", str(c), "--to", romashka)),
        _same_answer(db, "ivanova", seeded.clients["metall"], lambda c: ("doc", "list", "--client", str(c))),
    ]
    assert said[0] == f"crm: error: deal {deal} not found\n"
    assert said[3] == f"crm: error: task {task} not found\n"
    assert said[6] == f"crm: error: contact {person} not found\n", "the contact's client is not named"


def test_a_head_assigning_another_region_s_request_is_told_it_is_not_there(
    team: tuple[str, Engine, Seeded],
) -> None:
    db, engine, _ = team
    got = receive(
        _admin(db), Request(name="Проба", phone="+79161234567", message="?")
    )  # routed nowhere: put it in Липецк
    assert got.lead_id is not None
    with write_session(engine) as session:
        session.execute(update(leads).where(leads.c.id == got.lead_id).values(region="Липецк", owner_id=None))
    dispose_engines()
    said = _same_answer(db, "smirnov", got.lead_id, lambda n: ("leads", "assign", str(n), "--to", "ivanova"))
    assert said == f"crm: error: request {got.lead_id} not found\n"


def _admin(db: str) -> Workspace:
    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.workspace import open_workspace
    from tests.seed import MOSCOW

    return open_workspace(db, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))


def test_a_colleague_s_deal_one_sees_is_not_to_change_and_a_new_owner_is_named_as_such(
    team: tuple[str, Engine, Seeded],
) -> None:
    db, _, seeded = team
    deal = str(seeded.deals["d_prop_aqua"])  # Иванова's
    given = _run(db, "ivanova", "deal", "edit", deal, "--set", "owner=petrov")
    assert (given.returncode, given.stderr) == (
        2,
        "crm: error: --set owner: a deal may not be given to petrov: "
        "a manager keeps own deals, a head gives in the region\n",
    )
    head = _run(db, "smirnov", "deal", "edit", str(seeded.deals["d_prop_metall"]), "--set", "title=x")
    assert head.stderr == f"crm: error: deal {seeded.deals['d_prop_metall']} not found\n"


def test_a_new_client_goes_only_to_whom_one_may_give_it(team: tuple[str, Engine, Seeded]) -> None:
    db, engine, seeded = team
    for user, owner in (("ivanova", "petrov"), ("ivanova", "kozlova"), ("smirnov", "petrov")):
        refused = _run(db, user, "clients", "add", f"ООО Подкидыш {owner}", "--owner", owner)
        assert refused.returncode == 2, refused.stdout
        assert f"a client may not be given to {owner}" in refused.stderr
    assert _run(db, "smirnov", "clients", "add", "ООО Своим", "--owner", "ivanova").returncode == 0
    assert _run(db, "admin", "clients", "add", "ООО Любому", "--owner", "petrov").returncode == 0
    with engine.connect() as conn:
        owners = dict(
            conn.execute(
                select(clients.c.name, clients.c.owner_id).where(clients.c.name.like("%Подкид%"))
            ).all()
        )
        given = dict(
            conn.execute(
                select(clients.c.name, clients.c.owner_id).where(clients.c.name.in_(["Своим", "Любому"]))
            ).all()
        )
    assert owners == {}
    assert given == {"Своим": seeded.users["ivanova"], "Любому": seeded.users["petrov"]}


def test_an_import_row_naming_a_stranger_stays_the_importer_s(
    team: tuple[str, Engine, Seeded], tmp_path: Path
) -> None:
    db, engine, seeded = team
    book = tmp_path / "clients.csv"
    book.write_text(
        "Наименование;Телефон;Ответственный;Дата следующего контакта;Сумма сделки\n"
        "ООО Подкидыш;+7 905 777 00 04;Петров;20.12.2026;100000\n"
        "ООО Своё;+7 905 777 00 05;Иванова;20.12.2026;50000\n",
        encoding="utf-8",
    )
    refused = _run(db, "ivanova", "import", "clients", str(book), "--owner", "petrov")
    assert refused.returncode == 2 and "a client may not be given to petrov" in refused.stderr
    done = _run(db, "ivanova", "import", "clients", str(book))
    assert done.returncode == 0, done.stderr
    assert re.search(r"row 2: owner Петров Андрей: clients may not be given to them by you", done.stdout)
    me = seeded.users["ivanova"]
    with engine.connect() as conn:
        owner = conn.scalar(select(clients.c.owner_id).where(clients.c.name == "Подкидыш"))
        client = conn.scalar(select(clients.c.id).where(clients.c.name == "Подкидыш"))
        deal_owners = set(conn.scalars(select(deals.c.owner_id).where(deals.c.client_id == client)))
        task_owners = set(conn.scalars(select(tasks.c.assignee_id).where(tasks.c.client_id == client)))
    assert owner == me, "the row's client is the importer's, not the stranger's"
    assert deal_owners == {me} and task_owners == {me}, "its deal and task are on the importer's desk"


def test_report_manager_outside_one_s_figures_is_refused_as_a_region_is(
    team: tuple[str, Engine, Seeded],
) -> None:
    db, _, _ = team
    for user, args in (
        ("smirnov", ("report", "calls", "--manager", "petrov")),
        ("ivanova", ("report", "funnel", "--manager", "kozlova")),
        ("ivanova", ("report", "completeness", "--manager", "petrov")),
    ):
        refused = _run(db, user, *args)
        assert refused.returncode == 2, refused.stdout
        assert refused.stderr.startswith("crm: error: --manager: ") and "outside your scope" in refused.stderr
    assert _run(db, "smirnov", "report", "calls", "--manager", "ivanova").returncode == 0
    assert _run(db, "ivanova", "report", "completeness", "--manager", "ivanova").returncode == 0


def test_a_task_is_not_set_about_a_client_its_assignee_cannot_open(
    team: tuple[str, Engine, Seeded],
) -> None:
    db, _, seeded = team
    from crm_tui.domain.clock import fixed_clock
    from crm_tui.domain.workspace import open_workspace
    from tests.seed import MOSCOW

    ws = open_workspace(db, "ivanova", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    with pytest.raises(InvalidInput) as refused:
        set_task(ws, TaskDraft("Помоги с КП", "пт 15:00", "kozlova", client="Ромашка"))
    assert refused.value.field == "client"
    assert "kozlova does not see client" in str(refused.value)
    with pytest.raises(InvalidInput, match="kozlova does not see deal"):
        set_task(ws, TaskDraft("Помоги", "пт 15:00", "kozlova", deal=str(seeded.deals["d_prop_aqua"])))
    mine = set_task(ws, TaskDraft("Себе", "пт 15:00", "", client="Ромашка"))
    with pytest.raises(InvalidInput, match="kozlova does not see client"):
        reassign_task(ws, mine.id, 1, "kozlova")
    plain = set_task(ws, TaskDraft("Без клиента", "пт 15:00", "kozlova"))
    assert plain.assignee_id == seeded.users["kozlova"]
    head = open_workspace(db, "smirnov", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    assert set_task(head, TaskDraft("Помоги", "пт 15:00", "ivanova", client="Ромашка")).client_id


def test_a_head_reads_only_the_region_s_clients_in_a_campaign(workspace_for: Open) -> None:
    admin = workspace_for("admin")
    moscow = add_clients(admin, 2, owner="ivanova", prefix="msk")
    lipetsk = add_clients(admin, 2, owner="petrov", prefix="lip")
    with admin.write() as session:
        session.execute(update(clients).where(clients.c.id.in_(lipetsk)).values(region="Липецк"))
    mail_setup(admin, 2525)
    set_sender(
        admin, SenderDraft("petrov@ourfirm.ru", "Андрей Петров", login="petrov", smtp_host="127.0.0.1")
    )
    assert enrol(admin, "Drip").enrolled == 4
    with admin.write() as session:  # every letter went out, nobody answered
        session.execute(update(outbox).values(state="sent", sent_at=FROZEN_NOW))
    head = at(workspace_for("smirnov"), FROZEN_NOW + timedelta(days=30))

    assert {r.address for r in list_outbox(head)} == {"msk0@example.ru", "msk1@example.ru"}
    assert {"lip0@example.ru", "lip1@example.ru"} <= {r.address for r in list_outbox(admin)}
    assert sorted(r.client_id for r in recipients_behind(head, "Drip", "enrolled")) == moscow
    assert campaign_stats(head, "Drip").total.enrolled == 4, "the figures stay the campaign's"
    rows, opened = nonresponders(head, "Drip", day=0, make_tasks=True)
    assert sorted(r.client_id for r in rows) == moscow and opened == 2
    with admin.read() as session:
        assignees = set(session.scalars(select(tasks.c.assignee_id).where(tasks.c.origin.like("campaign:%"))))
        ivanova = session.scalar(select(users.c.id).where(users.c.login == "ivanova"))
    assert assignees == {ivanova}, "no call task lands on another region's desk"


def test_a_lead_a_colleague_owns_is_said_to_be_theirs_not_taken_first(
    team: tuple[str, Engine, Seeded],
) -> None:
    db, _, seeded = team
    said = _run(db, "kozlova", "clients", "take", str(seeded.clients["teplo"]))  # Иванова's lead
    assert said.returncode == 2
    assert said.stderr == "crm: error: «Теплодом» is already Иванова Светлана's client\n"


def test_the_audit_of_a_client_reads_in_words_names_and_local_times(team: tuple[str, Engine, Seeded]) -> None:
    db, engine, seeded = team
    with write_session(engine) as session:
        session.execute(update(clients).where(clients.c.id == seeded.clients["zorin"]).values(owner_id=None))
    dispose_engines()
    client = str(seeded.clients["zorin"])
    assert _run(db, "ivanova", "clients", "take", client).returncode == 0
    made = _run(db, "ivanova", "task", "add", "Позвонить", "--due", "10.12.2026 13:00", "--client", client,
                "--kind", "call")  # fmt: skip
    assert made.returncode == 0, made.stderr
    shown = _run(db, "ivanova", "audit", "--client", client).stdout
    assert "client taken (owner: — → Иванова Светлана)" in shown
    assert "assignee: Иванова Светлана" in shown and "due_at: 10.12.2026 13:00" in shown
    assert "+00:00" not in shown and " take " not in shown


def test_what_cannot_be_given_raises_a_domain_error(workspace_for: Open, seeded: Seeded) -> None:
    with pytest.raises(DomainError, match="a client may not be given to petrov"):
        add_client(workspace_for("smirnov"), NewClient("ООО Чужое", owner_id=seeded.users["petrov"]))


def test_an_audit_row_s_task_kind_reads_as_a_word() -> None:
    from crm_tui.domain.audit.trail import AuditLine, describe_changes
    from crm_tui.i18n import current_locale, set_locale
    from tests.seed import MOSCOW

    line = AuditLine(
        1, FROZEN_NOW, "ivanova", "task", 7, "take",
        {"kind": "call", "due_at": "2026-12-10T10:00:00+00:00", "assignee": "Иванова Светлана"},
    )  # fmt: skip
    was = current_locale()
    set_locale("ru")
    try:
        shown = describe_changes(line, 200, MOSCOW)
    finally:
        set_locale(was)
    assert "call" not in shown and "take" not in shown and "10.12.2026 13:00" in shown, shown
    assert "assignee" not in shown and "исполнитель: Иванова Светлана" in shown, shown


def _letters(db: str, engine: Engine) -> tuple[int, int, int]:
    """A failed letter and a sent one to a client of Липецк, and a Moscow client of Петров's
    enrolled (for `crm campaign stop`): the Moscow head sees none of the first two."""
    admin = _admin(db)
    lipetsk = add_clients(admin, 2, owner="petrov", prefix="lip")
    with admin.write() as session:
        session.execute(update(clients).where(clients.c.id.in_(lipetsk)).values(region="Липецк"))
    mail_setup(admin, 2525)
    set_sender(
        admin, SenderDraft("petrov@ourfirm.ru", "Андрей Петров", login="petrov", smtp_host="127.0.0.1")
    )
    assert enrol(admin, "Drip").enrolled == 2
    with admin.write() as session:
        failed, sent = session.scalars(select(outbox.c.id).order_by(outbox.c.id).limit(2)).all()
        session.execute(update(outbox).where(outbox.c.id == failed).values(state="failed", last_error="550"))
        session.execute(update(outbox).where(outbox.c.id == sent).values(state="sent", sent_at=FROZEN_NOW))
    dispose_engines()
    return failed, sent, lipetsk[0]


def test_a_letter_one_may_not_see_answers_every_outbox_action_as_a_missing_one(
    team: tuple[str, Engine, Seeded],
) -> None:
    db, engine, _ = team
    failed, sent, client = _letters(db, engine)
    said = [
        _same_answer(db, "smirnov", failed, lambda n: ("outbox", "retry", str(n), "--json")),
        _same_answer(db, "smirnov", sent, lambda n: ("outbox", "drop", str(n))),
        _same_answer(db, "ivanova", client, lambda c: ("campaign", "stop", str(c))),
    ]
    assert said[0] == f"crm: error: no letter {failed} in the outbox\n"
    assert said[2] == f"crm: error: client {client} not found\n"
    with engine.connect() as conn:
        assert conn.scalar(select(outbox.c.state).where(outbox.c.id == failed)) == "failed", "not resent"
    assert "outbox" not in _run(db, "admin", "audit").stdout


def test_a_letter_s_state_and_its_audit_read_in_russian_words(team: tuple[str, Engine, Seeded]) -> None:
    db, engine, _ = team
    failed, sent, _client = _letters(db, engine)
    refused = _run(db, "admin", "outbox", "drop", str(sent), env=RUSSIAN)
    assert refused.returncode == 2 and re.search(r"\bsent\b", refused.stderr) is None, refused.stderr
    assert "отправлено" in refused.stderr
    assert _run(db, "admin", "outbox", "retry", str(failed)).returncode == 0
    shown = _run(db, "admin", "audit", env=RUSSIAN).stdout
    line = next(row for row in shown.splitlines() if f"#{failed} " in row)
    assert re.search(r"outbox|resend|from|failed", line) is None, line
    assert "письмо: отправлено снова (было: не отправлено)" in line


def test_a_deal_one_may_not_see_answers_as_a_missing_one_before_any_role_is_asked(
    team: tuple[str, Engine, Seeded],
) -> None:
    db, _, seeded = team
    deal = seeded.deals["d_prop_metall"]  # Петров's (Липецк)
    said = [
        _same_answer(db, "ivanova", deal, lambda d: ("deal", "paid", str(d))),
        _same_answer(db, "smirnov", deal, lambda d: ("deal", "paid", str(d), "--amount", "100")),
        _same_answer(db, "ivanova", deal, lambda d: ("deal", "show", str(d))),
        _same_answer(db, "ivanova", deal, lambda d: ("deal", "move", str(d), "won")),
        _same_answer(db, "ivanova", deal, lambda d: ("deal", "move", str(d), "lost", "--reason", "x")),
        _same_answer(db, "ivanova", deal, lambda d: ("doc", "contract", str(d))),
        _same_answer(db, "ivanova", deal, lambda d: ("doc", "invoice", str(d))),
        _same_answer(
            db, "ivanova", deal, lambda d: ("task", "add", "x", "--due", "завтра", "--deal", str(d))
        ),
    ]
    assert said[0] == f"crm: error: deal {deal} not found\n"
    assert said[-1] == f"crm: error: deal {deal} not found\n", "the field's name does not repeat the deal"


def test_another_region_s_refusal_is_not_there_for_a_head(team: tuple[str, Engine, Seeded]) -> None:
    db, engine, seeded = team
    deal = seeded.deals["d_prop_metall"]  # Петров's (Липецк)
    lost = _run(db, "petrov", "deal", "move", str(deal), "lost", "--reason", "No budget")
    assert lost.returncode == 0, lost.stderr
    with engine.connect() as conn:
        task = conn.scalar(select(tasks.c.id).where(tasks.c.origin == f"lost:{deal}"))
    assert task is not None
    said = _same_answer(db, "smirnov", task, lambda t: ("deal", "refusal", str(t), "--comment", "x"))
    assert said == f"crm: error: task {task} is not a refusal to analyse\n"
    with engine.connect() as conn:
        assert conn.scalar(select(deals.c.status).where(deals.c.id == deal)) == "lost", "not back to work"
