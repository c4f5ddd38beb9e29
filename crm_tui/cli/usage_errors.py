"""A mistyped command line (an unknown option, a missing argument, a value that is not a number)
told in the interface's language.

Click words these itself, in English, and prints them from ``ClickException.show``. ``crm``
runs its command with ``standalone_mode=False`` so the exception comes back to ``main``, which
hands it here: in English Click's own ``show`` prints it, as it always did; in another language
``show`` says the same from what the exception carries (the option, the parameter, the value
and the reason the type check gave), or, for the few messages that carry nothing but their
text, from the text read back against its English pattern.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Mapping

from typer._click.exceptions import (
    BadParameter,
    ClickException,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchOption,
    UsageError,
)

from crm_tui.i18n import N_, QUOTE, _, current_locale

ERROR = N_("Error: {message}")
TRY_HELP = N_("Try '{command} {option}' for help.")
ABORTED = N_("Aborted!")
NO_SUCH_OPTION = N_("No such option: {name}")
POSSIBLE_OPTIONS = N_("(Possible options: {options})")
MISSING = {
    "argument": N_("Missing argument {name}."),
    "option": N_("Missing option {name}."),
    "parameter": N_("Missing parameter {name}."),
}
INVALID_VALUE = N_("Invalid value for {name}: {reason}")
TEXTS = (
    N_("Got unexpected extra argument(s) ({args})"),
    N_("Missing command."),
    N_("No such command '{name}'. Did you mean {names}?"),
    N_("No such command '{name}'."),
    N_("Option '{name}' requires an argument."),
    N_("Option '{name}' requires {count} arguments."),
    N_("Option '{name}' does not take a value."),
    N_("Argument '{name}' takes {count} values."),
    N_("'{value}' is not one of {choices}."),
)
"""Click's messages that carry only their text, as Click writes them (the first that matches
is taken): the text is read back against it and said again in the language in force."""
REASONS = {
    "int_parsing": N_("{input} is not a whole number"),
    "int_from_float": N_("{input} is not a whole number"),
    "greater_than_equal": N_("{input} is less than {ge}"),
    "less_than_equal": N_("{input} is more than {le}"),
    "greater_than": N_("{input} is not more than {gt}"),
    "less_than": N_("{input} is not less than {lt}"),
}
"""Why a value was refused, by the type check's (pydantic's) error type; its context fills in."""

_PATTERNS = tuple((re.compile(re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.*)", re.escape(m))), m) for m in TEXTS)
_QUOTED = re.compile(r"'([^']*)'")


def show(error: ClickException) -> None:
    """Print ``error`` as Click would, in the language in force, on stderr."""
    if current_locale() == "en" or isinstance(error, NoArgsIsHelpError):
        error.show()
        return
    if isinstance(error, UsageError) and error.ctx is not None:
        ctx = error.ctx
        hint = ""
        if ctx.command.get_help_option(ctx) is not None:
            hint = _(TRY_HELP).format(command=ctx.command_path, option=ctx.help_option_names[0]) + "\n"
        print(f"{ctx.get_usage()}\n{hint}", file=sys.stderr)
    print(_(ERROR).format(message=worded(error)), file=sys.stderr)


def worded(error: ClickException) -> str:
    """What went wrong, in the language in force."""
    if isinstance(error, NoSuchOption):
        text = _(NO_SUCH_OPTION).format(name=error.option_name)
        if error.possibilities:
            text += " " + _(POSSIBLE_OPTIONS).format(options=", ".join(sorted(error.possibilities)))
        return text
    if isinstance(error, MissingParameter):
        kind = error.param_type or (error.param.param_type_name if error.param else "parameter")
        return _(MISSING.get(kind, MISSING["parameter"])).format(name=_named(error))
    if isinstance(error, BadParameter):
        return _(INVALID_VALUE).format(name=_named(error), reason=_reason(error))
    return _said_again(error.message)


def _said_again(text: str) -> str:
    for pattern, msgid in _PATTERNS:
        found = pattern.fullmatch(text)
        if found:
            return _(msgid).format(**{k: quoted(v) for k, v in found.groupdict().items()})
    return text


def _named(error: BadParameter) -> str:
    """The parameter an error is about, as Click names it (``'--limit'``, ``'КЛИЕНТ'``)."""
    hint = error.param_hint
    if hint is None and error.param is not None:
        hint = error.param.get_error_hint()
    if hint is None:
        return ""
    return quoted(hint) if isinstance(hint, str) else " / ".join(_(QUOTE).format(text=x) for x in hint)


def _reason(error: BadParameter) -> str:
    """Why the value was refused: from the type check's error when it carries one."""
    cause = error.__cause__
    errors = getattr(cause, "errors", None)
    if callable(errors):
        found = errors()
        if found and isinstance(found[0], Mapping):
            first = found[0]
            msgid = REASONS.get(str(first.get("type")))
            if msgid is not None:
                values = {
                    k: v for k, v in (first.get("ctx") or {}).items() if isinstance(v, int | float | str)
                }
                return _(msgid).format(input=_(QUOTE).format(text=first.get("input")), **values)
    return _said_again(error.message.removeprefix("Value error, "))


def quoted(text: str) -> str:
    """Click's 'quotes' in ``text`` as the language writes them (Russian: «ёлочки»)."""
    return _QUOTED.sub(lambda m: _(QUOTE).format(text=m[1]), text)
