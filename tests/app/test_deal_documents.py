"""The deal screen's six steps (seed 002): requisites, contract, invoice, sent, paid, kept; the
documents made by key and listed; the payment confirmed by an accountant with `p`."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from textual.widgets import Static

from crm_tui.app import create_app
from crm_tui.domain.access.users import add_user
from crm_tui.screens.card.screen import ClientCardScreen
from crm_tui.screens.deal import DealScreen
from crm_tui.screens.dialogs.choice import ChoiceDialog
from crm_tui.screens.dialogs.payment import PaymentDialog
from crm_tui.storage.database import write_session
from crm_tui.storage.models import Role, deals
from tests.app.support import notifications, settle, text_of, workspace
from tests.documents.support import fill_requisites
from tests.seed import FROZEN_NOW, Seeded


def _client(engine: Engine, deal_id: int) -> int:
    with engine.connect() as conn:
        return int(conn.scalar(select(deals.c.client_id).where(deals.c.id == deal_id)) or 0)


async def test_the_six_steps_of_a_deal_by_key(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    deal_id = team.deals["d_inv_vektor"]
    manager = workspace(sqlite_url, "ivanova")
    app = create_app(manager)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.push_screen(DealScreen(manager, deal_id))
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DealScreen)
        steps = text_of(screen.query_one("#deal-steps", Static))
        assert "Next: Requisites (u)" in steps and "Missing requisites" in steps
        assert "client's legal address" in steps and "legal_address" not in steps, (
            "named as the card names it"
        )
        await pilot.press("b")
        await settle(pilot)
        assert any("fill in the requisites first" in n for n in notifications(app))
        fill_requisites(workspace(sqlite_url, "admin"), _client(sqlite_engine, deal_id))
        screen.load()
        await settle(pilot)
        assert "Next: Contract (k)" in text_of(screen.query_one("#deal-steps", Static))
        await pilot.press("k")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceDialog)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        documents = text_of(screen.query_one("#deal-documents", Static))
        assert "Contract № 1" in documents and "Invoice № 1" in documents
        steps = text_of(screen.query_one("#deal-steps", Static))
        assert "Next: Sent (])" in steps
        monkeypatch.chdir(tmp_path)
        await pilot.press("s")
        await settle(pilot)
        await pilot.press("down", "enter")
        await settle(pilot)
        assert (tmp_path / "schet-1-2026.pdf").read_bytes().startswith(b"%PDF")
        assert "paid" not in [item.binding.action for item in screen.active_bindings.values()]
        await pilot.press("c")
        await settle(pilot)
        card = app.screen
        assert isinstance(card, ClientCardScreen)
        listed = text_of(card.query_one("#card-documents", Static))
        assert "Invoice № 1" in listed and "paid 0 ₽" in listed and "Contract № 1" in listed


async def test_an_accountant_confirms_the_payment_with_p(
    sqlite_url: str, sqlite_engine: Engine, team: Seeded
) -> None:
    from crm_tui.domain.documents.making import make_document

    deal_id = team.deals["d_inv_vektor"]
    with write_session(sqlite_engine) as session:
        add_user(session, login="buh", full_name="Кузнецова Мария", role=Role.ACCOUNTANT, region=None,
                 now=FROZEN_NOW, by_user_id=None)  # fmt: skip
    fill_requisites(workspace(sqlite_url, "admin"), _client(sqlite_engine, deal_id))
    make_document(workspace(sqlite_url, "ivanova"), deal_id, "invoice")
    accountant = workspace(sqlite_url, "buh")
    app = create_app(accountant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.push_screen(DealScreen(accountant, deal_id))
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, PaymentDialog)
        await pilot.press("ctrl+s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, DealScreen)
        assert any("The deal is won" in n for n in notifications(app))
        steps = text_of(screen.query_one("#deal-steps", Static))
        assert "5 Paid ✓" in steps and "Won" in text_of(screen.query_one("#deal-head", Static))
