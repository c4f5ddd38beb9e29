"""Editing a campaign whose letters are already in the outbox: the letters stay true to the
steps (a sent step stays, a removed one takes only its pending letters, a new one reaches every
active recipient, a moved day moves the pending letters), a concurrent edit is refused; and the
audiences: a saved clients filter, the installed base, a list from a spreadsheet."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from openpyxl import Workbook
from sqlalchemy import insert, select, update

from crm_tui.domain.campaigns.consents import record_consent
from crm_tui.domain.campaigns.editing import load_for_edit, save_campaign
from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.campaigns.rows import preview_draft
from crm_tui.domain.campaigns.setup import CampaignDraft, StepDraft, add_campaign
from crm_tui.domain.errors import InvalidInput, NotFound, StaleEdit
from crm_tui.domain.workspace import Workspace
from crm_tui.importers.campaigns.audience_list import read_audience_list
from crm_tui.storage.models import clients, installed_base, outbox
from tests.unit.campaign_base import STEPS, add_clients, mail_setup


def _letters(ws: Workspace) -> list[tuple[int, str, object]]:
    with ws.read() as session:
        return [
            (int(s), str(st), d)
            for s, st, d in session.execute(
                select(outbox.c.step_id, outbox.c.state, outbox.c.due_at).order_by(outbox.c.id)
            )
        ]


def test_editing_keeps_the_outbox_true_to_the_steps(workspace_for: Callable[[str], Workspace]) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 3)
    mail_setup(ws, 2525)
    assert enrol(ws, "Drip").letters == 6
    edited = load_for_edit(ws, "Drip")
    first, second = edited.draft.steps
    with ws.write() as session:  # the first step's letters went out
        session.execute(update(outbox).where(outbox.c.step_id == first.id).values(state="sent"))
    refused = replace(edited.draft, steps=(second,))
    with pytest.raises(InvalidInput, match="step 1: its letters went out"):
        save_campaign(ws, refused, campaign_id=edited.id, seen=edited.version)
    assert len(_letters(ws)) == 6  # nothing was lost by the refusal

    third = StepDraft(20, "Предложение", "Скидка для {{ client }}")
    moved = replace(second, day=12)
    save_campaign(
        ws, replace(edited.draft, steps=(first, third, moved)), campaign_id=edited.id, seen=edited.version
    )
    again = load_for_edit(ws, "Drip")
    assert [s.day for s in again.draft.steps] == [0, 20, 12]  # the order as the person put it
    assert again.version == edited.version + 1
    letters = _letters(ws)
    assert len(letters) == 9  # three recipients got the new step
    enrolled_at = ws.now()
    assert {d for s, st, d in letters if s == moved.id} == {enrolled_at + timedelta(days=12)}

    # Removing a step that has only pending letters takes them with it.
    save_campaign(
        ws, replace(again.draft, steps=again.draft.steps[:2]), campaign_id=again.id, seen=again.version
    )
    assert len(_letters(ws)) == 6

    # Somebody saved meanwhile: the old copy is refused, never written over theirs.
    with pytest.raises(StaleEdit):
        save_campaign(ws, replace(again.draft, name="Другое"), campaign_id=again.id, seen=again.version)


def test_the_kind_is_fixed_once_anyone_is_enrolled(workspace_for: Callable[[str], Workspace]) -> None:
    ws = workspace_for("admin")
    add_clients(ws, 2)
    mail_setup(ws, 2525)
    enrol(ws, "Drip")
    edited = load_for_edit(ws, "Drip")
    with pytest.raises(InvalidInput, match="kind: 2 recipients"):
        save_campaign(
            ws, replace(edited.draft, kind="advertising"), campaign_id=edited.id, seen=edited.version
        )


def test_a_draft_is_previewed_and_a_template_error_names_its_line(
    workspace_for: Callable[[str], Workspace],
) -> None:
    ws = workspace_for("admin")
    ids = add_clients(ws, 1)
    mail_setup(ws, 2525)
    draft = CampaignDraft("Новая", steps=(StepDraft(0, "Для {{ client }}", "Строка\n{{ name_patronymic }}"),))
    letter = preview_draft(ws, draft, 1, ids[0])
    assert letter.subject == "Для Клиент client 0" and "Анна Сергеевна" in letter.text
    broken = replace(draft, steps=(StepDraft(0, "Тема", "Первая\nвторая\n{{ client | }}"),))
    with pytest.raises(InvalidInput, match="step 1 text: the template breaks at line 3"):
        preview_draft(ws, broken, 1, ids[0])


def test_audiences_a_saved_filter_the_installed_base_and_consent(
    workspace_for: Callable[[str], Workspace],
) -> None:
    ws = workspace_for("admin")
    ids = add_clients(ws, 4)
    mail_setup(ws, 2525)
    with ws.write() as session:
        session.execute(update(clients).where(clients.c.id == ids[1]).values(search_text="клиент зюзюка"))
        session.execute(
            insert(installed_base),
            [
                {"client_id": ids[2], "product": "Станок X", "vendor": "Конкурент", "ours": False,
                 "quantity": 1, "search_key": "станок x конкурент", "created_at": ws.now()},
                {"client_id": ids[3], "product": "Станок Y", "vendor": "Мы", "ours": True,
                 "quantity": 1, "search_key": "станок y мы", "created_at": ws.now()},
            ],
        )  # fmt: skip
    add_campaign(ws, CampaignDraft("Поиск", audience={"search": "зюзюка"}, steps=STEPS))
    add_campaign(ws, CampaignDraft("Чужие станки", audience={"owns": "competitor"}, steps=STEPS))
    add_campaign(ws, CampaignDraft("Все станки", audience={"owns": "any", "product": "станок"}, steps=STEPS))
    add_campaign(
        ws, CampaignDraft("Реклама станков", kind="advertising", audience={"owns": "any"}, steps=STEPS)
    )
    assert enrol(ws, "Поиск").enrolled == 1
    assert enrol(ws, "Чужие станки").enrolled == 1
    assert enrol(ws, "Все станки").enrolled == 2
    advertising = enrol(ws, "Реклама станков")  # consent holds for every audience
    assert advertising.enrolled == 0 and advertising.left_out["no_consent"] == 2
    record_consent(ws, "client2@example.ru", "форма на сайте", ws.now().date())
    assert enrol(ws, "Реклама станков").enrolled == 1


def test_a_list_from_a_spreadsheet_matches_by_inn_email_and_name(
    workspace_for: Callable[[str], Workspace], tmp_path: Path
) -> None:
    ws = workspace_for("admin")
    ids = add_clients(ws, 4)
    mail_setup(ws, 2525)
    with ws.write() as session:
        session.execute(update(clients).where(clients.c.id == ids[0]).values(inn="2901187654"))
        session.execute(update(clients).where(clients.c.id == ids[3]).values(name_key="зюзюка"))
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (
        ("Клиент", "ИНН", "E-mail"),
        ("", "2901187654", ""),  # 2: by INN
        ("", "", "client1@example.ru"),  # 3: by e-mail
        ("Зюзюка", "", ""),  # 4: by name
        ("Неизвестная", "", "nobody@example.ru"),  # 5: nobody
        ("", "", ""),
        ("Пустая строка выше", "", ""),  # 7: nobody
    ):
        sheet.append(row)
    path = tmp_path / "list.xlsx"
    book.save(path)
    found = read_audience_list(ws, path)
    assert found.clients == (ids[0], ids[1], ids[3])
    assert [u.row for u in found.unmatched] == [5, 7]
    assert "Неизвестная" in str(found.unmatched[0].reason)
    add_campaign(
        ws,
        CampaignDraft("Список", audience={"clients": list(found.clients), "list": found.file}, steps=STEPS),
    )
    assert enrol(ws, "Список").enrolled == 3


def test_a_heads_campaign_reaches_no_client_outside_the_region(
    workspace_for: Callable[[str], Workspace], tmp_path: Path
) -> None:
    """The reviewer, a Moscow head, listed Voronezh and Lipetsk clients in an xlsx: they were
    enrolled, previewed with their contacts' names and listed in the figures."""
    admin = workspace_for("admin")
    ours = add_clients(admin, 2)
    with admin.write() as session:  # one of them moves to Липецк, out of the head's reach
        session.execute(
            update(clients).where(clients.c.id == ours[1]).values(region="Липецк", inn="2901187654")
        )
        session.execute(update(clients).where(clients.c.id == ours[0]).values(inn="2901187005"))
    mail_setup(admin, 2525)
    head = workspace_for("smirnov")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (("ИНН",), ("2901187005",), ("2901187654",)):
        sheet.append(row)
    book.save(tmp_path / "list.xlsx")
    found = read_audience_list(head, tmp_path / "list.xlsx")
    assert found.clients == (ours[0],)
    assert [(u.row, str(u.reason)) for u in found.unmatched] == [(3, "no such client")]
    with pytest.raises(NotFound):
        preview_draft(head, CampaignDraft("Черновик", steps=STEPS), 1, ours[1])
    add_campaign(head, CampaignDraft("Все", audience={"segment": "lost"}, steps=STEPS))
    assert enrol(admin, "Все").enrolled == 1, "a head's campaign stays in the head's region"
