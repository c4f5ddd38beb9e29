"""A domain refusal names the field it is about by the key a dialog knows it by (issue 19): the
dialog marks that field, says why under it and moves the cursor there."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from crm_tui.domain.clients.new_client import NewClient, draft_of
from crm_tui.domain.contacts.new_contact import NewContact, contact_draft
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.portrait.answers import parse_field_text
from crm_tui.domain.tasks.next_step import next_step

NOW = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
MOSCOW = ZoneInfo("Europe/Moscow")


@pytest.mark.parametrize(
    ("kind", "choices", "text"),
    [
        ("choice", ["low", "high"], "huge"),
        ("number", [], "many"),
        ("bool", [], "perhaps"),
        ("date", [], "31.02"),
    ],
)
def test_a_portrait_value_is_refused_on_its_key_and_said_with_its_label(
    kind: str, choices: list[str], text: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        parse_field_text("Conflict level", kind, choices, text, key="conflict_level")
    assert refused.value.field == "conflict_level"
    assert str(refused.value).startswith("Conflict level: ")


def test_the_next_step_names_its_title_or_its_date() -> None:
    with pytest.raises(InvalidInput) as no_title:
        next_step("", "завтра", NOW, MOSCOW)
    assert no_title.value.field == "next_title"
    with pytest.raises(InvalidInput) as bad_when:
        next_step("Отправить КП", "вчера", NOW, MOSCOW)
    assert bad_when.value.field == "next_when"
    assert (
        bad_when.value.code == "due.past"
    )  # the parser's code and words, kept («вчера» is a day now, in the past)


def test_a_new_client_and_a_contact_name_the_dialogs_keys() -> None:
    with pytest.raises(InvalidInput) as email:
        draft_of(NewClient(name="ООО Лютик", email="beta@"), default_owner=1)
    assert email.value.field == "email"
    with pytest.raises(InvalidInput) as phone:
        contact_draft(NewContact("Петров Пётр", phone="12-34"))
    assert phone.value.field == "phone"
