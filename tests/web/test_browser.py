"""The app in a real browser (Debian's Chromium driven by Playwright) through `crm serve`: sign
in, the desk, a client's card, a deal moved on the kanban (audited as the person signed in),
sign-out; a wrong password refused; the app's page out of reach without a session. Screenshots
of the desk and the funnel go to the test's folder and /tmp/browser-shots/."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crm_tui.storage.database import get_engine
from crm_tui.storage.models import audit_entries, users
from tests.web.browser import chromium_or_skip, keep_terminal, screen, shoot, wait_for_all, wait_for_text
from tests.web.front_server import PASSWORD, Front, running_front

pytestmark = pytest.mark.long


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_or_skip()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(executable), args=["--no-sandbox"])
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def front(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Front]:
    with running_front(tmp_path_factory.mktemp("front")) as running:
        yield running


def new_page(browser: Any) -> Any:
    page = browser.new_page(viewport={"width": 1280, "height": 800}, locale="en-US")
    keep_terminal(page)
    return page


def keys(page: Any, *pressed: str) -> None:
    page.locator(".xterm-helper-textarea").focus()
    for key in pressed:
        page.keyboard.press(key)


def stage_moves_by(front: Front, login: str) -> list[int]:
    with get_engine(front.database).connect() as conn:
        user_id = conn.scalar(select(users.c.id).where(users.c.login == login))
        return list(
            conn.scalars(
                select(audit_entries.c.entity_id).where(
                    audit_entries.c.entity == "deal",
                    audit_entries.c.action == "stage",
                    audit_entries.c.user_id == user_id,
                )
            )
        )


def test_sign_in_desk_client_kanban_sign_out(browser: Any, front: Front, tmp_path: Path) -> None:
    page = new_page(browser)
    page.goto(f"{front.url}/")
    assert page.url.endswith("/login")
    page.fill("#login", "ivanova")
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    # The desk with its data, not only its title (the title comes first, the tasks a moment later).
    wait_for_all(page, "My sales — Иванова Светлана", "Tasks: today and overdue", "Позвонить по КП")
    assert page.locator("#who").inner_text() == "Иванова Светлана"
    page.wait_for_timeout(500)  # the tiles' last paint
    shoot(page, tmp_path, "desk.png")

    keys(page, "c")
    clients = wait_for_text(page, "Теплодом")
    assert (
        "Липецкий металл" not in clients and "Аква-Сервис" in clients
    )  # petrov's client: a manager sees her own
    keys(page, "Enter")
    card = wait_for_text(page, "ООО «Аква-Сервис» — Client card")
    assert "ООО «Аква-Сервис»" in card and "owner Иванова Светлана" in card
    keys(page, "Escape")
    wait_for_text(page, "Clients — Иванова Светлана")
    keys(page, "Escape")
    wait_for_text(page, "My sales — Иванова Светлана")

    assert stage_moves_by(front, "ivanova") == []
    keys(page, "F")
    wait_for_text(page, "Funnel — Иванова Светлана")
    funnel = wait_for_text(page, "Qualification")
    assert "New inquiry" in funnel and "Поставка: Теплодом" in funnel
    before = funnel
    keys(page, "]")
    for _ in range(100):
        if stage_moves_by(front, "ivanova"):
            break
        page.wait_for_timeout(100)
    assert len(stage_moves_by(front, "ivanova")) == 1  # audited as the person signed in
    page.wait_for_timeout(1000)
    assert screen(page) != before
    shoot(page, tmp_path, "funnel.png")

    page.click("#sign-out")
    page.wait_for_url("**/login**")
    assert "You have signed out." in page.content()
    page.goto(f"{front.url}/")
    assert page.url.endswith("/login")
    page.close()


def test_wrong_password_refused_and_no_app_without_a_session(browser: Any, front: Front) -> None:
    page = new_page(browser)
    response = page.goto(f"{front.url}/static/js/textual.js")
    assert response is not None and response.status == 401
    page.goto(f"{front.url}/login?lang=ru")
    assert "Вход в CRM" in page.content()
    page.fill("#login", "petrov")
    page.fill("#password", "not-the-password")
    page.click("#sign-in")
    assert page.locator(".error").inner_text() == "Неверный логин или пароль."
    assert page.locator("#terminal").count() == 0
    page.goto(f"{front.url}/")
    assert page.url.endswith("/login")
    page.close()


def test_an_uploaded_spreadsheet_is_offered_by_the_import_wizard(
    browser: Any, front: Front, tmp_path: Path
) -> None:
    sheet = tmp_path / "Клиенты Смирнова.csv"
    sheet.write_text("Название;ИНН\nНовый клиент;7707083893\n", encoding="utf-8")
    page = new_page(browser)
    page.goto(f"{front.url}/login")
    page.fill("#login", "smirnov")
    page.fill("#password", PASSWORD)
    page.click("#sign-in")
    wait_for_text(page, "My sales — Смирнов Олег")
    page.goto(f"{front.url}/upload")
    page.set_input_files("#file", str(sheet))
    page.click("#upload")
    assert "Uploaded: Клиенты Смирнова.csv" in page.locator(".note").inner_text()
    page.click("#back")
    wait_for_text(page, "My sales — Смирнов Олег")
    keys(page, "i")
    wizard = wait_for_text(page, "Клиенты Смирнова.csv")
    assert "upload folder" in wizard
    page.close()
