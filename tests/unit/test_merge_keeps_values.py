"""A merge never loses a valid INN, KPP, OGRN, phone or e-mail that only one record had, and
never trades a filled value for the other record's empty one (issue 19)."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import timedelta

import pytest
from sqlalchemy import select

from crm_tui.domain.clients.merges import merge_clients
from crm_tui.domain.clients.records import ChannelDraft, ClientDraft, create_client
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import ChannelKind, channels, clients
from tests.cli_support import crm, error_line
from tests.seed import FROZEN_NOW, Seeded, valid_inn

INN = valid_inn("502700112")
KPP = "502701001"
OGRN = "1025003213641"


def _twins(ws: Workspace, seeded: Seeded) -> tuple[int, int]:
    """One company typed twice: the first with its requisites, a phone and an e-mail; the
    second with none of the requisites and another phone and e-mail."""
    ids = []
    with ws.write() as session:
        for n, (inn, kpp, ogrn) in enumerate(((INN, KPP, OGRN), (None, None, None))):
            phone, email = f"+7495000000{n}", f"office{n}@zenit-plus.ru"
            ids.append(
                create_client(
                    session,
                    ws.viewer,
                    ClientDraft(
                        name="Зенит Плюс",
                        legal_form="ООО",
                        city="Тверь",
                        region="Москва",
                        owner_id=seeded.users["ivanova"],
                        channels=[
                            ChannelDraft(ChannelKind.PHONE, phone, phone),
                            ChannelDraft(ChannelKind.EMAIL, email, email),
                        ],
                        inn=inn,
                        kpp=kpp,
                        ogrn=ogrn,
                    ),
                    FROZEN_NOW - timedelta(days=2 - n),
                )
            )
    return ids[0], ids[1]


def _survivor(ws: Workspace, client_id: int) -> tuple[tuple[str | None, ...], list[str]]:
    with ws.read() as session:
        row = session.execute(
            select(clients.c.inn, clients.c.kpp, clients.c.ogrn).where(clients.c.id == client_id)
        ).one()
        values = sorted(session.scalars(select(channels.c.value).where(channels.c.client_id == client_id)))
    return tuple(row), values


def test_the_survivor_without_requisites_gets_the_others_and_every_channel(
    workspace_for: Callable[[str], Workspace], seeded: Seeded
) -> None:
    ws = workspace_for("admin")
    full, bare = _twins(ws, seeded)
    with ws.write() as session:
        merge_clients(session, ws.viewer, ws.now(), bare, [full])
    requisites, found = _survivor(ws, bare)
    assert requisites == (INN, KPP, OGRN)
    assert found == sorted(["+74950000000", "+74950000001", "office0@zenit-plus.ru", "office1@zenit-plus.ru"])


@pytest.mark.parametrize("field", ["inn", "kpp", "ogrn"])
def test_taking_the_empty_value_over_a_valid_one_is_refused(
    workspace_for: Callable[[str], Workspace], seeded: Seeded, field: str
) -> None:
    ws = workspace_for("admin")
    full, bare = _twins(ws, seeded)
    with ws.write() as session, pytest.raises(InvalidInput) as refused:
        merge_clients(session, ws.viewer, ws.now(), full, [bare], take={field: bare})
    assert refused.value.code == "merge.take_empty"
    line = str(refused.value)
    assert "\n" not in line and f"client {bare} has no {field}" in line and str(full) in line
    with ws.read() as session:
        both = session.scalars(select(clients.c.id).where(clients.c.name == "Зенит Плюс")).all()
    assert sorted(both) == [full, bare], "nothing was merged"
    assert _survivor(ws, full)[0] == (INN, KPP, OGRN)


def test_the_command_line_refuses_it_in_one_line(seeded_db: str) -> None:
    made = []
    for extra in (["--inn", INN], []):
        added = crm("--db", seeded_db, "clients", "add", "ООО «Зенит Плюс»", "--city", "Тверь", *extra,
                    "--json", user="admin", check=True)  # fmt: skip
        made.append(str(json.loads(added.stdout)["client"]))
    full, bare = made
    result = crm("--db", seeded_db, "dedup", "merge", full, bare, "--take", f"inn={bare}", user="admin")
    assert result.returncode == 2
    assert f"client {bare} has no inn; taking it would lose {INN} of client {full}" in error_line(result)
    listed = crm(
        "--db", seeded_db, "clients", "list", "--search", "Зенит", "--json", user="admin", check=True
    )
    assert sorted(json.loads(line)["inn"] or "" for line in listed.stdout.splitlines()) == ["", INN]
