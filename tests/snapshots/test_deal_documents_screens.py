"""The deal screen with its documents and the six steps (seed 002), at 80x24 and 120x40: a
contract and an invoice made, the invoice partly paid, the next step "Sent".

Update with ``pytest tests/snapshots/test_deal_documents_screens.py --snapshot-update`` and read
the SVGs (``tests/snapshots/screen_text.py``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import select
from textual.pilot import Pilot

from crm_tui.app import create_app
from crm_tui.domain.documents.making import make_document
from crm_tui.domain.documents.payments import confirm_payment
from crm_tui.domain.workspace import Workspace
from crm_tui.storage.models import deals
from tests.app.support import settle, workspace
from tests.documents.support import fill_requisites
from tests.seed import Seeded

SnapCompare = Callable[..., bool]


@pytest.mark.parametrize("size", [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")])
def test_deal_with_documents(
    snap_compare: SnapCompare, sqlite_url: str, ws: Workspace, team: Seeded, size: tuple[int, int]
) -> None:
    from crm_tui.screens.deal import DealScreen

    deal_id = team.deals["d_inv_vektor"]
    admin = workspace(sqlite_url, "admin")
    with admin.read() as session:
        client_id = int(session.scalar(select(deals.c.client_id).where(deals.c.id == deal_id)) or 0)
    fill_requisites(admin, client_id)
    make_document(ws, deal_id, "contract")
    make_document(ws, deal_id, "invoice")
    confirm_payment(admin, deal_id, "100 000", "19.11.2026")

    async def run(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.app.push_screen(DealScreen(ws, deal_id))
        await settle(pilot)

    assert snap_compare(create_app(ws), terminal_size=size, run_before=run)
