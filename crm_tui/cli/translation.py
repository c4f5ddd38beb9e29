"""`crm --help` in the interface's language: our help texts and Click's own words.

Typer builds the Click command tree from the decorators, in English, the msgids. For another
language ``translate`` walks the built tree once and puts each text a person reads through
``_``: the commands' and the parameters' help, the usage line's placeholders, the arguments'
names (a Russian reader gets ``КЛИЕНТ``, not ``client_id``), and the ``--help`` option's own
help. What Click and Typer write while formatting (``Usage:``, the section headings, the type
of a value, ``[default: 30; required]``) is worded by the help formatter of the commands'
contexts, here, and not by installing a gettext domain for the whole process: Typer reads its
few words from the global domain, vendored Click has its words written in.

The walk is also what ``tools.catalogue`` extracts the help texts with (``messages``), so the
catalogue holds exactly what ``translate`` asks for: the decorators and docstrings stay as they
are, without ``N_``.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

import typer
import typer.core
from typer._click import Command, HelpFormatter, Parameter

from crm_tui.i18n import N_, _

USAGE = N_("Usage: ")
HEADINGS = (N_("Options"), N_("Arguments"), N_("Commands"))
"""The section headings of a help page as Typer writes them, for the catalogue (the tree's own
words, ``[OPTIONS]`` and the ``--help`` option's help, are extracted with it)."""
# TRANSLATORS: the kind of value an option takes, in --help: --limit <integer>.
TYPE_NAMES = {
    "int": N_("<integer>"),
    "int range": N_("<integer>"),
    "str": N_("<text>"),
    "path": N_("<path>"),
    "Path": N_("<path>"),
}
"""Typer's names of a value's type (``--limit <int range>``) in words; a list's is its items' with
``...``. A list of choices (``<small|large>``) is what is typed, and stays."""
REQUIRED = "required"
"""Typer's word for a parameter that must be given, said with ``MUST_BE_GIVEN``."""
# TRANSLATORS: in --help, after the help of an option or argument that must be given: [required].
MUST_BE_GIVEN = N_("must be given")
DEFAULT_PREFIX = "default: "
"""How Typer starts a parameter's default, said with ``DEFAULT``."""
DEFAULT = N_("default: {default}")
RANGES = (
    (re.compile(r"(?P<min>-?[\d.]+)<=x<=(?P<max>-?[\d.]+)"), N_("{min} to {max}")),
    (re.compile(r"x>=(?P<min>-?[\d.]+)"), N_("{min} or more")),
    (re.compile(r"x<=(?P<max>-?[\d.]+)"), N_("{max} or less")),
)
"""Typer's ranges of a number (``1<=x<=1000``) and how they are said."""

_TYPE = re.compile(r"<(?P<list>list\[)?(?P<name>[^<>\[\]|]+)\]?>")
_EXTRAS = re.compile(r"(?P<help>.*?)(?P<space>\s*)\[(?P<extras>[^\[\]]+)\]", re.DOTALL)


def argument_msgid(argument: Parameter) -> str:
    """The msgid of an argument's name in the usage line and the help: its metavar or its
    parameter name, in capitals as a usage line writes a placeholder (``CLIENT_ID``)."""
    return (argument.metavar or argument.name or "").upper()


def _commands(root: Command) -> Iterator[Command]:
    found = [root]
    while found:
        command = found.pop()
        yield command
        if isinstance(command, typer.core.TyperGroup):
            found.extend(command.commands[name] for name in reversed(list(command.commands)))


def _texts(command: Command) -> Iterator[tuple[object, str, str]]:
    """Each text of one command a person reads: (the object, its attribute, the msgid)."""
    for attribute in ("help", "short_help", "epilog", "options_metavar", "subcommand_metavar"):
        text = getattr(command, attribute, None)
        if text:
            yield command, attribute, text
    for param in command.params:
        if param.param_type_name == "argument":
            yield param, "metavar", argument_msgid(param)
        help_text = getattr(param, "help", None)
        if help_text:
            yield param, "help", help_text
    help_option = command.get_help_option(typer.Context(command))
    if help_option is not None and help_option.help:
        yield help_option, "help", help_option.help


def translate(root: Command) -> None:
    """Word the tree (built for this language alone) in the language in force, and give its
    commands the contexts whose help formatter words Click's own parts of a help page."""
    for command in _commands(root):
        for owner, attribute, msgid in _texts(command):
            setattr(owner, attribute, _(msgid))
        command.context_class = TranslatedContext


def messages(root: Command, base: Path) -> Iterator[tuple[str, str, int]]:
    """The msgids ``translate`` asks for, each with the file (relative to ``base``) and the line
    of the command that shows it, for the catalogue."""
    for command in _commands(root):
        where = _source(command, base)
        for _owner, _attribute, msgid in _texts(command):
            yield msgid, *where


def _source(command: Command, base: Path) -> tuple[str, int]:
    callback = inspect.unwrap(command.callback) if command.callback else None
    if callback is None and isinstance(command, typer.core.TyperGroup) and command.commands:
        return _source(next(iter(command.commands.values())), base)
    try:
        path = Path(inspect.getsourcefile(callback) or "") if callback else None
        line = inspect.getsourcelines(callback)[1] if callback else 0
    except (OSError, TypeError):
        path, line = None, 0
    if path is None or not path.is_relative_to(base):
        return "crm_tui/cli/main.py", 0
    return str(path.relative_to(base)), line


def _type_name(found: re.Match[str]) -> str:
    """``<int>`` as the language says it; a type it does not know stays as Typer wrote it."""
    msgid = TYPE_NAMES.get(found["name"])
    if msgid is None:
        return found[0]
    return _(msgid) + ("..." if found["list"] else "")


def _extra(part: str, term: str) -> str:
    if part == REQUIRED:
        return _(MUST_BE_GIVEN)
    if part.startswith(DEFAULT_PREFIX):
        value = part.removeprefix(DEFAULT_PREFIX)
        if f"--{value}" in term.split():  # a --flag/--no-flag's default is said by its name
            value = f"--{value}"
        return _(DEFAULT).format(default=value)
    for pattern, msgid in RANGES:
        found = pattern.fullmatch(part)
        if found:
            return _(msgid).format(**found.groupdict())
    return part


def _described(term: str, text: str) -> str:
    """A parameter's help with Typer's ``[default: ...; required]`` after it worded."""
    found = _EXTRAS.fullmatch(text)
    if found is None:
        return text
    extras = "; ".join(_extra(part, term) for part in found["extras"].split("; "))
    return f"{found['help']}{found['space']}[{extras}]"


class TypedFormatter(HelpFormatter):
    """Click's help formatter writing the kind of value each parameter takes (``TypedContext``),
    as Typer names it (``<int>``)."""

    terms: Mapping[str, str] = MappingProxyType({})
    """A parameter's term in the help as Typer writes it, and with the kind of value it takes."""
    many: frozenset[str] = frozenset()
    """The arguments that take several values, by their name in the usage line."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        for name in self.many:
            args = re.sub(rf"([\[{{]{re.escape(name)}[\]}}])(?!\.\.\.)", r"\1...", args)
        super().write_usage(prog, args, prefix)

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        super().write_dl([(self.terms.get(term, term), text) for term, text in rows], col_max, col_spacing)


class TranslatedFormatter(TypedFormatter):
    """Click's help formatter saying its own words in the language in force."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, _(USAGE) if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(_(heading))

    def write_dl(self, rows: Sequence[tuple[str, str]], col_max: int = 30, col_spacing: int = 2) -> None:
        typed = [(self.terms.get(term, term), text) for term, text in rows]
        worded = [(_TYPE.sub(_type_name, term), _described(term, text)) for term, text in typed]
        HelpFormatter.write_dl(self, worded, col_max, col_spacing)


class TypedContext(typer.Context):
    """A context whose help tells the kind of value each parameter takes where Typer 0.28 leaves
    it out: after an argument (``client_id <int>``), and that an argument or a repeatable option
    takes several (``--map <list[str]>``, the usage line's ``{FILES}...``), as the help said with
    Typer 0.29 (0.28 is pinned: it reads the parameters without pydantic, see the README)."""

    formatter_class: type[HelpFormatter] = TypedFormatter

    def make_formatter(self) -> HelpFormatter:
        formatter = super().make_formatter()
        if isinstance(formatter, TypedFormatter):
            formatter.terms = MappingProxyType(dict(_typed_terms(self)))
            formatter.many = frozenset(
                param.human_readable_name
                for param in self.command.params
                if param.param_type_name == "argument" and param.nargs != 1
            )
        return formatter


class TranslatedContext(TypedContext):
    """A context whose help and usage lines are made by ``TranslatedFormatter``."""

    formatter_class = TranslatedFormatter


def typed(root: Command) -> None:
    """Give the tree's commands the contexts whose help writes each parameter's kind of value
    (the English tree: ``translate`` does it for the others)."""
    for command in _commands(root):
        command.context_class = TypedContext


def _typed_terms(ctx: typer.Context) -> Iterator[tuple[str, str]]:
    """Each parameter's term in the help whose kind of value Typer leaves out, and the term with
    it: an argument's (``client_id <int>``), a repeatable option's (``--map <list[str]>``)."""
    for param in ctx.command.params:
        record = param.get_help_record(ctx)
        if record is None or param.type.get_metavar(param=param, ctx=ctx) is not None:
            continue
        name, several = param.type.name, param.nargs != 1 or getattr(param, "multiple", False)
        kind = f"<list[{name}]>" if several else f"<{name}>"
        if param.param_type_name == "argument":
            yield record[0], f"{record[0]} {kind}"
        elif several and record[0].endswith(f" <{name}>"):
            yield record[0], record[0].removesuffix(f"<{name}>") + kind
