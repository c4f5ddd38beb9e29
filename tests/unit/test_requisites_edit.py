"""Requisites on the card: checksums for INN, OGRN, BIK and account, digits kept as digits,
and a stale save refused, from the domain and from `crm clients edit`."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from crm_tui.domain.clients.card import load_card
from crm_tui.domain.clients.edit import StaleClient, edit_client
from crm_tui.domain.errors import InvalidInput
from crm_tui.domain.values.requisites import is_valid_account, is_valid_bik, with_account_key
from crm_tui.domain.workspace import Workspace
from tests.cli_support import crm, error_line
from tests.seed import Seeded

Open = Callable[[str], Workspace]
SBER_BIK = "044525225"
ACCOUNT = with_account_key(SBER_BIK, "40702810038000012345")


def test_real_bank_accounts_pass_and_one_wrong_digit_fails() -> None:
    assert is_valid_account("30101810400000000225", SBER_BIK)  # Sberbank's correspondent account
    assert is_valid_account(ACCOUNT, SBER_BIK)
    assert not is_valid_account(ACCOUNT[:-1] + str((int(ACCOUNT[-1]) + 1) % 10), SBER_BIK)
    assert not is_valid_account(ACCOUNT, "044525226")  # the same account at another bank
    assert not is_valid_bik("123456789") and is_valid_bik(SBER_BIK)
    assert is_valid_bik("017003983")  # a treasury branch (since 2021)
    assert is_valid_account("40102810445370000059", "017003983")  # its single treasury account
    assert is_valid_account("03100643000000018500", "017003983")  # treasury accounts carry no key


@given(
    st.text(alphabet="0123456789", min_size=20, max_size=20),
    st.text(alphabet="0123456789", min_size=7, max_size=7),
)
def test_every_account_gets_exactly_one_valid_key(account: str, tail: str) -> None:
    assume(not account.startswith("03"))  # treasury accounts have no key
    bik = "04" + tail
    keyed = with_account_key(bik, account)
    assert is_valid_account(keyed, bik)
    others = [keyed[:8] + str(d) + keyed[9:] for d in range(10) if str(d) != keyed[8]]
    assert not any(is_valid_account(other, bik) for other in others)


def save(ws: Workspace, client_id: int, changes: dict[str, str]) -> int:
    with ws.read() as session:
        version = load_card(session, ws.viewer, client_id).version
    with ws.write() as session:
        return edit_client(session, ws.viewer, ws.now(), client_id, version, changes)


def test_requisites_are_saved_as_digits_and_shown_on_the_card(seeded: Seeded, workspace_for: Open) -> None:
    ws = workspace_for("ivanova")
    romashka = seeded.clients["romashka"]
    spaced = " ".join((ACCOUNT[:5], ACCOUNT[5:8], ACCOUNT[8:]))
    save(
        ws,
        romashka,
        {"bik": "04 45 25 225", "account": spaced, "legal_address": " г. Москва,  ул. Льва Толстого, 16 "},
    )
    with ws.read() as session:
        card = load_card(session, ws.viewer, romashka)
    assert (card.bik, card.account) == (SBER_BIK, ACCOUNT)
    assert card.legal_address == "г. Москва, ул. Льва Толстого, 16"


def test_requisites_typed_on_the_card_are_read_as_the_import_reads_them(
    seeded: Seeded, workspace_for: Open
) -> None:
    ws = workspace_for("ivanova")
    romashka = seeded.clients["romashka"]
    typed = {
        "legal_form": "общество с ограниченной ответственностью",
        "inn": "ИНН 7707 083 893",
        "kpp": "КПП: 7707 01 001",
        "ogrn": "1027700132195",
        "city": "  Москва  ",
    }
    save(ws, romashka, typed)
    with ws.read() as session:
        card = load_card(session, ws.viewer, romashka)
    assert (card.legal_form, card.inn, card.kpp, card.ogrn, card.city) == (
        "ООО",
        "7707083893",
        "770701001",
        "1027700132195",
        "Москва",
    )
    with pytest.raises(InvalidInput, match=r"^inn: "):  # a KPP in the INN field is refused, not cut off
        save(ws, romashka, {"inn": "7707083893/770701001"})


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"inn": "7707083894"}, "inn: 7707083894 is not a valid INN"),
        ({"ogrn": "1027700132196"}, "ogrn: 1027700132196 is not a valid OGRN"),
        ({"bik": "123456789"}, "bik: 123456789 is not a BIK"),
        ({"account": ACCOUNT}, "account: give the bank's BIK too"),
        ({"bik": SBER_BIK, "account": "40702810038000012345"}, "does not match BIK 044525225"),
        ({"kpp": "77"}, "kpp: 77 is not a KPP"),
        ({"name": "  "}, "name: a client needs a name"),
    ],
)
def test_a_wrong_requisite_is_refused_naming_the_field(
    seeded: Seeded, workspace_for: Open, changes: dict[str, str], message: str
) -> None:
    with pytest.raises(InvalidInput, match=message):
        save(workspace_for("ivanova"), seeded.clients["romashka"], changes)


def test_a_stale_save_is_refused_with_the_fresh_values(seeded: Seeded, workspace_for: Open) -> None:
    ivanova, smirnov = workspace_for("ivanova"), workspace_for("smirnov")
    romashka = seeded.clients["romashka"]
    with ivanova.read() as session:
        seen = load_card(session, ivanova.viewer, romashka).version
    save(smirnov, romashka, {"legal_address": "г. Москва, ул. Тверская, 1"})
    with ivanova.write() as session, pytest.raises(StaleClient, match=r"ул\. Тверская, 1"):
        edit_client(session, ivanova.viewer, ivanova.now(), romashka, seen, {"legal_address": "другой"})


def test_requisites_from_the_command_line(seeded_db: str) -> None:
    done = crm(
        "--db", seeded_db, "clients", "edit", "1", "--set", f"bik={SBER_BIK}", "--set", f"account={ACCOUNT}",
        "--json", user="ivanova",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    version = json.loads(done.stdout)["version"]
    stale = crm(
        "--db", seeded_db, "clients", "edit", "1", "--set", "city=Химки", "--version", str(version - 1),
        user="ivanova",
    )  # fmt: skip
    assert stale.returncode != 0 and "saved by someone else meanwhile" in error_line(stale)
    wrong = crm(
        "--db", seeded_db, "clients", "edit", "1", "--set", "account=40702810038000012345", user="ivanova"
    )
    assert wrong.returncode != 0 and "does not match BIK" in error_line(wrong)
    shapeless = crm("--db", seeded_db, "clients", "edit", "1", "--set", "Химки", user="ivanova")
    assert shapeless.returncode != 0 and "write field=value" in error_line(shapeless)
