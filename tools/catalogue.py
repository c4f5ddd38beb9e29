"""Extract, update and compile the interface's message catalogues (Babel).

    .venv/bin/python -m tools.catalogue          # after changing strings: .pot, .po updated, .mo compiled
    .venv/bin/python -m tools.catalogue --check  # exit 1 if the .po or .mo is behind the code
    .venv/bin/python -m tools.catalogue --take ru.json  # translations from {msgid: text or [forms]}
    .venv/bin/python -m tools.catalogue --todo todo.json  # the msgids still to translate

Every string in ``_()``, ``N_()``, ``ngettext()`` and ``counted()`` (singular, plural), and in
``pgettext()`` and ``NC_()`` with its context (named "context | msgid" in the JSON files), of the
installed folders, and every text of ``crm --help`` (``cli_help``), goes into
``crm_tui/locale/crm_tui.pot``; ``ru/LC_MESSAGES/crm_tui.po`` gains the new msgids (untranslated,
for a person to translate) and loses none silently (Babel keeps the obsolete ones commented out);
the ``.mo`` the package ships is compiled from the ``.po``.
"""

from __future__ import annotations

import argparse
import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parents[1]
SOURCES = ("crm_tui", "storage", "importers", "scheduling", "screens", "widgets")
"""The folders that install as the package (``crm_tui/storage`` and the like are links to the
others and are not walked twice)."""
LOCALE_DIR = ROOT / "crm_tui" / "locale"
DOMAIN = "crm_tui"
LANGUAGES = ("ru",)
KEYWORDS = {**DEFAULT_KEYWORDS, "N_": None, "NC_": ((1, "c"), 2), "counted": (2, 3)}
CONTEXT_MARK = " | "
"""How a message with a context is named in the JSON files (``--todo``, ``--take``):
``"stage | Lost"``; a message without one is named by its msgid alone."""
METHODS = [("**.py", "python")]


def po_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


def mo_path(language: str) -> Path:
    return po_path(language).with_suffix(".mo")


def extracted() -> Catalog:
    """Every message of the code, with where it is used."""
    catalog = Catalog(project="crm_tui", domain=DOMAIN, charset="utf-8")
    for folder in SOURCES:
        for filename, lineno, message, comments, context in extract_from_dir(
            ROOT / folder, METHODS, keywords=KEYWORDS, comment_tags=("TRANSLATORS:",), strip_comment_tags=True
        ):
            catalog.add(
                message, None, [(f"{folder}/{filename}", lineno)], auto_comments=comments, context=context
            )
    for message, filename, lineno in cli_help():
        catalog.add(message, None, [(filename, lineno)], auto_comments=[CLI_HELP_COMMENT])
    return catalog


CLI_HELP_COMMENT = "crm --help: a command's or parameter's help, or an argument's name (in capitals)"


def cli_help() -> Iterator[tuple[str, str, int]]:
    """The texts of ``crm --help`` (docstrings and ``help=`` of the commands, the arguments'
    names): read from the command tree Typer builds, as ``crm`` translates them, since Babel's
    extractor sees neither docstrings nor keyword arguments."""
    from crm_tui.cli.main import command
    from crm_tui.cli.translation import messages

    yield from messages(command("en"), ROOT)


def read(language: str) -> Catalog:
    with po_path(language).open("rb") as file:
        return read_po(file, locale=language, domain=DOMAIN)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def ids(message: Message) -> tuple[str, ...]:
    return tuple(message.id) if isinstance(message.id, list | tuple) else (message.id,)


def key(message: Message) -> str:
    """The message's name in ``--todo`` and ``--take``: its msgid, after its context if it has
    one (the same msgid in two contexts is two messages, translated apart)."""
    return f"{message.context}{CONTEXT_MARK}{ids(message)[0]}" if message.context else ids(message)[0]


def untranslated(catalog: Catalog) -> Iterator[Message]:
    """The messages a person still has to translate (fuzzy ones too: gettext ignores them)."""
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, list | tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            yield message


def update() -> None:
    template = extracted()
    with (LOCALE_DIR / f"{DOMAIN}.pot").open("wb") as file:
        write_po(file, template, width=100, omit_header=False, sort_output=True)
    for language in LANGUAGES:
        path = po_path(language)
        if path.exists():
            catalog = read(language)
            catalog.update(template, no_fuzzy_matching=True)
        else:
            catalog = Catalog(locale=language, domain=DOMAIN, project="crm_tui", charset="utf-8")
            catalog.update(template, no_fuzzy_matching=True)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as file:
            write_po(file, catalog, width=100, sort_output=True, ignore_obsolete=True)
        mo_path(language).write_bytes(compiled(read(language)))
        missing = list(untranslated(read(language)))
        print(f"{path.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} to translate")


def problems() -> list[str]:
    """What is behind: a msgid of the code not in a .po, a .mo not compiled from its .po."""
    found: list[str] = []
    wanted = {key(m) for m in extracted() if m.id}
    for language in LANGUAGES:
        catalog = read(language)
        known = {key(m) for m in catalog if m.id}
        for missing in sorted(wanted - known):
            found.append(f"{po_path(language).name} ({language}): no entry for {missing!r}")
        if not mo_path(language).exists() or mo_path(language).read_bytes() != compiled(catalog):
            stale = mo_path(language).relative_to(ROOT)
            found.append(f"{stale} is not compiled from its .po: run python -m tools.catalogue")
    return found


def take(path: Path, language: str = "ru") -> int:
    """Put the translations of ``path`` (JSON: msgid -> text, or the list of plural forms; or
    another .po) into the catalogue; returns how many it changed."""
    if path.suffix == ".po":
        with path.open("rb") as file:
            given = {key(m): m.string for m in read_po(file, locale=language) if m.id and not m.fuzzy}
    else:
        given = json.loads(path.read_text(encoding="utf-8"))
    catalog = read(language)
    changed = 0
    for message in catalog:
        if not message.id or key(message) not in given:
            continue
        text = given[key(message)]
        if isinstance(message.id, list | tuple):
            forms = [str(f or "") for f in text] if isinstance(text, list | tuple) else [str(text or "")]
            if not all(forms) or len(forms) != catalog.num_plurals:
                continue
            text = tuple(forms)
        elif not isinstance(text, str) or not text:
            continue
        if message.string != text or message.fuzzy:
            message.string = text
            message.flags.discard("fuzzy")
            changed += 1
    with po_path(language).open("wb") as file:
        write_po(file, catalog, width=100, sort_output=True, ignore_obsolete=True)
    mo_path(language).write_bytes(compiled(read(language)))
    return changed


def todo(path: Path, language: str = "ru") -> int:
    """Write the msgids still to translate to ``path`` (JSON, as ``take`` reads it back: the
    plural ones as a list of their English forms), with where each is used."""
    out = {}
    for message in untranslated(read(language)):
        out[key(message)] = {
            "forms": list(ids(message)) if isinstance(message.id, list | tuple) else None,
            "where": [f"{f}:{n}" for f, n in message.locations][:3],
        }
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")
    return len(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="report what is behind, change nothing")
    parser.add_argument("--take", type=Path, help="translations to put in: JSON or a .po")
    parser.add_argument("--todo", type=Path, help="write the msgids still to translate (JSON)")
    args = parser.parse_args(argv)
    if args.take:
        print(f"{take(args.take)} translations taken")
        return 0
    if args.todo:
        print(f"{todo(args.todo)} to translate, in {args.todo}")
        return 0
    if args.check:
        found = problems()
        for line in found:
            print(line, file=sys.stderr)
        return 1 if found else 0
    update()
    return 0


if __name__ == "__main__":
    sys.exit(main())
