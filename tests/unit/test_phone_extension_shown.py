"""A phone's extension is kept on import and shown wherever the phone is: "доб. 12" beside it."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from crm_tui import i18n
from crm_tui.domain.clients.card import load_card
from crm_tui.domain.contacts.new_contact import NewContact, save_contact
from crm_tui.domain.values.formatting import phone
from crm_tui.domain.workspace import Workspace
from crm_tui.screens.card.sections import channel_text
from tests.seed import Seeded

Open = Callable[[str], Workspace]


@pytest.fixture
def russian() -> Iterator[None]:
    before = i18n.current_locale()
    i18n.set_locale("ru")
    yield
    i18n.set_locale(before)


def test_the_one_phone_formatter_writes_the_extension_in_the_language_in_force() -> None:
    assert phone("+74951112233") == "+7 495 111-22-33"
    assert phone("+74951112233", "12") == "+7 495 111-22-33 ext. 12"
    i18n.set_locale("ru")
    try:
        assert phone("+74951112233", "12") == "+7 495 111-22-33 доб. 12"
    finally:
        i18n.set_locale("en")


def test_the_card_shows_a_contacts_phone_with_its_extension(
    seeded: Seeded, workspace_for: Open, russian: None
) -> None:
    ivanova = workspace_for("ivanova")
    teplo = seeded.clients["teplo"]
    save_contact(ivanova, teplo, NewContact("Сидоров", phone="8 (495) 111-22-33 доб. 12; 8 916 555-44-33"))
    with ivanova.read() as session:
        card = load_card(session, ivanova.viewer, teplo)
    person = next(p for p in card.contacts if p.full_name == "Сидоров")
    assert [channel_text(ch) for ch in person.channels] == ["+7 495 111-22-33 доб. 12", "+7 916 555-44-33"]
