"""A row whose keys no other row of its chunk and no existing client has is a new client with
no look in the index; every other row goes through the matching as before."""

from __future__ import annotations

from crm_tui.importers.clients.matching import Identity, KeyIndex, shared_keys


def ident(inn: str | None = None, phones: tuple[str, ...] = (), emails: tuple[str, ...] = ()) -> Identity:
    return Identity(inn, None, frozenset(phones), frozenset(emails), "ромашка")


def test_keys_two_rows_share_or_a_client_has_are_shared_and_no_others() -> None:
    index = KeyIndex()
    index.add(7, ident("7707083893", ("+74951234567",), ("info@romashka.ru",)))
    rows = [
        ident("500100732259", ("+74950000001",)),  # its own keys only
        ident(None, ("+74950000002",), ("a@b.ru",)),
        ident(None, ("+74950000002",)),  # the same phone as the row before
        ident("7707083893"),  # an existing client's INN
        ident(None, (), ("info@romashka.ru",)),  # an existing client's e-mail
        ident(None, (), ("c@d.ru",)),
        ident(None, (), ("c@d.ru",)),
    ]
    inns, phones, emails = shared_keys(rows, index)
    assert inns == {"7707083893"}
    assert phones == {"+74950000002"}
    assert emails == {"info@romashka.ru", "c@d.ru"}


def test_an_empty_index_and_unique_keys_share_nothing() -> None:
    rows = [ident(f"77070838{n:02d}", (f"+749500000{n:02d}",), (f"m{n}@x.ru",)) for n in range(20)]
    assert shared_keys(rows, KeyIndex()) == (set(), set(), set())
