"""The one translation layer every user-visible string goes through: GNU gettext catalogues.

English is the source language (the msgids); Russian is ``crm_tui/locale/ru/LC_MESSAGES/
crm_tui.po``, compiled to the ``.mo`` beside it that the package ships (``make_catalogue.py``
extracts, updates and compiles them with Babel; a test fails when the ``.mo`` is older than the
``.po`` or a msgid of the code has no translation).

Strings are translated when they are shown, never when a module is imported, so the language
can follow the settings and a test can draw the same screen in both languages: ``_`` translates
now; ``N_`` only marks a string defined at import time (a binding's description, a column title,
an enum's caption), which whoever shows it passes through ``_``. The same English word naming
two things ("Lost": a segment, a stage) gets a context: ``NC_(context, message)`` marks it,
``pgettext(context, message)`` translates it. ``in_language`` translates into a language other
than the one in force: what the system writes into a base is in the base's language.

Which language: the settings file or ``CRM_LOCALE`` (``crm_tui.config``), else the process's
locale (``LC_ALL``, ``LC_MESSAGES``, ``LANG``: ``ru_RU.UTF-8`` on a Russian server), else English.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

LANGUAGES = ("en", "ru")
"""The languages the interface speaks."""
DOMAIN = "crm_tui"
LOCALE_DIR = Path(__file__).parent / "locale"
LOCALE_VARIABLES = ("LC_ALL", "LC_MESSAGES", "LANG")
"""The process's locale, in the order POSIX reads it for messages."""

_LOCALE_NAME = re.compile(r"([A-Za-z]{2,3})(?:[_-][A-Za-z]{2})?(?:\.[\w-]+)?(?:@\w+)?")
_translations: dict[str, gettext.NullTranslations] = {}
_locale = "en"
_missing: set[str] | None = None


def language_of(locale: str) -> str | None:
    """The language of a locale name (``ru``, ``ru_RU.UTF-8``, ``en-GB``; ``C`` and ``POSIX`` are
    English), or None if it is not a locale name or not a language of ``LANGUAGES``."""
    text = locale.strip()
    if text in ("C", "POSIX", "C.UTF-8", "C.utf8"):
        return "en"
    found = _LOCALE_NAME.fullmatch(text)
    language = found.group(1).lower() if found else None
    return language if language in LANGUAGES else None


def process_language(env: Mapping[str, str]) -> tuple[str, str] | None:
    """The language of the process's locale and the variable that says it, or None when the
    locale is unset or a language we do not speak (that falls back to English)."""
    for name in LOCALE_VARIABLES:
        value = env.get(name)
        if value:
            language = language_of(value)
            return (language, name) if language else None
    return None


def _translation(language: str) -> gettext.NullTranslations:
    found = _translations.get(language)
    if found is None:
        if language == "en":
            found = gettext.NullTranslations()
        else:
            found = gettext.translation(DOMAIN, LOCALE_DIR, languages=[language])
        _translations[language] = found
    return found


def set_locale(language: str) -> None:
    """Translate into ``language`` (one of ``LANGUAGES``) from now on."""
    global _locale
    if language not in LANGUAGES:
        raise ValueError(f"unknown language {language!r}: use one of {', '.join(LANGUAGES)}")
    _translation(language)
    _locale = language


def current_locale() -> str:
    """The language in force."""
    return _locale


def _(message: str) -> str:
    """``message`` in the language in force."""
    return in_language(_locale, message)


def N_(message: str) -> str:
    """``message`` as it is, marked for the catalogue: it is translated where it is shown."""
    return message


def NC_(context: str, message: str) -> str:
    """``N_`` for a message that needs a context: the same English word that means two things
    ("Lost": a segment, a stage) has one translation per context. Translated with ``pgettext``
    (or ``in_language``) with the same context where it is shown."""
    return message


def pgettext(context: str, message: str) -> str:
    """``message`` of ``context`` in the language in force."""
    return in_language(_locale, message, context=context)


