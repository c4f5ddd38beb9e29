"""`crm deal`, `crm pipeline` and `crm report` as ops and heads script them."""

from __future__ import annotations

import json

from crm_tui.domain.values.formatting import money_figures
from tests.cli_support import crm, crm_process, error_line, textual_loaded


def test_move_lose_and_return_a_deal_from_the_command_line(seeded_db: str) -> None:
    moved = json.loads(
        crm("--db", seeded_db, "deal", "move", "4", "next", "--json", user="ivanova", check=True).stdout
    )
    assert (moved["from_stage"], moved["to_stage"], len(moved["tasks"])) == (
        "Proposal sent",
        "Invoice issued",
        1,
    )
    refused = crm("--db", seeded_db, "deal", "move", "4", "lost", user="ivanova")
    assert refused.returncode == 2 and "a lost deal needs a reason" in error_line(refused)
    lose = ("deal", "move", "4", "lost", "--reason", "No budget", "--json")
    lost = crm("--db", seeded_db, *lose, user="ivanova", check=True)
    [head_task] = json.loads(lost.stdout)["tasks"]
    back = crm_process("--db", seeded_db, "deal", "refusal", str(head_task), "--comment", "Рассрочка",
                       "--json", user="smirnov", check=True)  # fmt: skip
    assert json.loads(back.stdout)["to_stage"] == "Invoice issued"
    assert not textual_loaded(back)


def test_reports_and_pipeline_settings(seeded_db: str) -> None:
    funnel = json.loads(crm("--db", seeded_db, "report", "funnel", "--json", user="admin", check=True).stdout)
    assert [s["name"] for s in funnel["stages"]][:2] == ["New inquiry", "Qualification"]
    petrov = ("report", "funnel", "--manager", "petrov", "--json")
    mine = json.loads(crm("--db", seeded_db, *petrov, user="admin", check=True).stdout)
    assert sum(s["deals"] for s in mine["stages"]) == 1
    forecast = json.loads(
        crm("--db", seeded_db, "report", "forecast", "--json", user="admin", check=True).stdout
    )
    assert {line["manager"] for line in forecast} == {"Иванова Светлана", "Петров Андрей"}
    printed = crm("--db", seeded_db, "report", "forecast", user="admin", check=True).stdout.splitlines()
    amounts = money_figures(
        [sum(line["amount"] for line in forecast), sum(line["weighted"] for line in forecast)]
    )
    assert printed[-1].startswith("total") and all(figure in printed[-1] for figure in amounts), printed[-1]
    crm("--db", seeded_db, "pipeline", "stage-set", "proposal", "--stuck-days", "5", user="admin", check=True)
    stuck = crm("--db", seeded_db, "report", "stuck", "--json", user="smirnov", check=True)
    assert {json.loads(line)["title"] for line in stuck.stdout.splitlines()} >= {"Поставка: СтройМонтаж"}
    listed = json.loads(
        crm("--db", seeded_db, "pipeline", "list", "--json", user="ivanova", check=True).stdout
    )
    proposal = next(s for s in listed["pipelines"][0]["stages"] if s["code"] == "proposal")
    assert proposal["stuck_after_days"] == 5 and proposal["playbook"][0]["title"] == "Call about the proposal"
    manager = crm(
        "--db", seeded_db, "pipeline", "stage-set", "proposal", "--probability", "50", user="ivanova"
    )
    assert manager.returncode == 2 and "configured by an admin" in error_line(manager)
    bad = crm("--db", seeded_db, "report", "funnel", "--from", "вчера", user="admin")
    assert bad.returncode == 2 and "is not a date" in error_line(bad)
    in_use = crm("--db", seeded_db, "pipeline", "stage-remove", "proposal", user="admin")
    assert in_use.returncode == 2 and "holds 3 deals" in error_line(in_use)
