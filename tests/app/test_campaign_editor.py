"""The campaign editor as a head of sales uses it: a step's letter edited, a new step added and
moved, saved; a template that breaks is refused with its line, the cursor put there and every
typed character kept; a step previewed for a real recipient found by name; a test letter sent to
oneself through the loopback SMTP server; a new campaign made from nothing."""

from __future__ import annotations

from dataclasses import replace
from email import message_from_bytes
from email.policy import default
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select, update
from textual.widgets import Input, Static, TextArea

from crm_tui.app import create_app
from crm_tui.domain.campaigns.editing import load_for_edit
from crm_tui.domain.campaigns.enrol import enrol
from crm_tui.domain.campaigns.senders import SenderDraft, set_sender
from crm_tui.domain.clock import fixed_clock
from crm_tui.domain.workspace import open_workspace
from crm_tui.screens.campaign_editor import CampaignEditorScreen
from crm_tui.screens.campaigns import CampaignsScreen
from crm_tui.screens.dialogs.campaign_forms import CampaignSettingsDialog, RecipientDialog
from crm_tui.storage.models import clients, outbox
from crm_tui.widgets.record_table import RecordTable
from tests.app.support import settle, text_of, wait_for
from tests.seed import FROZEN_NOW, MOSCOW, Seeded
from tests.smtp_server import Mailbox
from tests.unit.campaign_base import add_clients, mail_setup

SIZE = (120, 40)


async def _open_editor(pilot, app) -> CampaignEditorScreen:  # type: ignore[no-untyped-def]
    await settle(pilot)
    await pilot.press("L")
    await wait_for(pilot, lambda: isinstance(app.screen, CampaignsScreen) and bool(app.screen.entries))
    await pilot.press("E")
    await wait_for(
        pilot, lambda: isinstance(app.screen, CampaignEditorScreen) and app.screen.campaign_id is not None
    )
    editor = app.screen
    assert isinstance(editor, CampaignEditorScreen)
    await wait_for(pilot, lambda: editor.query_one("#editor-subject", Input).value != "")
    return editor


