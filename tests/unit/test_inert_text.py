"""The one rule for text from outside (crm_tui.domain.values.text): shown as the characters it
holds, without control characters, never read as markup; dropped the same way at the way in."""

from __future__ import annotations

import io

from hypothesis import example, given, settings
from hypothesis import strategies as st
from rich.console import Console

from crm_tui.domain.values.cells import collapse_spaces, drop_controls
from crm_tui.domain.values.legal_forms import split_legal_form
from crm_tui.domain.values.text import inert, literal, normalise_person_name, normalise_text
from tests.hostile import has_controls, hostile_text, shown

ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=40) | hostile_text()


@given(ANY_TEXT)
def test_inert_is_what_was_typed_without_control_characters(text: str) -> None:
    assert inert(text) == shown(text)
    assert not has_controls(inert(text)) and "\n" not in inert(text)


@example("\r\nЖ")
@given(ANY_TEXT)
def test_a_text_with_lines_keeps_its_newlines_and_tabs_and_nothing_else(text: str) -> None:
    kept = inert(text, multiline=True)
    # A Windows line break (CR LF) is one break, where the one-line form shows a space for each.
    assert kept.replace("\n", " ").replace("\t", " ") == shown(text.replace("\r\n", "\n"))
    assert "\r" not in kept and not has_controls(kept.replace("\t", ""))


def test_escape_sequences_links_and_overrides_lose_what_makes_them_act() -> None:
    assert inert("\x1b[2J\x1b[HООО Ромашка") == "[2J[HООО Ромашка"
    assert inert("\x1b]8;;http://evil.example\x1b\\жми\x1b]8;;\x1b\\") == "]8;;http://evil.example\\жми]8;;\\"
    assert inert("\u202eакрамоР") == "акрамоР"
    assert inert("a\x9b31mb\x07") == "a31mb"
    assert inert(None) == "" and inert(1200) == "1200"
    assert inert("\udcff") == "\ufffd"  # a byte the terminal's encoding could not decode


def render(text: object) -> str:
    """What a terminal that understands colours and links receives for ``text``."""
    out = io.StringIO()
    Console(file=out, force_terminal=True, color_system="truecolor", width=400).print(text)
    return out.getvalue()


@settings(max_examples=200)
@given(hostile_text())
def test_literal_is_shown_as_typed_with_no_style_no_link_and_no_markup_error(text: str) -> None:
    shown_text = literal(text)
    assert shown_text.plain == shown(text) and shown_text.spans == []
    printed = render(shown_text)
    assert shown(text).rstrip() in printed  # no escape code inside it: not styled, not linked
    assert "\x1b]8;" not in printed and "\x1b[2J" not in printed


def test_markup_that_rich_would_read_is_printed_as_typed() -> None:
    assert render(literal("[bold red]ООО [/] x[link=http://evil.example]y")).startswith(
        "[bold red]ООО [/] x[link=http://evil.example]y"
    )


@given(ANY_TEXT)
def test_the_import_s_text_normaliser_keeps_no_control_characters(text: str) -> None:
    """ESC and BEL in a name from a file were kept (issue 20): every text value parser drops
    them, with the spacing rules it had."""
    for value in (
        normalise_text(text).value,
        normalise_person_name(text).value,
        split_legal_form(text).value.name,
    ):
        assert value is None or not has_controls(value)
    lines = normalise_text(text, multiline=True).value
    assert lines is None or not has_controls(lines.replace("\n", ""))
    assert collapse_spaces(text) == " ".join(shown(text).split())


def test_names_from_a_file_lose_esc_and_bel_and_keep_the_rest() -> None:
    assert normalise_text("Москва\x07").value == "Москва"
    assert split_legal_form("ООО «Ромашка\x1b[2J»").value == ("ООО", "Ромашка[2J")
    assert (
        normalise_text("первый звонок\x1b[31m\r\nвторой", multiline=True).value == "первый звонок[31m\nвторой"
    )
    assert drop_controls("обычный текст") == "обычный текст"