def in_language(language: str, message: str, *, context: str | None = None) -> str:
    """``message`` in ``language``, whatever language is in force: what the system writes into a
    base is in the base's language (a stage's name, a task's title), not its reader's."""
    if not message:
        return message
    found = _translation(language)
    text = found.gettext(message) if context is None else found.pgettext(context, message)
    if text is message and _missing is not None and language != "en":
        _missing.add(message if context is None else f"{message} ({context})")
    return text


def ngettext(singular: str, plural: str, count: int) -> str:
    """The form of ``singular``/``plural`` for ``count`` in the language in force: Russian has
    three (1 клиент, 3 клиента, 5 клиентов, 21 клиент)."""
    text = _translation(_locale).ngettext(singular, plural, count)
    if text in (singular, plural) and _missing is not None and _locale != "en":
        _missing.add(singular)
    return text


@contextmanager
def missing_translations() -> Iterator[set[str]]:
    """Collects, while the block runs, every message asked for that the catalogue of the
    language in force does not translate: the tests run the app and the CLI in Russian under
    it, which finds what a grep of the code cannot (a string built at run time, a msgid passed
    through a variable)."""
    global _missing
    found: set[str] = set()
    before, _missing = _missing, found
    try:
        yield found
    finally:
        _missing = before


def counted(count: int, one: str, many: str) -> str:
    """``ngettext(one, many, count)`` with ``{count}`` filled in: "12 clients", "12 клиентов"."""
    return ngettext(one, many, count).replace("{count}", number(count))


def number(value: int) -> str:
    """A whole number as the language writes it: 12345 in English, 12 345 in Russian (a
    no-break space between the thousands, so the number never breaks across lines)."""
    if _locale == "ru" and abs(value) >= 10_000:
        return f"{value:,}".replace(",", "\u00a0")
    return str(value)


def decimal(value: float, places: int = 1) -> str:
    """A fraction as the language writes it: 60.9 in English, 60,9 in Russian."""
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if _locale == "ru" else text


class _Count(int):
    """A whole number inside a ``Message``: ``{count:,}`` groups its thousands as the language
    in force writes them (12,345 in English, 12 345 in Russian); other formats as ``int``'s."""

    def __format__(self, spec: str) -> str:
        if spec == "," and _locale != "en":
            return number(int(self))
        return int.__format__(self, spec)


class _Fraction(float):
    """A fractional number inside a ``Message``: ``{size:.1f}`` writes its decimal point as the
    language in force does (1.5 in English, 1,5 in Russian)."""

    def __format__(self, spec: str) -> str:
        text = float.__format__(self, spec)
        return text.replace(".", ",") if _locale != "en" else text


class Message:
    """A sentence for a person, kept as a stable code, its English msgid and the values it names,
    and worded in the language in force each time it is turned to text (``str``, an f-string,
    ``format``): an error raised in a worker thread or a parsing process reads in the language of
    whoever shows it, and a script reads the code and the values, which never change with it.

    The msgid is a ``str.format`` template marked with ``N_`` where it is written, so the
    catalogue knows it; its fields are ``params`` (``{inn}``, ``{count:,}``, ``{name!r}``). A
    value is shown literally (never as markup); a value that is itself a ``Message`` is worded
    with the sentence around it.
    """

    __slots__ = ("code", "msgid", "params")

    def __init__(self, code: str, msgid: str, /, **params: object) -> None:
        self.code = code
        self.msgid = msgid
        self.params = params

    def __str__(self) -> str:
        values = {
            k: _Count(v) if type(v) is int else _Fraction(v) if type(v) is float else v
            for k, v in self.params.items()
        }
        return _(self.msgid).format_map(values)

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"Message({self.code!r}, {self.msgid!r}, **{self.params!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Message):
            return NotImplemented
        return (self.code, self.msgid, self.params) == (other.code, other.msgid, other.params)

    def __hash__(self) -> int:
        return hash((self.code, self.msgid))

    def __reduce__(self) -> tuple[object, ...]:
        return (_message, (type(self), self.code, self.msgid, self.params))

    def as_json(self) -> dict[str, object]:
        """The code and the values, for ``--json`` (English keys, values as given)."""
        return {"code": self.code, "params": {k: _jsonable(v) for k, v in self.params.items()}}