async def test_a_step_is_edited_added_moved_and_saved_and_a_test_letter_reaches_me(
    sqlite_url: str, team: Seeded, smtp_server: Mailbox
) -> None:
    admin = open_workspace(sqlite_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    add_clients(admin, 2)
    mail_setup(admin, smtp_server.port)
    enrol(admin, "Drip")
    set_sender(admin, SenderDraft("smirnov@ourfirm.ru", "Смирнов", login="smirnov", smtp_host="127.0.0.1",
                                  smtp_port=smtp_server.port, smtp_security="none"))  # fmt: skip
    head = open_workspace(sqlite_url, "smirnov", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    app = create_app(head)
    async with app.run_test(size=SIZE) as pilot:
        editor = await _open_editor(pilot, app)
        subject = editor.query_one("#editor-subject", Input)
        subject.value = "Новая тема для {{ client }}"
        await pilot.press("ctrl+n")
        await wait_for(pilot, lambda: len(editor.steps) == 3 and editor.current == 1)
        await pilot.press(*"Третье письмо")
        assert editor.query_one("#editor-subject", Input).value == "Третье письмо"
        editor.query_one("#editor-text", TextArea).load_text("Здравствуйте, {{ name_patronymic }}!")
        await pilot.press("alt+down")
        await wait_for(pilot, lambda: editor.current == 2)
        await pilot.press("f5")  # the recipient is the campaign's first: previewed at once
        await wait_for(
            pilot,
            lambda: "Здравствуйте, Анна Сергеевна" in text_of(editor.query_one("#editor-preview", Static)),
        )
        await pilot.press("ctrl+t")
        await wait_for(
            pilot,
            lambda: (
                "test letter sent to smirnov@ourfirm.ru"
                in text_of(editor.query_one("#editor-status", Static))
            ),
        )
        received = message_from_bytes(smtp_server.letters[-1].data, policy=default)
        assert received["Subject"] == "Третье письмо" and received["To"] == "smirnov@ourfirm.ru"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not editor.dirty and editor.version == 2)
    saved = load_for_edit(admin, "Drip")
    assert [s.subject for s in saved.draft.steps] == [
        "Новая тема для {{ client }}",
        "Случай из практики",
        "Третье письмо",
    ]
    with admin.read() as session:  # both recipients got the new step
        assert len(session.scalars(select(outbox.c.id)).all()) == 6


async def test_a_template_error_keeps_what_was_typed_and_points_at_its_line(
    sqlite_url: str, team: Seeded
) -> None:
    admin = open_workspace(sqlite_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    add_clients(admin, 1)
    mail_setup(admin, 2525)
    head = open_workspace(sqlite_url, "smirnov", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    app = create_app(head)
    async with app.run_test(size=SIZE) as pilot:
        editor = await _open_editor(pilot, app)
        table = editor.query_one("#editor-steps", RecordTable)
        table.move_cursor(row=1)
        await wait_for(pilot, lambda: editor.current == 1)
        typed = "Строка одна\nстрока две\nсломано {{ client | }}\nхвост"
        editor.query_one("#editor-text", TextArea).load_text(typed)
        table.move_cursor(row=0)  # away and back: the draft keeps the step's text
        await wait_for(pilot, lambda: editor.current == 0)
        await pilot.press("ctrl+s")
        status = editor.query_one("#editor-status", Static)
        await wait_for(pilot, lambda: "step 2 text: the template breaks at line 3" in text_of(status))
        area = editor.query_one("#editor-text", TextArea)
        assert editor.current == 1 and area.text == typed
        assert area.cursor_location == (2, 0) and editor.focused is area
        await pilot.press("escape")  # unsaved: asked again, nothing lost
        assert isinstance(app.screen, CampaignEditorScreen) and "Escape again" in text_of(status)
        area.load_text(typed.replace("{{ client | }}", "{{ client }}"))
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not editor.dirty)
    assert load_for_edit(admin, "Drip").draft.steps[1].text.endswith("сломано {{ client }}\nхвост")


async def test_a_new_campaign_with_its_settings_and_a_recipient_found_by_name(
    sqlite_url: str, team: Seeded
) -> None:
    admin = open_workspace(sqlite_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    ids = add_clients(admin, 1, prefix="zed")
    with admin.write() as session:  # what the clients list's search reads
        session.execute(update(clients).where(clients.c.id == ids[0]).values(search_text="клиент zed 0"))
    mail_setup(admin, 2525)
    head = open_workspace(sqlite_url, "smirnov", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    app = create_app(head)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("L")
        await wait_for(pilot, lambda: isinstance(app.screen, CampaignsScreen) and bool(app.screen.entries))
        await pilot.press("a")
        await wait_for(pilot, lambda: isinstance(app.screen, CampaignEditorScreen))
        editor = app.screen
        assert isinstance(editor, CampaignEditorScreen)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, CampaignSettingsDialog))
        dialog = app.screen
        dialog.query_one("#settings-name", Input).value = "Весна"
        dialog.query_one("#settings-owner", Input).value = "nobody"
        await pilot.press("ctrl+s")
        await wait_for(
            pilot, lambda: "owner: no user 'nobody'" in text_of(dialog.query_one("#error", Static))
        )
        assert dialog.query_one("#settings-name", Input).value == "Весна"  # kept
        dialog.query_one("#settings-owner", Input).value = "ivanova"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is editor)
        assert editor.draft.name == "Весна" and editor.draft.audience == {"owner": "ivanova"}
        await pilot.press(*"Весенняя тема")
        editor.query_one("#editor-text", TextArea).load_text("Для {{ client }}")
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: isinstance(app.screen, RecipientDialog))
        await pilot.press(*"zed 0")
        await wait_for(pilot, lambda: app.screen.query_one("#client-suggestions").display)
        await pilot.press("enter")
        await wait_for(pilot, lambda: app.screen is editor)
        await wait_for(
            pilot, lambda: "Для Клиент zed 0" in text_of(editor.query_one("#editor-preview", Static))
        )
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: editor.campaign_id is not None and not editor.dirty)
    assert load_for_edit(admin, "Весна").draft.audience == {"owner": "ivanova"}


async def test_the_audience_from_a_spreadsheet_names_its_unmatched_rows(
    sqlite_url: str, team: Seeded, tmp_path: Path
) -> None:
    admin = open_workspace(sqlite_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    ids = add_clients(admin, 2)
    mail_setup(admin, 2525)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in (("E-mail", "Клиент"), ("client1@example.ru", ""), ("", "Нет такой фирмы")):
        sheet.append(row)
    path = tmp_path / "весна.xlsx"
    book.save(path)
    head = open_workspace(sqlite_url, "smirnov", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    app = create_app(head)
    async with app.run_test(size=SIZE) as pilot:
        editor = await _open_editor(pilot, app)
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: isinstance(app.screen, CampaignSettingsDialog))
        app.screen.query_one("#settings-list", Input).value = str(tmp_path / "nope.xlsx")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: "nope.xlsx" in text_of(app.screen.query_one("#error-list", Static)))
        app.screen.query_one("#settings-list", Input).value = str(path)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.screen is editor)
        assert editor.draft.audience["clients"] == [ids[1]] and editor.draft.audience["segment"] == "lost"
        status = text_of(editor.query_one("#editor-status", Static))
        assert "весна.xlsx: clients found: 1; rows not matched: 3" in status
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not editor.dirty)
    assert enrol(admin, "Drip").enrolled == 1


