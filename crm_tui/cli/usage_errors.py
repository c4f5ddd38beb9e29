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
NOT_A_WHOLE_NUMBER = N_("{input} is not a whole number")
LESS_THAN = N_("{input} is less than {ge}")
MORE_THAN = N_("{input} is more than {le}")
NOT_MORE_THAN = N_("{input} is not more than {gt}")
NOT_LESS_THAN = N_("{input} is not less than {lt}")
_NOT_AN_INT = re.compile(r"(?P<input>.*) is not a valid int\.")
_OUT_OF_RANGE = re.compile(r"(?P<input>-?[\d.]+) is not in the range .*\.")
"""Why Click refused a number (``'x' is not a valid int.``, ``0 is not in the range 1<=x<=1000.``):
read back and said again from the value and the bounds of the parameter's type."""

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
    if hint is None and error.param is not None and error.ctx is not None:
        hint = error.param.get_error_hint(error.ctx)
    if hint is None:
        return ""
    return quoted(hint) if isinstance(hint, str) else " / ".join(_(QUOTE).format(text=x) for x in hint)


def _reason(error: BadParameter) -> str:
    """Why the value was refused: a number's reason from the value and the bounds of its type,
    any other from Click's text read back against its pattern."""
    message = error.message
    found = _NOT_AN_INT.fullmatch(message)
    if found:
        return _(NOT_A_WHOLE_NUMBER).format(input=_(QUOTE).format(text=_unquoted(found["input"])))
    found = _OUT_OF_RANGE.fullmatch(message)
    bounds = error.param.type if error.param is not None else None
    if found and bounds is not None:
        value = float(found["input"])
        said = _(QUOTE).format(text=found["input"])
        low, low_open = getattr(bounds, "min", None), bool(getattr(bounds, "min_open", False))
        high, high_open = getattr(bounds, "max", None), bool(getattr(bounds, "max_open", False))
        if low is not None and (value < low or (low_open and value == low)):
            return _(NOT_MORE_THAN if low_open else LESS_THAN).format(input=said, gt=low, ge=low)
        if high is not None and (value > high or (high_open and value == high)):
            return _(NOT_LESS_THAN if high_open else MORE_THAN).format(input=said, lt=high, le=high)
    return _said_again(message)


def _unquoted(text: str) -> str:
    """The value as it was typed, from Click's ``repr`` of it."""
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


def quoted(text: str) -> str:
    """Click's 'quotes' in ``text`` as the language writes them (Russian: «ёлочки»)."""
    return _QUOTED.sub(lambda m: _(QUOTE).format(text=m[1]), text)