class Phrase(Message):
    """A fragment without values (a field's label, the kind of value a field expects), worded
    with the sentence it is a value of; a script reads its English text."""

    __slots__ = ()

    def __init__(self, msgid: str) -> None:
        super().__init__("", msgid)


class Listed(Message):
    """Values shown one after another, separated by commas, each worded as it is shown (a
    record's fields and their values); a script reads the list."""

    __slots__ = ()

    def __init__(self, items: list[object]) -> None:
        super().__init__("", "", items=items)

    def __str__(self) -> str:
        items = self.params["items"]
        assert isinstance(items, list)
        return ", ".join(str(item) for item in items)


# TRANSLATORS: the quotes around a name or a value (a column, a sheet, an option's value).
QUOTE = N_("'{text}'")


class Quoted(Listed):
    """Names shown one after another, each in the quotes of the language shown ('Тел.', 'ИНН' in
    English, «Тел.», «ИНН» in Russian): a file's columns or sheets listed in an error; a script
    reads the list."""

    __slots__ = ()

    def __str__(self) -> str:
        items = self.params["items"]
        assert isinstance(items, list)
        return ", ".join(_(QUOTE).format(text=item) for item in items)


class Worded(Message):
    """Text already in words (a screen's translated line, a driver's message): shown as it is."""

    __slots__ = ()

    def __init__(self, code: str, text: str) -> None:
        super().__init__(code, text)

    def __str__(self) -> str:
        return self.msgid


class Captioned(Message):
    """A stored code shown by its caption of ``context`` (a request's status "in_work" reads "in
    work"), worded with the sentence it is a value of; a script reads the code."""

    __slots__ = ()

    def __init__(self, code: str, msgid: str, context: str) -> None:
        super().__init__(code, msgid, context=context)

    def __str__(self) -> str:
        return pgettext(str(self.params["context"]), self.msgid)


def _message(cls: type[Message], code: str, msgid: str, params: dict[str, object]) -> Message:
    made = object.__new__(cls)
    made.code, made.msgid, made.params = code, msgid, params
    return made


def _jsonable(value: object) -> object:
    if isinstance(value, Captioned):
        return value.code
    if isinstance(value, Phrase):
        return value.msgid
    if isinstance(value, Listed):
        return _jsonable(value.params["items"])
    if isinstance(value, Message):
        return value.as_json()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return str(value)


class MessageError(Exception):
    """An error a person can act on, whose text is a ``Message``: ``str(error)`` words it in the
    language in force, ``code`` and ``params`` stay the same in every language.

    Raised as ``SomeError("client.inn_invalid", N_("inn: {inn} is not a valid INN"), inn=inn)``;
    ``SomeError(text)`` takes a line already in words (a screen's), coded as the class says.
    """

    default_code = "error"

    def __init__(self, code_or_text: str | Message, msgid: str | None = None, /, **params: object) -> None:
        if isinstance(code_or_text, Message):
            message = code_or_text
        elif msgid is None:
            message = Worded(self.default_code, code_or_text)
        else:
            message = Message(code_or_text, msgid, **params)
        super().__init__(message)
        self.message = message

    @property
    def code(self) -> str:
        return self.message.code

    @property
    def params(self) -> dict[str, object]:
        return self.message.params

    def __str__(self) -> str:
        return str(self.message)

    def as_json(self) -> dict[str, object]:
        """``{"error": text, "code": ..., "params": {...}}`` for a ``--json`` answer."""
        return {"error": str(self), **self.message.as_json()}