async def test_a_colleagues_save_meanwhile_offers_mine_over_theirs_or_theirs_after_a_question(
    sqlite_url: str, team: Seeded
) -> None:
    """The reviewer's case: a colleague saved while the editor was open; the editor kept the typed
    steps but had no way to save them. Now: write mine over theirs (in the history), or read
    theirs again once asked whether to lose mine."""
    import json

    from crm_tui.domain.campaigns.editing import save_campaign
    from crm_tui.screens.dialogs.choice import ChoiceDialog
    from crm_tui.storage.models import audit_entries

    admin = open_workspace(sqlite_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    mail_setup(admin, 2525)

    def colleague_saves(subject: str) -> None:
        edited = load_for_edit(admin, "Drip")
        steps = (replace(edited.draft.steps[0], subject=subject), *edited.draft.steps[1:])
        save_campaign(admin, replace(edited.draft, steps=steps), campaign_id=edited.id, seen=edited.version)

    head = open_workspace(sqlite_url, "smirnov", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    app = create_app(head)
    async with app.run_test(size=SIZE) as pilot:
        editor = await _open_editor(pilot, app)
        editor.query_one("#editor-subject", Input).value = "Моя тема"
        colleague_saves("Тема коллеги")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("enter")  # the first choice: mine over theirs
        await wait_for(pilot, lambda: not editor.dirty and app.screen is editor)
        assert load_for_edit(admin, "Drip").draft.steps[0].subject == "Моя тема"
        with admin.read() as session:
            changes = session.scalars(
                select(audit_entries.c.changes)
                .where(audit_entries.c.entity == "campaign")
                .order_by(audit_entries.c.id.desc())
                .limit(1)
            ).one()
        over = (json.loads(changes) if isinstance(changes, str) else changes)["written_over"]
        assert over["theirs"] == over["read"] + 1
        await wait_for(pilot, lambda: editor.version == over["theirs"] + 1)

        editor.query_one("#editor-subject", Input).value = "Моя вторая тема"
        colleague_saves("Вторая тема коллеги")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: isinstance(app.screen, ChoiceDialog))
        await pilot.press("down", "enter")  # theirs: asked again
        await wait_for(
            pilot, lambda: isinstance(app.screen, ChoiceDialog) and "?" in str(app.screen.title_text)
        )
        await pilot.press("enter")
        subject = editor.query_one("#editor-subject", Input)
        await wait_for(pilot, lambda: app.screen is editor and subject.value == "Вторая тема коллеги")
        assert not editor.dirty
    assert load_for_edit(admin, "Drip").draft.steps[0].subject == "Вторая тема коллеги"


async def test_every_key_of_the_editor_is_on_screen_at_80x24_in_russian(
    sqlite_url: str, team: Seeded
) -> None:
    """The footer was cut after «Для кого»: Ctrl+T, Escape and Alt+↑/↓ were nowhere on screen.
    Each key is now on the footer's line as drawn, or on the status line below the fields."""
    from crm_tui import i18n
    from crm_tui.widgets.key_footer import KeyFooter

    admin = open_workspace(sqlite_url, "admin", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW))
    mail_setup(admin, 2525)
    before = i18n.current_locale()
    i18n.set_locale("ru")
    try:
        app = create_app(open_workspace(sqlite_url, "smirnov", tz=MOSCOW, clock=fixed_clock(FROZEN_NOW)))
        async with app.run_test(size=(80, 24)) as pilot:
            editor = await _open_editor(pilot, app)
            footer = editor.query_one(KeyFooter)
            drawn = footer.render().plain + "\n" + text_of(editor.query_one("#editor-status", Static))
            keys = {
                item.binding.id: app.get_key_display(item.binding)
                for item in editor.active_bindings.values()
                if (item.binding.id or "").startswith("editor.")
            }
            assert len(keys) == 10
            for binding_id, key in keys.items():
                assert f"{key} " in drawn, (binding_id, key, drawn)
            assert "Тест" in drawn and "назад" in drawn
    finally:
        i18n.set_locale(before)
